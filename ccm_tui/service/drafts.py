"""Wizard drafts: the non-secret fields of an unfinished create-account wizard.

One draft file, ``state_dir()/drafts/new-account.json`` (file 0600, dir 0700, written
atomically). Secrets are never stored: any key named like a secret is dropped before
writing, whatever the caller passed, and ``secrets_to_ask`` lists the fields the operator
must type again on resume. No Textual imports here.

The console never writes a draft on its event loop: :data:`WRITER` (a :class:`DraftWriter`)
takes a snapshot at once (``stage``) and writes it from a thread (``flush``), newest first:
an older snapshot never lands after a newer one.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccm_tui.paths import state_dir, write_private_file
from ccm_tui.redaction import SECRET_KEYS as _SECRET_NAMES

DRAFT_VERSION = 1
DRAFT_FILE = "new-account.json"
#: Keys whose values are secrets (or lead to one) and are therefore never written: every
#: name redaction masks, plus the path of the client key file.
SECRET_KEYS = _SECRET_NAMES | {"client_key_path"}


@dataclass
class Draft:
    form: dict[str, Any]
    saved_at: float
    server: str | None = None
    step: int = 0
    secrets_to_ask: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def name(self) -> str:
        value = self.form.get("name")
        return value if isinstance(value, str) else ""

    def describe(self) -> str:
        """One line about the draft. Its name and server are outside text (the file may have
        been edited): the caller shows this line as plain text through the safe-text boundary."""
        try:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        except (OverflowError, OSError, ValueError):
            when = "at an unknown time"
        name = self.name or "(no name yet)"
        where = f" for {self.server}" if self.server else ""
        return f"new account {name!r}{where}, saved {when}"


def drafts_dir() -> Path:
    return state_dir() / "drafts"


def draft_path() -> Path:
    return drafts_dir() / DRAFT_FILE


def scrub(value: Any) -> Any:
    """A copy of ``value`` without any secret-named key, at any depth."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if str(k).strip().lower() not in SECRET_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def save_draft(form: dict[str, Any], *, server: str | None = None, step: int = 0) -> Path:
    """Write the draft (secrets removed) and return its path (blocking; the console goes
    through :data:`WRITER` instead)."""
    return _write(draft_path(), form, server=server, step=step)


def _write(path: Path, form: dict[str, Any], *, server: str | None, step: int) -> Path:
    clean = scrub(form)
    ask = [str(s) for s in form.get("secrets_to_ask", []) if isinstance(s, str)]
    clean.pop("secrets_to_ask", None)
    doc = {
        "version": DRAFT_VERSION,
        "saved_at": time.time(),
        "server": server,
        "step": int(step),
        "secrets_to_ask": ask,
        "form": clean,
    }
    return write_private_file(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")


class DraftWriter:
    """Draft writes in order, off the caller's thread.

    ``stage`` is cheap (no I/O): it keeps the newest snapshot (and the file it goes to,
    fixed at that moment). ``flush`` (blocking: call it from a thread) writes whatever is
    staged under one lock, so two flushes never overlap, and a flush that starts after a
    newer ``stage`` writes the newer snapshot: the file only ever moves forward. Several
    stages before a flush collapse into one write. ``discard`` drops the staged snapshot,
    waits for a write in progress and deletes the file, so no save lands after it.
    """

    def __init__(self) -> None:
        self._write_lock = threading.Lock()  # held for a whole write (or delete)
        self._state_lock = threading.Lock()  # held only to read / swap the fields below
        self._staged: tuple[int, Path, dict[str, Any], str | None, int] | None = None
        self._seq = 0
        self._written = 0

    def stage(self, form: dict[str, Any], *, server: str | None = None, step: int = 0) -> int:
        """Keep ``form`` as the next draft to write; returns its sequence number."""
        with self._state_lock:
            self._seq += 1
            self._staged = (self._seq, draft_path(), form, server, step)
            return self._seq

    @property
    def pending(self) -> bool:
        """True while a staged snapshot has not been written yet."""
        with self._state_lock:
            return self._staged is not None

    @property
    def written(self) -> int:
        """The sequence number of the newest snapshot on disk (0: none yet)."""
        with self._state_lock:
            return self._written

    def flush(self) -> int:
        """Write the staged snapshot, if any (blocking). Returns :attr:`written`.

        Raises OSError when the file cannot be written; the snapshot is then dropped (the
        next ``stage`` carries everything anyway)."""
        with self._write_lock:
            with self._state_lock:
                job, self._staged = self._staged, None
            if job is not None:
                seq, path, form, server, step = job
                _write(path, form, server=server, step=step)
                with self._state_lock:
                    self._written = seq
            return self.written

    def discard(self) -> bool:
        """Forget the staged snapshot and delete the draft file (blocking); True if there
        was a file. A write in progress finishes first, so nothing lands after this."""
        with self._state_lock:
            self._staged = None
        with self._write_lock:
            return discard_draft()


#: The console's one writer (one draft file per state directory and process).
WRITER = DraftWriter()


def load_draft() -> Draft | None:
    """The saved draft, or None when there is none or it cannot be read (then
    :func:`draft_path` may still name a file: the console offers to discard it)."""
    p = draft_path()
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("form"), dict):
        return None
    saved_at = doc.get("saved_at")
    step = doc.get("step")
    ask = doc.get("secrets_to_ask")
    server = doc.get("server")
    return Draft(
        form=scrub(doc["form"]),
        saved_at=_timestamp(saved_at),
        server=server if isinstance(server, str) else None,
        step=step if isinstance(step, int) and 0 <= step <= 4 else 0,
        secrets_to_ask=[s for s in ask if isinstance(s, str)] if isinstance(ask, list) else [],
        path=p,
    )


def _timestamp(value: Any) -> float:
    """A saved_at the clock functions accept (a huge, NaN or infinite number becomes 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    try:
        ts = float(value)
    except OverflowError:
        return 0.0
    return ts if math.isfinite(ts) and 0 <= ts < 1e11 else 0.0


def discard_draft() -> bool:
    """Delete the draft; True if there was one."""
    try:
        os.unlink(draft_path())
    except FileNotFoundError:
        return False
    return True


__all__ = [
    "DRAFT_VERSION",
    "Draft",
    "DraftWriter",
    "SECRET_KEYS",
    "discard_draft",
    "draft_path",
    "drafts_dir",
    "load_draft",
    "save_draft",
    "scrub",
    "WRITER",
]
