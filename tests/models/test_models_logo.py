"""Logo files: size limit at the byte, type by content, unsafe SVG refused with a reason."""

from __future__ import annotations

import base64
import os
import sys

import pytest

from ccm_tui.models.logo import LOGO_MAX_BYTES, LogoError, check_logo_bytes, read_logo_file

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
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"/>'
         b'<a href="#top"><rect/></a></svg>', (None, None)),
    ],
    ids=["width-height", "viewbox", "px-units", "percent", "bom-doctype", "safe-refs"],
)
def test_safe_svg_accepted(svg, size):
    info = check_logo_bytes(svg)
    assert info.kind == "svg"
    assert (info.width, info.height) == size


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b"<svg>&c;</svg>"
)

UNSAFE = [
    ("script", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "<script>"),
    ("script-namespaced-prefix", b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script/></s:svg>',
     "<script>"),
    ("onload", b'<svg onload="alert(1)"/>', "event handler (onload="),
    ("onclick-child", b'<svg><g><rect OnClick="x()"/></g></svg>', "event handler"),
    ("javascript-href", b'<svg xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<a xlink:href="java\tscript:alert(1)"><rect/></a></svg>', "javascript: URL"),
    ("external-image", b'<svg><image href="https://evil.example/x.png"/></svg>',
     "external resource (href= on <image>)"),
    ("external-use", b'<svg xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<use xlink:href="other.svg#a"/></svg>', "external resource"),
    ("data-html", b'<svg><image href="data:text/html,hi"/></svg>', "external resource"),
    ("foreign-object", b'<svg><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/>'
     b"</foreignObject></svg>", "<foreignObject>"),
    ("css-url", b'<svg><rect style="fill: url(https://evil.example/f)"/></svg>',
     "external resource (style="),
    ("css-import", b"<svg><style>@import url(https://evil.example/s.css);</style></svg>",
     "imports an external stylesheet"),
    ("xml-stylesheet", b'<?xml-stylesheet href="https://evil.example/s.css"?><svg/>',
     "external stylesheet"),
    ("entity-bomb", BOMB, "must not declare entities"),
    ("external-entity", b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
     "must not declare entities"),
    ("parameter-entity", b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "https://evil.example/e.dtd"> %p;]>'
     b"<svg/>", "must not declare entities"),
]


@pytest.mark.parametrize(("svg", "why"), [u[1:] for u in UNSAFE], ids=[u[0] for u in UNSAFE])
def test_unsafe_svg_refused_with_reason(svg, why):
    with pytest.raises(LogoError) as exc:
        check_logo_bytes(svg)
    assert exc.value.reason == "unsafe_svg"
    assert why in str(exc.value)


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
    ],
    ids=["html", "malformed-xml", "gif", "pdf", "svgz", "text", "fake-png", "fake-jpeg"],
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


def test_decompression_bomb_png_refused():
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
    assert exc.value.reason == "damaged"
    assert "decompression bomb" in str(exc.value)
