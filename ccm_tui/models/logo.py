"""Account logo checks: at most 128 KiB, PNG / JPEG / SVG decided by content.

The spec says "Max size 128Kb, .jpg, .png, .svg file formats only"; we read that as at
most 131072 raw bytes. The type is decided by the bytes, never by the file name. SVG is
parsed with defusedxml (no entity declarations, no external entities) and refused when it
could run code or fetch something when a browser shows it: ``<script>``, ``<foreignObject>``,
``on*`` event handlers, ``javascript:`` URLs, and references to anything but ``#fragment``
or ``data:image/...``. A plain ``<!DOCTYPE svg ...>`` line (as drawing tools write it) is
accepted: the external DTD is never fetched.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccm_tui.models.files import read_user_file

LOGO_MAX_BYTES = 131072

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

#: Other formats operators pick by mistake, named so the message can say what the file is.
_OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "gzip-compressed (an .svgz file? unpack it first)"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x00\x00\x01\x00", "an ICO icon"),
)

_ALLOWED = "allowed: PNG, JPEG or SVG images of at most 131072 bytes (128 KiB)"

_FORBIDDEN_ELEMENTS = {
    "script": "contains a <script> element; scripts are not allowed in a logo",
    "foreignobject": "contains a <foreignObject> element; embedded HTML is not allowed in a logo",
    "iframe": "contains an <iframe> element; embedded pages are not allowed in a logo",
    "embed": "contains an <embed> element; embedded content is not allowed in a logo",
    "object": "contains an <object> element; embedded content is not allowed in a logo",
    "handler": "contains a <handler> element; scripts are not allowed in a logo",
}
_REFERENCE_ATTRS = {"href", "src"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px)?\s*$")


class LogoError(ValueError):
    """A logo was refused. ``reason`` is a short code, the message says why for an operator.

    Reasons: missing, directory, unreadable, empty, too_big, wrong_type, damaged, unsafe_svg,
    not_base64.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class LogoInfo:
    kind: str  # "png" | "jpeg" | "svg"
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def mime(self) -> str:
        return {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}[self.kind]

    @property
    def dimensions(self) -> str:
        """``"120×40"`` or ``"unknown size"``, for display."""
        if self.width is None or self.height is None:
            return "unknown size"
        return f"{self.width}×{self.height}"


def check_logo_bytes(data: bytes) -> LogoInfo:
    """Check raw logo bytes; return what they are or raise :class:`LogoError`."""
    if not data:
        raise LogoError("empty", f"is empty (0 bytes); {_ALLOWED}")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(
            "too_big",
            f"is {len(data)} bytes; at most {LOGO_MAX_BYTES} bytes (128 KiB) are allowed",
        )
    if data.startswith(PNG_MAGIC):
        return _raster_info(data, "png")
    if data.startswith(JPEG_MAGIC):
        return _raster_info(data, "jpeg")
    if _looks_like_xml(data):
        return _svg_info(data)
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise LogoError("wrong_type", f"is {what}, not a PNG, JPEG or SVG image; {_ALLOWED}")
    raise LogoError(
        "wrong_type", f"is not a PNG, JPEG or SVG image (checked by content); {_ALLOWED}"
    )


