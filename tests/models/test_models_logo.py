"""Logo files: size limit at the byte, type by content, unsafe SVG refused with a reason."""

from __future__ import annotations

import base64
import io
import os
import sys

import pytest

from ccm_tui.models.logo import (
    LOGO_MAX_BYTES,
    LOGO_MAX_PIXELS,
    LogoError,
    check_logo_bytes,
)
from ccm_tui.files import read_logo_file

SVG_HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'


def svg_of_size(n: int) -> bytes:
    """A valid SVG of exactly ``n`` bytes (padded with a comment)."""
    head, tail = SVG_HEAD + b"<!--", b"--></svg>"
    return head + b"x" * (n - len(head) - len(tail)) + tail


def test_exactly_the_limit_is_accepted_and_one_more_byte_refused(tmp_path):
    ok = tmp_path / "ok.svg"
    ok.write_bytes(svg_of_size(LOGO_MAX_BYTES))
    data_b64, info = read_logo_file(ok)
    assert info.size == LOGO_MAX_BYTES == 131072
    assert base64.b64decode(data_b64) == ok.read_bytes()

    big = tmp_path / "big.svg"
    big.write_bytes(svg_of_size(LOGO_MAX_BYTES + 1))
    with pytest.raises(LogoError) as exc:
        read_logo_file(big)
    assert exc.value.reason == "too_big"
    assert "131073 bytes" in str(exc.value) and "at most 131072" in str(exc.value)
    assert str(big) in str(exc.value)


def test_png_and_jpeg_by_content_with_dimensions(tmp_path, images):
    # misleading extensions: the bytes decide
    png = tmp_path / "logo.jpg"
    png.write_bytes(images.png)
    jpeg = tmp_path / "logo.svg"
    jpeg.write_bytes(images.jpeg)
    _, png_info = read_logo_file(png)
    _, jpeg_info = read_logo_file(jpeg)
    assert (png_info.kind, png_info.width, png_info.height) == ("png", 16, 8)
    assert (jpeg_info.kind, jpeg_info.width, jpeg_info.height) == ("jpeg", 10, 20)
    assert png_info.mime == "image/png" and png_info.dimensions == "16×8"


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"/>', (120, 40)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32"/>', (64, 32)),
        (b'<svg width="12.6px" height="3"/>', (13, 3)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%"/>', (None, None)),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
         b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
         b'<svg xmlns="http://www.w3.org/2000/svg" width="5" height="6"/>', (5, 6)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
         b'<defs><path id="p" d="M0 0h4"/></defs><use href="#p"/><use xlink:href="#p"/>'
         b'<rect fill="url(#p)"/></svg>', (None, None)),
    ],
    ids=["width-height", "viewbox", "px-units", "percent", "bom-doctype", "local-refs"],
)
def test_safe_svg_accepted(svg, size):
    info = check_logo_bytes(svg)
    assert info.kind == "svg"
    assert (info.width, info.height) == size


#: Ordinary logos as drawing tools write them: all must pass the allow-list.
PLAIN_LOGO = """<?xml version="1.0" encoding="{enc}"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     version="1.1" width="200" height="60" viewBox="0 0 200 60" xml:space="preserve">
  <title>Acme</title><desc>The Acme logo</desc>
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="1" y2="1" gradientUnits="objectBoundingBox">
      <stop offset="0" stop-color="#0a84ff"/><stop offset="1" stop-color="#5e5ce6" stop-opacity=".8"/>
    </linearGradient>
    <radialGradient id="r" cx="50%" cy="50%" r="50%"><stop offset="0" stop-color="white"/></radialGradient>
    <clipPath id="c"><rect width="200" height="60" rx="8"/></clipPath>
    <filter id="f"><feGaussianBlur in="SourceAlpha" stdDeviation="1"/><feOffset dx="1" dy="1"/></filter>
    <path id="wave" d="M10 40 Q 50 10 90 40 T 170 40"/>
  </defs>
  <g clip-path="url(#c)" transform="translate(2 2)">
    <rect width="196" height="56" fill="url(#g)" stroke="#333" stroke-width="2"/>
    <circle cx="30" cy="30" r="20" fill="url(#r)" filter="url(#f)"/>
    <polygon points="60,10 80,50 40,50" fill="#fff" fill-opacity="0.6"/>
    <use xlink:href="#wave" fill="none" stroke="white"/>
    <text x="100" y="38" font-family="Helvetica, Arial, sans-serif" font-size="20"
          font-weight="bold" text-anchor="middle" fill="#fff">Acme <tspan dx="2">Corp</tspan></text>
  </g>
</svg>"""

