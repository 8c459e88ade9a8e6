"""The safe-text boundary: what it shows for strings we did not write."""

from __future__ import annotations

import json

import pytest

from ccm_tui.safetext import cell_width, is_clean, json_text, ljust_cells, visible

HOSTILE = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52 clipboard write
    "\x1b]0;pwned\x07",  # window title
    "\x1b[2J\x1b[H",  # clear screen
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]0;no terminator",  # BEL-less OSC
    "\x9b31m\x9d0;t\x9c",  # C1 CSI / OSC / ST
    "abc\u202edcba",  # right-to-left override
    "a\u2066b\u2069",  # bidi isolates
    "zero\u200bwidth\ufeff",
    "del\x7f",
    "lone\ud800surrogate",
    "line\u2028sep",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_visible_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    shown = visible(text)
    assert is_clean(shown)
    assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F for ch in shown)
    shown.encode("utf-8")  # no lone surrogate left


def test_escape_is_shown_as_its_picture_and_newlines_are_kept_only_when_asked() -> None:
    assert visible("a\x1b[31mb") == "a␛[31mb"
    assert visible("one\ntwo") == "one␊two"
    assert visible("one\ntwo", newlines=True) == "one\ntwo"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible(None) == ""
    assert visible("Zürich 東京 [b]x[/]") == "Zürich 東京 [b]x[/]"


@pytest.mark.parametrize("text", HOSTILE)
def test_json_text_round_trips_and_holds_no_raw_control(text: str) -> None:
    data = {"name": text, "nested": [text, {"k": text}]}
    out = json_text(data)
    assert json.loads(out) == data
    assert is_clean(out.replace("\n", ""))


def test_json_text_keeps_readable_non_ascii() -> None:
    assert json_text({"n": "Zürich"}, indent=None) == '{"n": "Zürich"}'


def test_cell_width_counts_wide_and_combining_characters() -> None:
    assert cell_width("abc") == 3
    assert cell_width("東京") == 4
    assert cell_width("e\u0301") == 1
    # ASCII is counted without a look at each character (50,000 rows of `accounts list`
    # took ~1 s): the same count the look gives, for every ASCII character and beside others
    every_ascii = "".join(map(chr, range(128)))
    assert cell_width(every_ascii) == 128
    assert cell_width(every_ascii + "東") == 130 and cell_width("e\u0301" + every_ascii) == 129
    assert ljust_cells("東", 4) == "東  "


@pytest.mark.parametrize("text", HOSTILE)
def test_visible_in_place_keeps_one_character_for_one(text: str) -> None:
    from ccm_tui.safetext import visible_in_place

    shown = visible_in_place(text)
    assert len(shown) == len(text) and is_clean(shown)
    assert visible_in_place("a\x1bb\u202ec") == "a␛b\ufffdc"