def check_logo_b64(value: str) -> str:
    """Pydantic rule for ``custom_logo``: standard base64 of an allowed image."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise LogoError(
            "not_base64", "must be standard base64 of a PNG, JPEG or SVG image"
        ) from None
    check_logo_bytes(data)
    return value


def read_logo_file(path: str | Path) -> tuple[str, LogoInfo]:
    """Read a logo file and return (base64, info); raises :class:`LogoError` with a clear reason."""
    p, data = read_user_file(path, "an image", LogoError)
    try:
        info = check_logo_bytes(data)
    except LogoError as exc:
        raise LogoError(exc.reason, f"{p} {exc}") from None
    return base64.b64encode(data).decode("ascii"), info


# --- PNG / JPEG -------------------------------------------------------------------------


def _raster_info(data: bytes, kind: str) -> LogoInfo:
    from PIL import Image  # lazy: Pillow costs import time

    name = kind.upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                im.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError(
            "damaged", f"claims a huge size for its {len(data)} bytes (a decompression bomb?)"
        ) from None
    except Exception:  # Pillow raises many types for broken files
        raise LogoError(
            "damaged",
            f"starts like a {name} image but cannot be read (damaged or truncated); "
            "re-export it as PNG, JPEG or SVG",
        ) from None
    return LogoInfo(kind, len(data), width, height)


# --- SVG --------------------------------------------------------------------------------


def _looks_like_xml(data: bytes) -> bool:
    head = data[:1024]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return True
    return head.lstrip().startswith(b"<")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1] if name.startswith("{") else name


def _svg_info(data: bytes) -> LogoInfo:
    import defusedxml
    import defusedxml.ElementTree as SafeET

    try:
        root = SafeET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.EntitiesForbidden:
        raise LogoError(
            "unsafe_svg",
            "declares XML entities (an entity-expansion bomb or external entity); "
            "SVG logos must not declare entities",
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise LogoError(
            "unsafe_svg", "refers to an external entity or DTD; SVG logos must be self-contained"
        ) from None
    except Exception as exc:  # ParseError, encoding errors
        where = ""
        pos = getattr(exc, "position", None)
        if pos:
            where = f" (line {pos[0]}, column {pos[1]})"
        raise LogoError(
            "wrong_type",
            f"looks like XML but is not a well-formed SVG image{where}; {_ALLOWED}",
        ) from None
    if _local(root.tag).lower() != "svg":
        raise LogoError(
            "wrong_type",
            f"is XML with a <{_local(root.tag)}> root, not an SVG image (root must be <svg>); "
            f"{_ALLOWED}",
        )
    if b"<?xml-stylesheet" in data:
        raise LogoError(
            "unsafe_svg", "links an external stylesheet; SVG logos must be self-contained"
        )
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _local(el.tag).lower()
        if tag in _FORBIDDEN_ELEMENTS:
            raise LogoError("unsafe_svg", _FORBIDDEN_ELEMENTS[tag])
        if tag == "style" and el.text:
            _check_css(el.text, "<style>")
        for attr, value in el.attrib.items():
            _check_attribute(tag, _local(attr).lower(), value)
    width, height = _svg_size(root.attrib)
    return LogoInfo("svg", len(data), width, height)


def _squash(value: str) -> str:
    """Lower-case and drop whitespace/control characters (browsers ignore them in URLs)."""
    return "".join(ch for ch in value if ch > " ").lower()


def _check_attribute(tag: str, name: str, value: str) -> None:
    if name.startswith("on"):
        raise LogoError(
            "unsafe_svg",
            f"has an event handler ({name}= on <{tag}>); scripts are not allowed in a logo",
        )
    squashed = _squash(value)
    if "javascript:" in squashed or "vbscript:" in squashed:
        raise LogoError(
            "unsafe_svg", f"has a javascript: URL ({name}= on <{tag}>); scripts are not allowed"
        )
    if name in _REFERENCE_ATTRS:
        _check_reference(squashed, f"{name}= on <{tag}>")
    if name == "style":
        _check_css(value, f"style= on <{tag}>")


def _check_reference(ref: str, where: str) -> None:
    if not ref or ref.startswith("#") or ref.startswith("data:image/"):
        return
    raise LogoError(
        "unsafe_svg",
        f"refers to an external resource ({where}); only #fragment and data:image/... "
        "references are allowed in a logo",
    )


def _check_css(css: str, where: str) -> None:
    if _CSS_IMPORT.search(css):
        raise LogoError(
            "unsafe_svg", f"imports an external stylesheet ({where}); logos must be self-contained"
        )
    for match in _CSS_URL.finditer(css):
        _check_reference(_squash(match.group(1)), where)


def _svg_length(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    m = _LENGTH.match(value)
    return float(m.group(1)) if m else None


def _svg_size(attrib: dict[str, str]) -> tuple[int | None, int | None]:
    width = _svg_length(attrib.get("width"))
    height = _svg_length(attrib.get("height"))
    if width is None or height is None:
        parts = re.split(r"[\s,]+", attrib.get("viewBox", "").strip())
        if len(parts) == 4:
            try:
                vb_w, vb_h = float(parts[2]), float(parts[3])
            except ValueError:
                vb_w = vb_h = None  # type: ignore[assignment]
            if vb_w is not None and vb_w > 0 and vb_h > 0:
                width = width if width is not None else vb_w
                height = height if height is not None else vb_h
    return (
        round(width) if width is not None else None,
        round(height) if height is not None else None,
    )