STYLED_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <style type="text/css">
    .st0 { fill: url(#g); stroke: #000000; stroke-miterlimit: 10 }
    #b, g > rect:first-child { opacity: .5; font-family: "Open Sans", sans-serif }
    /* exported by a drawing tool */
  </style>
  <linearGradient id="g"><stop offset="0" style="stop-color:#FFF;stop-opacity:1"/></linearGradient>
  <rect class="st0" style="fill: #123456; stroke: url( '#g' ); stroke-width: 2px;" width="5" height="5"/>
  <rect id="brand@2x" class="st0" style="font: 12px/1.5 Helvetica; fill: red !important"/>
  <style><![CDATA[ .st1 { fill: #fff } ]]></style>
</svg>"""

INKSCAPE_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg"
  xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
  xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#"
  xmlns:dc="http://purl.org/dc/elements/1.1/" width="8" height="8" sodipodi:docname="logo.svg">
  <sodipodi:namedview pagecolor="#ffffff" bordercolor="#666666" inkscape:zoom="2"/>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format>
    <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/></cc:Work></rdf:RDF></metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer"><path d="M0 0L8 8" style="stroke:#000"/></g>
</svg>"""


@pytest.mark.parametrize(
    "svg",
    [
        PLAIN_LOGO.format(enc="UTF-8").encode("utf-8"),
        STYLED_LOGO,
        INKSCAPE_LOGO,
        PLAIN_LOGO.format(enc="UTF-16").encode("utf-16"),  # with a BOM
        PLAIN_LOGO.format(enc="UTF-16").encode("utf-16-le"),  # declaration only
        b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" '
        b'height="4"/></svg>'.decode().encode("utf-16-be"),  # neither BOM nor declaration
    ],
    ids=["shapes-gradients-text", "plain-css", "inkscape-metadata", "utf16-bom",
         "utf16-declared", "utf16be-bare"],
)
def test_ordinary_logos_pass_the_allow_list(svg):
    info = check_logo_bytes(svg)
    assert info.kind == "svg" and info.width is not None


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b"<svg>&c;</svg>"
)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def svg(body: str) -> bytes:
    return SVG.format(body).encode()


STYLESHEET_PI = '<?xml-stylesheet type="text/css" href="https://evil.example/s.css"?>'

UNSAFE = [
    # scripts and event handlers
    ("script", svg("<script>alert(1)</script>"), "<script> element"),
    ("script-namespaced-prefix", b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script/></s:svg>',
     "<script> element"),
    ("script-utf16", svg("<script>alert(1)</script>").decode().encode("utf-16"), "<script>"),
    ("onload", b'<svg onload="alert(1)"/>', "event handler (onload= on <svg>)"),
    ("onclick-child", b'<svg><g><rect OnClick="x()"/></g></svg>', "event handler (OnClick="),
    ("foreign-object", b'<svg><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/>'
     b"</foreignObject></svg>", "<foreignObject> element"),
    ("xhtml-element", svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">x()</h:script>'),
     "namespace are not allowed"),
    ("iframe", b"<svg><iframe/></svg>", "<iframe> element"),
    # animation that rewrites a link or a handler
    ("animate-href", svg('<use href="#a"><animate attributeName="href" '
                         'values="javascript:alert(1)"/></use>'), "<animate> element"),
    ("set-onclick", svg('<rect><set attributeName="onclick" to="alert(1)"/></rect>'),
     "<set> element"),
    # links and references
    ("javascript-href", svg('<use xlink:href="java\tscript:alert(1)"/>'), "javascript: URL"),
    ("external-use", svg('<use xlink:href="other.svg#a"/>'),
     "external resource (xlink:href= on <use>)"),
    ("external-textpath", svg('<text><textPath href="https://evil.example/p#x">x</textPath></text>'),
     "external resource (href= on <textPath>)"),
    ("data-html", svg('<use href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>'),
     "data: URL"),
    ("data-svg-script", svg('<use href="data:image/svg+xml;base64,'
                            'PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+#a"/>'), "data: URL"),
    ("image-element", svg('<image href="data:image/png;base64,AAAA"/>'), "<image> element"),
    ("a-element", svg('<a href="https://evil.example/"><rect/></a>'), "<a> element"),
    ("unknown-attribute", svg('<rect formaction="https://evil.example/"/>'),
     "attribute formaction= on <rect>"),
    ("xlink-show", svg('<use xlink:href="#a" xlink:show="new"/>'), "attribute xlink:show="),
    # CSS
    ("css-url", svg('<rect style="fill: url(https://evil.example/f)"/>'),
     "external resource with url() (style= on <rect>)"),
    ("css-url-escaped", svg(r'<rect style="fill: u\72l(https://evil.example/f)"/>'),
     "external resource with url()"),
    ("css-url-escaped-attr", svg(r'<rect fill="u\72 l(https://evil.example/f)"/>'),
     "external resource with url() (fill= on <rect>)"),
    ("css-import", svg("<style>@import url(https://evil.example/s.css);</style>"), "at-rule"),
    ("css-import-escaped", svg(r"<style>@\69mport 'https://evil.example/s.css';</style>"),
     "at-rule"),
    ("css-import-hex-at", svg(r"<style>\40 import 'https://evil.example/s.css';</style>"),
     "at-rule"),
    ("css-import-comment", svg("<style>@im/**/port 'https://evil.example/s.css';</style>"),
     "at-rule"),
    ("css-font-face", svg("<style>@font-face { src: local(x) }</style>"), "at-rule"),
    ("css-expression", svg('<rect style="width: expression(alert(1))"/>'), "expression("),
    ("css-expression-escaped", svg(r'<rect style="width: expr\65 ssion(alert(1))"/>'),
     "expression("),
    ("css-url-char-reference", svg('<rect style="fill:u&#x72;l(https://evil.example/f)"/>'),
     "external resource with url()"),
    ("css-url-unclosed", svg('<rect fill="url(https://evil.example/f"/>'), "not a plain url(#id)"),
    ("xml-base", svg('<g xml:base="https://evil.example/"><use href="#a"/></g>'),
     "attribute xml:base= on <g>"),
    ("css-image-set", svg('<rect style="fill: image-set(&quot;x.png&quot; 1x)"/>'), "image-set("),
    ("css-style-hidden-in-child", svg("<style>.a{fill:red}<tspan/>@import 'https://e.example/';"
                                      "</style>"), "at-rule"),
    ("css-not-declarations", svg('<rect style="}.x{fill:red"/>'), "braces"),
    ("css-not-rules", svg("<style>rect { fill: red } garbage</style>"), "not plain"),
    # processing instructions, in any encoding
    ("xml-stylesheet", (STYLESHEET_PI + "<svg/>").encode(), "external stylesheet"),
    ("xml-stylesheet-utf16", (STYLESHEET_PI + "<svg/>").encode("utf-16"), "external stylesheet"),
    ("xml-stylesheet-utf16-declared",
     ('<?xml version="1.0" encoding="UTF-16"?>' + STYLESHEET_PI + "<svg/>").encode("utf-16-be"),
     "external stylesheet"),
    ("xml-stylesheet-inside", svg(STYLESHEET_PI), "external stylesheet"),
    ("other-pi", b"<svg><?php echo 1; ?></svg>", "processing instruction (<?php"),
    # entities and DTDs
    ("entity-bomb", BOMB, "must not declare entities"),
    ("external-entity", b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
     "must not declare entities"),
    ("parameter-entity", b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "https://evil.example/e.dtd"> %p;]>'
     b"<svg/>", "must not declare entities"),
    ("attlist-default-handler", b'<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg/>',
     "internal subset"),
]


@pytest.mark.parametrize(("svg", "why"), [u[1:] for u in UNSAFE], ids=[u[0] for u in UNSAFE])
def test_unsafe_svg_refused_with_reason(svg, why):
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(svg)
    assert exc.value.reason == "unsafe_svg"
    assert why in str(exc.value)


def test_svg_refusal_names_the_field_in_the_model():
    """Through AccountRequest the message says which field and what is wrong."""
    from pydantic import ValidationError

    from ccm_tui.models import AccountRequest
    from ccm_tui.models.errors import field_errors

    body = {"name": "Acme", "custom_logo": base64.b64encode(svg("<animate/>")).decode()}
    with pytest.raises(ValidationError) as exc:
        AccountRequest.model_validate(body)
    [err] = field_errors(exc.value)
    assert err.field == "custom_logo" and "<animate> element" in err.message


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b'<html><body>hi</body></html>', "with a <html> root, not an SVG image"),
        (b"<svg><rect></svg>", "not a well-formed SVG image (line 1"),
        (b"GIF89a\x01\x00\x01\x00", "is a GIF image"),
        (b"%PDF-1.7 ...", "is a PDF document"),
        (b"\x1f\x8b\x08\x00", "gzip-compressed"),
        (b"just some text", "not a PNG, JPEG or SVG image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "starts like a PNG image but cannot be read"),
        (b"\xff\xd8\xff\xe0garbage", "starts like a JPEG image but cannot be read"),
        (b'<?xml version="1.0" encoding="UTF-7"?><svg>+ADw-script+AD4-alert(1)+ADw-/script+AD4-'
         b"</svg>", "declares an encoding the check cannot read"),
        ('<?xml version="1.0" encoding="UTF-32"?><svg/>'.encode("utf-32"),
         "not a well-formed SVG image"),
    ],
    ids=["html", "malformed-xml", "gif", "pdf", "svgz", "text", "fake-png", "fake-jpeg",
         "utf7-script", "utf32"],
)
def test_wrong_or_damaged_content_refused(data, why):
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(data)
    assert exc.value.reason in {"wrong_type", "damaged"}
    assert why in str(exc.value)
    assert "PNG" in str(exc.value)  # says what is allowed / expected


def test_file_reasons(tmp_path):
    missing = tmp_path / "nope.png"
    with pytest.raises(LogoError) as exc:
        read_logo_file(missing)
    assert exc.value.reason == "missing" and "does not exist" in str(exc.value)

    with pytest.raises(LogoError) as exc:
        read_logo_file(tmp_path)
    assert exc.value.reason == "directory" and "is a directory" in str(exc.value)

    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(LogoError) as exc:
        read_logo_file(empty)
    assert exc.value.reason == "empty" and "is empty" in str(exc.value)
    assert "PNG, JPEG or SVG" in str(exc.value)

    a_file = tmp_path / "file.png"
    a_file.write_bytes(b"x")
    with pytest.raises(LogoError) as exc:
        read_logo_file(a_file / "logo.png")
    assert exc.value.reason == "unreadable" and "cannot be read" in str(exc.value)


def _read_logo_reason(path) -> str:
    """read_logo_file's refusal as "reason|message"; as root, from a forked child that has
    dropped to the unprivileged uid 65534, so permission bits apply as for an operator."""
    def attempt() -> str:
        try:
            read_logo_file(path)
        except LogoError as exc:
            return f"{exc.reason}|{exc}"
        return "accepted|"

    if os.geteuid() != 0:
        return attempt()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, report, exit without running pytest teardown
        try:
            os.close(rfd)
            os.setgid(65534)
            os.setuid(65534)
            os.write(wfd, attempt().encode())
        finally:
            os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as r:
        out = r.read().decode()
    os.waitpid(pid, 0)
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_unreadable_file(tmp_path, images):
    tmp_path.chmod(0o755)  # only the file itself is locked
    p = tmp_path / "locked.png"
    p.write_bytes(images.png)
    p.chmod(0)
    reason, message = _read_logo_reason(p).split("|", 1)
    assert reason == "unreadable" and "permission denied" in message


def _png(width: int, height: int) -> bytes:
    """A real, 1-bit PNG of that size: a few KB on disk however many pixels it claims."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_9000_by_9000_png_is_refused_naming_size_and_limit(tmp_path):
    data = _png(9000, 9000)
    assert len(data) < LOGO_MAX_BYTES  # small on disk: only the pixel count is wrong
    path = tmp_path / "huge.png"
    path.write_bytes(data)
    with pytest.raises(LogoError) as exc:
        read_logo_file(path)
    assert exc.value.reason == "too_many_pixels"
    message = str(exc.value)
    assert "9000×9000" in message and "81.0 megapixels" in message
    assert "at most 16 megapixels" in message and str(path) in message


def test_pixel_limit_is_exact():
    assert LOGO_MAX_PIXELS == 16_000_000
    assert check_logo_bytes(_png(4000, 4000)).dimensions == "4000×4000"
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(_png(4001, 4000))
    assert exc.value.reason == "too_many_pixels"


def test_decompression_bomb_png_refused_from_its_header():
    """A tiny PNG claiming gigapixel dimensions is refused, not decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF
        )

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(png)
    assert exc.value.reason == "too_many_pixels"
    assert "100000×100000" in str(exc.value)


