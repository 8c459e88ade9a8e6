"""Reading the files an operator points at (logo, certificates, keys, account files) with clear
reasons, and never more of them than their limit allows. The only file readers of the console
for operator-named files: models validate the bytes read here and do no I/O themselves.

The file is opened once (without blocking, so a FIFO cannot hang the caller), checked with
``fstat`` (a regular file, at most ``limit`` bytes) and only then read, at most ``limit + 1``
bytes: a file that grows between the check and the read is still refused, and a 1 GB (or
sparse) file costs a ``stat``, not a gigabyte of memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from ccm_tui.models.logo import LogoInfo
    from ccm_tui.models.pem import CertInfo

#: Certificates and keys: a full public CA bundle is about 220 KB.
PEM_MAX_BYTES = 1024 * 1024
#: ``accounts create --from``: room for a large batch with logos (each at most ~175 KB base64).
ACCOUNT_FILE_MAX_BYTES = 16 * 1024 * 1024

_READ_CHUNK = 64 * 1024


class _FileError(Protocol):
    def __call__(self, reason: str, message: str) -> Exception: ...


def human_size(n: int) -> str:
    """``131072`` -> ``"128 KiB"``, ``16777216`` -> ``"16 MiB"`` (for messages)."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def too_big_message(size: int | None, limit: int) -> str:
    """``is 131073 bytes; at most 131072 bytes (128 KiB) are allowed`` (``size`` None: unknown)."""
    what = f"is {size} bytes" if size is not None else f"is more than {limit} bytes"
    return f"{what}; at most {limit} bytes ({human_size(limit)}) are allowed"


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes from ``stream`` (so the caller can tell "too big")."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = stream.read(min(left, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_user_file(
    path: str | Path, kind: str, error: _FileError, *, limit: int
) -> tuple[Path, bytes]:
    """Read a regular file of at most ``limit`` bytes, or raise ``error(reason, message)``.

    ``kind`` names what was expected, with its article ("an image", "a certificate"); ``reason`` is
    one of missing, directory, unreadable, too_big. A FIFO or device is refused, not read: reading
    one would block the wizard or the CLI forever. The size is checked before anything is read,
    and at most ``limit + 1`` bytes are ever read.
    """
    p = Path(path).expanduser()
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error("missing", f"{p} does not exist") from None
    except PermissionError:
        raise error("unreadable", f"{p} cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise error("directory", f"{p} is a directory, not {kind} file") from None
    except OSError as exc:
        raise error("unreadable", f"{p} cannot be read ({exc.strerror or 'I/O error'})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error("directory", f"{p} is a directory, not {kind} file")
        if not stat.S_ISREG(st.st_mode):
            raise error(
                "unreadable",
                f"{p} is not a regular file (a pipe, socket or device); choose {kind} file",
            )
        if st.st_size > limit:
            raise error("too_big", f"{p} {too_big_message(st.st_size, limit)}")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = read_limited(fh, limit)
    except OSError as exc:
        raise error("unreadable", f"{p} cannot be read ({exc.strerror or 'I/O error'})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after the stat
        raise error("too_big", f"{p} {too_big_message(None, limit)}")
    return p, data


# --- the readers of logo, certificate and key files ----------------------------------------
# The models (ccm_tui.models.logo / .pem) are imported when a file is read: they import
# ``too_big_message`` from here.


def read_logo_file(path: str | Path) -> tuple[str, LogoInfo]:
    """Read a logo file and return (base64, info); raises ``LogoError`` with a clear reason.

    The size is checked with ``fstat`` before reading, and at most 128 KiB + 1 byte are read."""
    import base64

    from ccm_tui.models.logo import LOGO_MAX_BYTES, LogoError, check_logo_bytes

    p, data = read_user_file(path, "an image", LogoError, limit=LOGO_MAX_BYTES)
    try:
        info = check_logo_bytes(data)
    except LogoError as exc:
        raise LogoError(exc.reason, f"{p} {exc}") from None
    return base64.b64encode(data).decode("ascii"), info


def _read_pem(path: str | Path, what: str) -> tuple[Path, bytes]:
    from ccm_tui.models.pem import PemError

    p, data = read_user_file(path, f"a {what}", PemError, limit=PEM_MAX_BYTES)
    if not data.strip():
        raise PemError("empty", f"{p} is empty; expected a {what}")
    return p, data


def read_cert_file(path: str | Path) -> tuple[str, list[CertInfo]]:
    """Read a PEM or DER certificate file: (base64 of the bytes as read, certificates);
    raises ``PemError`` with a clear reason."""
    import base64

    from ccm_tui.models.pem import PemError, parse_certificates

    p, data = _read_pem(path, "certificate")
    try:
        infos = parse_certificates(data)
    except PemError as exc:
        raise PemError(exc.reason, f"{p} {exc}") from None
    return base64.b64encode(data).decode("ascii"), infos


def read_key_file(path: str | Path) -> str:
    """Read an unencrypted PEM or DER private key file: base64 of the bytes as read. The
    reason of a refusal names the file, never its bytes."""
    import base64

    from ccm_tui.models.pem import PemError, load_private_key_bytes

    p, data = _read_pem(path, "private key")
    try:
        load_private_key_bytes(data)
    except PemError as exc:
        raise PemError(exc.reason, f"{p} {exc}") from None
    return base64.b64encode(data).decode("ascii")
