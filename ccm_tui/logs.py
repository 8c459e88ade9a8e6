"""The rotating log file (under the platformdirs log dir; 0600 file, 0700 dir).

Nothing is configured at import: the app and the CLI call ``setup_file_logging()``. Logs go to
the file only, never to the screen. The client writes one line per request (method, path,
status, timing) to the ``ccm_tui.requests`` logger — never bodies or headers — and a filter
masks anything that still looks like a credential.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
from pathlib import Path

from ccm_tui import paths
from ccm_tui.redaction import SECRET_KEYS

LOG_FILE_NAME = "ccm-tui.log"
ROOT_LOGGER = "ccm_tui"
_SCRUBS = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 ***"),
    (re.compile(r"(?i)\b(" + "|".join(sorted(SECRET_KEYS, key=len, reverse=True)) + ")"
                r"([\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"), r"\1\2***"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
     "***PRIVATE KEY***"),
)


def default_log_path() -> Path:
    return paths.log_dir() / LOG_FILE_NAME


class _SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = msg
        for pattern, repl in _SCRUBS:
            clean = pattern.sub(repl, clean)
        if clean != msg:
            record.msg, record.args = clean, None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created 0600 (also after a rollover)."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except OSError:  # pragma: no cover
            pass
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_file_logging(
    path: Path | str | None = None,
    *,
    level: int = logging.INFO,
    max_bytes: int = 1_000_000,
    backup_count: int = 3,
) -> Path:
    """Send the ``ccm_tui`` loggers to a private rotating file; returns its path.

    Calling it again replaces the handler it installed before (no duplicate lines).
    """
    target = Path(path) if path is not None else default_log_path()
    paths.ensure_private_dir(target.parent)
    handler = PrivateRotatingFileHandler(
        target, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(_SecretFilter())
    handler._ccm_tui = True  # type: ignore[attr-defined]
    logger = logging.getLogger(ROOT_LOGGER)
    for old in list(logger.handlers):
        if getattr(old, "_ccm_tui", False):
            logger.removeHandler(old)
            old.close()
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False  # never to the screen through the root logger
    return target


def start_request_log() -> Path | None:
    """Best effort for the app and the CLI: a log that cannot be opened (read-only home,
    full disk) must not stop the operator's work. Returns the path, or None."""
    try:
        return setup_file_logging()
    except OSError:
        return None


def log_file_path() -> Path | None:
    """Where the private log is being written, or None when file logging is off."""
    for handler in logging.getLogger(ROOT_LOGGER).handlers:
        if isinstance(handler, logging.FileHandler) and getattr(handler, "_ccm_tui", False):
            return Path(handler.baseFilename)
    return None


def close_file_logging() -> None:
    logger = logging.getLogger(ROOT_LOGGER)
    for old in list(logger.handlers):
        if getattr(old, "_ccm_tui", False):
            logger.removeHandler(old)
            old.close()