def test_a_huge_jpeg_header_is_refused_before_decoding():
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (4100, 4000)).save(out, "JPEG", quality=1)
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(out.getvalue()[:LOGO_MAX_BYTES])  # truncated: only the header matters
    assert exc.value.reason == "too_many_pixels" and "4100×4000 JPEG" in str(exc.value)


def _in_child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter that reports its peak-memory growth (KiB) and time
    around the statement ``ACTION`` as JSON; ``result`` is whatever the code assigned."""
    import json
    import subprocess
    import textwrap

    prologue, action = code.split("ACTION\n", 1)
    script = (
        "import json, resource, time\n" + textwrap.dedent(prologue)
        + "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        + "t0 = time.monotonic()\n" + textwrap.dedent(action)
        + "print(json.dumps({'result': result, 'seconds': time.monotonic() - t0,\n"
        + "    'grew_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_a_1_gb_sparse_logo_is_refused_by_its_size_without_reading_it(tmp_path):
    big = tmp_path / "big.png"
    with open(big, "wb") as fh:
        fh.write(_png(16, 16))
        fh.truncate(1 << 30)  # sparse: 1 GiB that costs no disk
    report = _in_child(f"""
        from ccm_tui.files import read_logo_file
        from ccm_tui.models.logo import LogoError
        ACTION
        try:
            read_logo_file({str(big)!r})
            result = "accepted"
        except LogoError as exc:
            result = exc.reason + "|" + str(exc)
    """)
    reason, message = report["result"].split("|", 1)
    assert reason == "too_big"
    assert f"is {1 << 30} bytes; at most 131072 bytes (128 KiB)" in message
    assert report["grew_kib"] < 32 * 1024, report  # reading it whole would add ~1 GB
    assert report["seconds"] < 5, report
