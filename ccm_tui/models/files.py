"""Reading the files an operator points at (logo, certificates, keys) with clear reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class _FileError(Protocol):
    def __call__(self, reason: str, message: str) -> Exception: ...


def read_user_file(path: str | Path, kind: str, error: _FileError) -> tuple[Path, bytes]:
    """Read a regular file, or raise ``error(reason, message)``.

    ``kind`` names what was expected, with its article ("an image", "a certificate"); ``reason`` is
    one of missing, directory, unreadable. A FIFO or device is refused, not read: reading
    one would block the wizard or the CLI forever.
    """
    p = Path(path).expanduser()
    try:
        if p.is_dir():
            raise error("directory", f"{p} is a directory, not {kind} file")
        if p.exists() and not p.is_file():
            raise error(
                "unreadable",
                f"{p} is not a regular file (a pipe, socket or device); choose {kind} file",
            )
        return p, p.read_bytes()
    except FileNotFoundError:
        raise error("missing", f"{p} does not exist") from None
    except PermissionError:
        raise error("unreadable", f"{p} cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise error("directory", f"{p} is a directory, not {kind} file") from None
    except OSError as exc:
        raise error("unreadable", f"{p} cannot be read ({exc.strerror or 'I/O error'})") from None
