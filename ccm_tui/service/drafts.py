"""Wizard drafts: the non-secret fields of an unfinished create-account wizard.

One draft file, ``state_dir()/drafts/new-account.json`` (file 0600, dir 0700, written
atomically). Secrets are never stored: any key named like a secret is dropped before
writing, whatever the caller passed, and ``secrets_to_ask`` lists the fields the operator
must type again on resume. No Textual imports here.
"""

from __future__ import annotations

import json
import math
import os
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
    """Write the draft (secrets removed) and return its path."""
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
    return write_private_file(draft_path(), json.dumps(doc, indent=2, sort_keys=True) + "\n")


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
    "SECRET_KEYS",
    "discard_draft",
    "draft_path",
    "drafts_dir",
    "load_draft",
    "save_draft",
    "scrub",
]
