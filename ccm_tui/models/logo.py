"""Account logo checks: at most 128 KiB, PNG / JPEG / SVG decided by content.

The spec says "Max size 128Kb, .jpg, .png, .svg file formats only"; we read that as at
most 131072 raw bytes. The type is decided by the bytes, never by the file name.

PNG and JPEG: the header is read (never the pixels) and an image of more than
:data:`LOGO_MAX_PIXELS` is refused before anything is decoded.

SVG is checked against an **allow-list**, on the parsed document: defusedxml/expat decode it
in whatever encoding its byte-order mark or XML declaration names (UTF-8, UTF-16, ...), refuse
entity declarations and external entities, and report every processing instruction and DTD
internal subset, which are refused. Then every element must be one known to be safe in a
static logo (shapes, paths, text, gradients, patterns, clip paths, masks, filters, markers,
``<use>``, ``<style>``, ``<title>``/``<desc>``/``<metadata>``; the inert metadata namespaces of
drawing tools), and every attribute one known to be safe for it (geometry, presentation,
``id``/``class``/``style``). ``href``/``xlink:href`` may only point into the document
(``#id``). CSS (``style=`` and ``<style>``) is read after removing comments and decoding CSS
escapes (``\\69`` is ``i``) and must be plain ``property: value`` declarations (in ``<style>``:
plain ``selector { ... }`` rules) without at-rules, ``expression(`` or ``url(`` other than
``url(#id)``. Anything else is refused, naming the element or attribute.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from typing import Any

from ccm_tui.files import too_big_message

LOGO_MAX_BYTES = 131072
#: Raster logos: at most 16 megapixels (e.g. 4000×4000), checked from the header.
LOGO_MAX_PIXELS = 16_000_000

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


class LogoError(ValueError):
    """A logo was refused. ``reason`` is a short code, the message says why for an operator.

    Reasons: missing, directory, unreadable, empty, too_big, too_many_pixels, wrong_type,
    damaged, unsafe_svg, not_base64.
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
        raise LogoError("too_big", too_big_message(len(data), LOGO_MAX_BYTES))
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
    # base64 of LOGO_MAX_BYTES is at most this long: refuse longer text before decoding it
    if len(value) > 4 * ((LOGO_MAX_BYTES + 2) // 3) + 64:
        raise LogoError(
            "too_big",
            f"is {len(value)} characters of base64, more than a {LOGO_MAX_BYTES}-byte "
            "(128 KiB) image needs; at most 131072 bytes (128 KiB) are allowed",
        )
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise LogoError(
            "not_base64", "must be standard base64 of a PNG, JPEG or SVG image"
        ) from None
    check_logo_bytes(data)
    return value


# --- PNG / JPEG -------------------------------------------------------------------------


def _raster_info(data: bytes, kind: str) -> LogoInfo:
    # lazy: Pillow costs import time. The plugin classes read the header only (no pixels, and
    # none of Image.open's own bomb checks, which would refuse without saying the size).
    from PIL import JpegImagePlugin, PngImagePlugin

    name = kind.upper()
    opener = PngImagePlugin.PngImageFile if kind == "png" else JpegImagePlugin.JpegImageFile
    damaged = LogoError(
        "damaged",
        f"starts like a {name} image but cannot be read (damaged or truncated); "
        "re-export it as PNG, JPEG or SVG",
    )
    try:
        im = opener(io.BytesIO(data))
    except Exception:  # Pillow raises many types for broken headers
        raise damaged from None
    with im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise damaged
        if width * height > LOGO_MAX_PIXELS:
            raise LogoError(
                "too_many_pixels",
                f"is a {width}×{height} {name} image ({width * height / 1e6:.1f} megapixels); "
                f"at most {LOGO_MAX_PIXELS / 1e6:g} megapixels (e.g. 4000×4000) are allowed "
                "for a logo; scale it down",
            )
        try:
            im.verify()  # PNG: chunk checksums, without decoding pixels
        except Exception:
            raise damaged from None
    return LogoInfo(kind, len(data), width, height)


# --- SVG: decoding and parsing ---------------------------------------------------------

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _looks_like_xml(data: bytes) -> bool:
    """True when the bytes start (after a BOM and blanks) with ``<`` in UTF-8, -16 or -32."""
    head = data[:1024]
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return True
    if head[:4] in (b"<\x00\x00\x00", b"\x00\x00\x00<"):
        return True
    encoding = "utf-8"
    if len(head) >= 2 and (head[0] == 0) != (head[1] == 0):  # UTF-16 without a BOM
        encoding = "utf-16-be" if head[0] == 0 else "utf-16-le"
        head = head[: len(head) // 2 * 2]
    return head.decode(encoding, errors="ignore").lstrip().startswith("<")


def _name(tag: str) -> tuple[str, str]:
    """``"{ns}local"`` -> (ns, local); ``"local"`` -> ("", local)."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Namespaces drawing tools write that browsers never act on (Inkscape, Sodipodi, RDF
#: metadata). Their elements and attributes are allowed; their values are still checked.
_INERT_NS = {
    "http://www.inkscape.org/namespaces/inkscape": "inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd": "sodipodi",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://creativecommons.org/ns#": "cc",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
}


class _Collector:
    """Parser target: builds the tree (TreeBuilder) and remembers processing instructions."""

    def __init__(self) -> None:
        from xml.etree.ElementTree import TreeBuilder

        self._builder = TreeBuilder()
        self.pis: list[str] = []
        self.start = self._builder.start
        self.end = self._builder.end
        self.data = self._builder.data
        self.close = self._builder.close

    def pi(self, target: str, text: str | None = None) -> None:
        self.pis.append(target)


def _parse_svg(data: bytes) -> Any:
    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser

    target = _Collector()
    parser = DefusedXMLParser(
        target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    internal_subset: list[bool] = []

    def doctype(name: str, sysid: str | None, pubid: str | None, has_internal: int) -> None:
        internal_subset.append(bool(has_internal))

    parser.parser.StartDoctypeDeclHandler = doctype
    parser.parser.ProcessingInstructionHandler = target.pi
    try:
        parser.feed(data)
        root = parser.close()
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
    except (LookupError, ValueError) as exc:  # encodings expat cannot read (UTF-7, Shift_JIS)
        if "encoding" not in str(exc):
            raise LogoError("wrong_type", f"is not a well-formed SVG image; {_ALLOWED}") from None
        raise LogoError(
            "wrong_type",
            f"declares an encoding the check cannot read ({exc}); save the SVG as UTF-8 or "
            f"UTF-16; {_ALLOWED}",
        ) from None
    except Exception as exc:  # ParseError
        where = ""
        pos = getattr(exc, "position", None)
        if pos:
            where = f" (line {pos[0]}, column {pos[1]})"
        raise LogoError(
            "wrong_type",
            f"looks like XML but is not a well-formed SVG image{where}; {_ALLOWED}",
        ) from None
    for pi_target in target.pis:
        if pi_target.lower() == "xml-stylesheet":
            raise LogoError(
                "unsafe_svg",
                "links an external stylesheet (<?xml-stylesheet?>); SVG logos must be "
                "self-contained and processing instructions are not allowed",
            )
        raise LogoError(
            "unsafe_svg",
            f"has a processing instruction (<?{pi_target} ...?>); processing instructions "
            "are not allowed in a logo",
        )
    if any(internal_subset):
        raise LogoError(
            "unsafe_svg",
            "has a DOCTYPE with an internal subset ([...]); declarations can add attributes "
            "the checks do not see, so a plain <!DOCTYPE svg ...> line at most is allowed",
        )
    return root


# --- SVG: the allow-list ----------------------------------------------------------------

_ELEMENTS = frozenset(
    """svg g defs symbol use title desc metadata switch
    path rect circle ellipse line polyline polygon
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker style
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence""".split()
)

#: Why some well-known elements are not on the list, for a more helpful message.
_ELEMENT_HINTS = {
    "script": "scripts are not allowed in a logo",
    "foreignObject": "embedded HTML is not allowed in a logo",
    "image": "embedded or linked images are not allowed in an SVG logo; give the PNG or JPEG "
             "itself as the logo",
    "feImage": "filters may not load images",
    "a": "links are not allowed in a logo",
    "iframe": "embedded pages are not allowed in a logo",
    "embed": "embedded content is not allowed in a logo",
    "object": "embedded content is not allowed in a logo",
    "handler": "scripts are not allowed in a logo",
    "listener": "scripts are not allowed in a logo",
    "animate": "animation is not allowed in a logo",
    "set": "animation is not allowed in a logo",
    "animateMotion": "animation is not allowed in a logo",
    "animateTransform": "animation is not allowed in a logo",
    "animateColor": "animation is not allowed in a logo",
    "font-face": "fonts are not allowed in a logo; convert text to paths",
    "font": "fonts are not allowed in a logo; convert text to paths",
}

_ATTRIBUTES = frozenset(
    """id class style lang tabindex
    transform viewBox preserveAspectRatio version baseProfile width height x y x1 y1 x2 y2
    cx cy r rx ry fx fy fr d points pathLength offset
    gradientUnits gradientTransform spreadMethod patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits markerWidth markerHeight
    markerUnits refX refY orient dx dy rotate textLength lengthAdjust startOffset method
    spacing side href filterUnits primitiveUnits in in2 result stdDeviation mode type values
    operator k1 k2 k3 k4 scale xChannelSelector yChannelSelector baseFrequency numOctaves
    seed stitchTiles radius order kernelMatrix divisor bias targetX targetY edgeMode
    preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent
    kernelUnitLength azimuth elevation z pointsAtX pointsAtY pointsAtZ specularExponent
    limitingConeAngle tableValues slope intercept amplitude exponent media
    requiredFeatures requiredExtensions systemLanguage
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color display
    visibility clip-path clip-rule mask filter marker-start marker-mid marker-end marker
    stop-color stop-opacity flood-color flood-opacity lighting-color
    font-family font-size font-size-adjust font-weight font-style font-variant font-stretch
    font text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing
    word-spacing text-decoration writing-mode direction unicode-bidi glyph-orientation-vertical
    glyph-orientation-horizontal kerning shape-rendering text-rendering image-rendering
    color-interpolation color-interpolation-filters color-rendering color-profile paint-order
    vector-effect overflow clip mix-blend-mode isolation enable-background
    white-space transform-origin transform-box""".split()
)
_XLINK_ATTRIBUTES = frozenset({"href", "title"})
_XML_ATTRIBUTES = frozenset({"space", "lang"})
_REFERENCE_ATTRIBUTES = frozenset({"href"})
#: Attributes that are names, never CSS values (an "@" in an id is harmless).
_NOT_CSS = frozenset({"id", "class", "lang"})


def _svg_info(data: bytes) -> LogoInfo:
    root = _parse_svg(data)
    ns, local = _name(root.tag) if isinstance(root.tag, str) else ("", "")
    if local != "svg" or ns not in ("", SVG_NS):
        shown = _shown(root.tag) if isinstance(root.tag, str) else "?"
        raise LogoError(
            "wrong_type",
            f"is XML with a <{shown}> root, not an SVG image (root must be <svg>); {_ALLOWED}",
        )
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _check_element(el.tag)
        inert = tag is None
        shown_tag = tag or _shown(el.tag)
        if tag == "style":  # a browser reads all of its text, children's included
            _check_css("".join(el.itertext()), "<style>", rules=True)
        for attr, value in el.attrib.items():
            _check_attribute(shown_tag, attr, value, inert=inert)
    width, height = _svg_size(root.attrib)
    return LogoInfo("svg", len(data), width, height)


def _shown(qualified: str) -> str:
    ns, local = _name(qualified)
    if ns == SVG_NS:
        return local
    prefix = {XLINK_NS: "xlink", XML_NS: "xml", **_INERT_NS}.get(ns)
    if prefix:
        return f"{prefix}:{local}"
    shown = f"{{{ns}}}{local}" if ns else local
    return shown if len(shown) <= 80 else shown[:77] + "..."  # names come from the file


def _check_element(qualified: str) -> str | None:
    """The SVG element's local name, None for an inert metadata element; else LogoError."""
    ns, local = _name(qualified)
    if ns in _INERT_NS:
        return None
    if ns in ("", SVG_NS) and local in _ELEMENTS:
        return local
    hint = _ELEMENT_HINTS.get(local) if ns in ("", SVG_NS) else None
    if ns not in ("", SVG_NS):
        hint = f"elements of the {ns[:80]} namespace are not allowed in a logo"
    raise LogoError(
        "unsafe_svg",
        f"contains a <{_shown(qualified)}> element, which is not allowed in a logo; "
        + (hint or "only static shapes, paths, text, gradients, patterns, masks and filters are"),
    )


def _check_attribute(tag: str, qualified: str, value: str, *, inert: bool) -> None:
    ns, local = _name(qualified)
    shown = _shown(qualified)
    where = f"{shown}= on <{tag}>"
    if local.lower().startswith("on"):
        raise LogoError(
            "unsafe_svg", f"has an event handler ({where}); scripts are not allowed in a logo"
        )
    allowed = (
        inert
        or ns in _INERT_NS
        or (ns == "" and local in _ATTRIBUTES)
        or (ns == XLINK_NS and local in _XLINK_ATTRIBUTES)
        or (ns == XML_NS and local in _XML_ATTRIBUTES)
    )
    if not allowed:
        raise LogoError(
            "unsafe_svg",
            f"has an attribute {where}, which is not allowed in a logo (only geometry, "
            "presentation, id, class and style attributes are)",
        )
    squashed = _squash(value)
    for scheme in ("javascript:", "vbscript:", "data:"):
        if squashed.startswith(scheme) or (scheme != "data:" and scheme in squashed):
            raise LogoError(
                "unsafe_svg",
                f"has a {scheme} URL ({where}); only references within the logo (#id) "
                "are allowed",
            )
    if local in _REFERENCE_ATTRIBUTES and ns in ("", XLINK_NS) and not inert:
        if not _is_fragment(squashed):
            raise LogoError(
                "unsafe_svg",
                f"refers to an external resource ({where}); only references within the "
                "logo (#id) are allowed",
            )
        return
    if local == "style" and ns == "":
        _check_css(value, f"style= on <{tag}>", rules=False)
    elif not inert and ns == "" and local not in _NOT_CSS:
        # presentation attributes are CSS values: fill="u\72l(https://...)" is a url()
        _check_css_value(_css_plain(value), where)


def _squash(value: str) -> str:
    """Lower-case and drop whitespace/control characters (browsers ignore them in URLs)."""
    return "".join(ch for ch in value if ch > " ").lower()


def _is_fragment(ref: str) -> bool:
    return len(ref) > 1 and ref.startswith("#")


# --- SVG: CSS ---------------------------------------------------------------------------

_CSS_COMMENT = re.compile(r"/\*.*?(\*/|\Z)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(\n)|(.))", re.DOTALL)
_CSS_DECLARATION = re.compile(r"\s*-?[a-z_][a-z0-9_-]*\s*:[^;{}]*")
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.DOTALL)
#: Functions and properties that fetch, run or bind something; refused wherever they appear.
_CSS_FORBIDDEN = (
    ("expression", "expression("),
    ("javascript:", "javascript: URLs"),
    ("vbscript:", "vbscript: URLs"),
    ("behavior", "behavior:"),
    ("-moz-binding", "-moz-binding"),
    ("image-set(", "image-set("),
    ("image(", "image("),
    ("element(", "element("),
    ("src(", "src("),
    ("attr(", "attr("),
)


def _unescape(match: re.Match[str]) -> str:
    hexdigits, newline, char = match.groups()
    if hexdigits:
        code = int(hexdigits, 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    if newline:
        return ""
    return char


def _css_plain(css: str) -> str:
    """CSS as a browser reads it, for checking: comments removed, escapes decoded, lower case."""
    without_comments = _CSS_COMMENT.sub(" ", css)
    return _CSS_ESCAPE.sub(_unescape, without_comments).lower()


def _check_css_value(plain: str, where: str) -> None:
    if "@" in plain:
        raise LogoError(
            "unsafe_svg",
            f"has a CSS at-rule such as @import ({where}); logos must be self-contained and "
            "CSS may hold plain properties only",
        )
    for needle, what in _CSS_FORBIDDEN:
        if needle in plain:
            raise LogoError(
                "unsafe_svg", f"uses {what} in CSS ({where}); only plain properties are allowed"
            )
    rest = plain
    for match in _CSS_URL.finditer(plain):
        if not _is_fragment(_squash(match.group(2))):
            raise LogoError(
                "unsafe_svg",
                f"refers to an external resource with url() ({where}); only url(#id) "
                "references within the logo are allowed",
            )
        rest = rest.replace(match.group(0), " ")
    if "url(" in rest:
        raise LogoError(
            "unsafe_svg",
            f"has a url( that is not a plain url(#id) ({where}); only url(#id) references "
            "within the logo are allowed",
        )


def _check_css(css: str, where: str, *, rules: bool) -> None:
    """``style=`` (``rules=False``: declarations) or ``<style>`` (``rules=True``: rule sets)."""
    plain = _css_plain(css)
    _check_css_value(plain, where)
    if rules:
        blocks = _CSS_RULE.findall(plain)
        leftover = _CSS_RULE.sub("", plain)
        if leftover.strip():
            raise LogoError(
                "unsafe_svg",
                f"has CSS that is not plain `selector {{ property: value }}` rules ({where})",
            )
        declarations = [body for _, body in blocks]
    else:
        if "{" in plain or "}" in plain:
            raise LogoError(
                "unsafe_svg", f"has CSS braces ({where}); style= holds plain properties only"
            )
        declarations = [plain]
    for body in declarations:
        for declaration in body.split(";"):
            if declaration.strip() and not _CSS_DECLARATION.fullmatch(declaration):
                raise LogoError(
                    "unsafe_svg",
                    f"has CSS that is not a plain `property: value` ({where}): "
                    f"{declaration.strip()[:40]!r}",
                )


# --- SVG: size --------------------------------------------------------------------------

_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px)?\s*$")


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
                pass
            else:
                if vb_w > 0 and vb_h > 0:
                    width = width if width is not None else vb_w
                    height = height if height is not None else vb_h
    return (
        round(width) if width is not None else None,
        round(height) if height is not None else None,
    )
