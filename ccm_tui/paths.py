"""Where ccm-tui keeps its files. Everything is resolved lazily (call the functions);
nothing is created at import or by asking for a path, only when a file is written.

``CCM_TUI_HOME`` (when set) moves the config, state and log dirs under one folder, so tests
and portable installs never touch the user's real directories:
``$CCM_TUI_HOME/config``, ``$CCM_TUI_HOME/state``, ``$CCM_TUI_HOME/log``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

APP_NAME = "ccm-tui"
HOME_ENV = "CCM_TUI_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The directory that holds config.toml."""
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The directory for the token cache, drafts and other state."""
    home = _home()
    if home is not None:
        return home / "state"
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The directory of the rotating request log."""
    home = _home()
    if home is not None:
        return home / "log"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700. Returns the path.

    Parents we create are 0700 too (XDG: create missing directories 0700): ``mkdir(parents=
    True)`` would leave them at the umask default, listing our file names to other users.
    Existing parents are left alone."""
    p = Path(path)
    missing = []
    cur = p
    while not cur.exists() and cur != cur.parent:
        missing.append(cur)
        cur = cur.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        try:
            os.chmod(d, 0o700)
        except OSError:  # pragma: no cover
            pass
    p.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.chmod(p, 0o700)
    except OSError:  # pragma: no cover - e.g. a directory we do not own
        pass
    return p


def write_private_file(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` atomically with mode 0600 (parent dir made 0700).

    The data goes to a temporary file in the same directory, created 0600 from the start,
    flushed and fsynced, then renamed over the target: a reader never sees half a file and
    the content is never readable by others, not even for a moment.
    """
    p = Path(path)
    ensure_private_dir(p.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return p


__all__ = [
    "APP_NAME",
    "HOME_ENV",
    "config_dir",
    "ensure_private_dir",
    "log_dir",
    "state_dir",
    "write_private_file",
]
