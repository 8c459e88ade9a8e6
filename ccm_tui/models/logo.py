"""Account logo checks: at most 128 KiB, PNG / JPEG / SVG decided by content.

TODO(models helper): harden SVG checks (scripts, event handlers, external refs,
entity bombs via defusedxml) and add dimensions via Pillow.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

LOGO_MAX_BYTES = 131072

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class LogoInfo:
    kind: str  # "png" | "jpeg" | "svg"
    size: int
    width: int | None = None
    height: int | None = None


def check_logo_bytes(data: bytes) -> LogoInfo:
    if not data:
        raise ValueError("the logo file is empty")
    if len(data) > LOGO_MAX_BYTES:
        raise ValueError(
            f"the logo is {len(data)} bytes; at most {LOGO_MAX_BYTES} bytes (128 KiB) are allowed"
        )
    if data.startswith(PNG_MAGIC):
        return LogoInfo("png", len(data))
    if data.startswith(JPEG_MAGIC):
        return LogoInfo("jpeg", len(data))
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return LogoInfo("svg", len(data))
    raise ValueError("the logo is not a PNG, JPEG or SVG image (checked by content)")


def check_logo_b64(value: str) -> str:
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be standard base64 of a PNG, JPEG or SVG image") from None
    check_logo_bytes(data)
    return value


def read_logo_file(path: str | Path) -> tuple[str, LogoInfo]:
    """Read a logo file and return (base64, info); raises ValueError with a clear reason."""
    p = Path(path).expanduser()
    try:
        if p.is_dir():
            raise ValueError(f"{p} is a directory, not an image file")
        data = p.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{p} does not exist") from None
    except PermissionError:
        raise ValueError(f"{p} cannot be read (permission denied)") from None
    except OSError as exc:
        raise ValueError(f"{p} cannot be read ({exc.strerror or exc})") from None
    info = check_logo_bytes(data)
    return base64.b64encode(data).decode("ascii"), info
