"""The safe-text boundary: every string we did not write passes through here before it is shown.

Server fields and messages, file names and what the operator typed are *data*. Before such a
string reaches a terminal (the console, the CLI's stdout/stderr, a JSON dump) it must carry no
raw control character that a terminal would act on, and nothing that reorders or hides text:

- C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F): ESC starts CSI,
  OSC (window title, OSC 52 clipboard writes, OSC 8 links) and DCS sequences; a lone U+009B is
  CSI on terminals that honour 8-bit controls;
- bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the implicit marks
  (U+200E, U+200F, U+061C): "Trojan source" reordering;
- zero-width and invisible formatting characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD,
  U+180E) and the line/paragraph separators U+2028/U+2029;
- lone surrogates (they cannot be encoded for the terminal at all).

Each is made *visible* rather than dropped, so that an operator sees that a name holds something
odd: C0 controls become their Control Pictures (``\\x1b`` → ``␛``), everything else becomes a
``\\u202e``-style escape. This module is plain Python (the headless CLI uses it); the Textual
side, which also keeps markup out, is :mod:`ccm_tui.widgets.safe`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

# One class of everything a terminal must never receive raw from a string we did not write.
_REST = (
    "\x7f-\x9f"  # DEL, C1
    "\u00ad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space/joiners, LRM, RLM
    "\u2028-\u202e"  # line/paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u2069"  # word joiner, invisible operators, bidi isolates
    "\ufeff"  # zero-width no-break space / BOM
    "\ud800-\udfff"  # lone surrogates
)
_UNSAFE = re.compile(f"[\x00-\x1f{_REST}]")  # C0 included
_UNSAFE_KEEP_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f{_REST}]")  # C0 but for \n
_JSON_UNSAFE = re.compile(f"[{_REST}]")


def _show(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}"


def visible(value: object, *, newlines: bool = False) -> str:
    """``value`` as text with every unsafe character made visible.

    ``newlines=True`` keeps ``\\n`` (for multi-line messages shown in a multi-line place);
    otherwise a newline is shown as ``␊`` so that one field stays on one line.
    """
    text = "" if value is None else str(value)
    pattern = _UNSAFE_KEEP_NEWLINES if newlines else _UNSAFE
    return pattern.sub(_show, text)


def visible_in_place(value: object) -> str:
    """:func:`visible` one character for one, for an editable field whose cursor positions
    index the text: C0 controls and DEL as their Control Pictures, every other unsafe
    character as U+FFFD (``visible`` would widen it to a ``\\uXXXX`` escape)."""
    text = "" if value is None else str(value)

    def show(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return _show(match) if code < 0x20 or code == 0x7F else "\ufffd"

    return _UNSAFE.sub(show, text)


def is_clean(text: str) -> bool:
    """True when ``text`` holds nothing :func:`visible` would change."""
    return _UNSAFE.search(text) is None


def json_text(data: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """JSON that keeps readable non-ASCII text but escapes every unsafe character as ``\\uXXXX``.

    The result parses back to exactly ``data``: the characters escaped can only stand inside JSON
    strings (all JSON syntax is ASCII), where ``\\uXXXX`` means the same character. A lone
    surrogate becomes its escape, as ``ensure_ascii=True`` would write it.
    """
    return json_safe_text(json.dumps(data, indent=indent, ensure_ascii=False, sort_keys=sort_keys))


def json_safe_text(text: str) -> str:
    """The text of ``json.dumps(..., ensure_ascii=False)`` as :func:`json_text` gives it:
    every unsafe character as ``\\uXXXX``."""
    # json.dumps already escapes C0 inside strings; raw newlines left are indentation.
    # Every character escaped here is DEL or above it: an ASCII text (a flag CPython keeps,
    # so isascii() costs nothing) without DEL has none, and is returned without a scan.
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def cell_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide East Asian characters count 2, combining marks 0).

    For the CLI's plain tables; ``text`` should already have passed :func:`visible`.
    """
    if text.isascii():  # every ASCII character is one column (none combines, none is wide)
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def ljust_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - cell_width(text))


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, with ``…`` where something was cut (for very long strings)."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
