"""What the console would write to the terminal, and the checks the safety tests make on it.

``terminal_output(app)`` is the byte stream of a full repaint of the top screen (with the
screens under a dialog), exactly as the driver would write it; ``screen_lines(app)`` the text
of its lines. Imported as a plain module (tests/ has no packages).
"""

from __future__ import annotations

import re
from typing import Any

from ccm_tui.safetext import is_clean

#: The only sequences the console itself writes: colours/styles (SGR) and cursor moves.
OUR_SEQUENCES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\d+;\d+H")


def _update(app: Any) -> Any:
    compositor = app.screen._compositor  # noqa: SLF001
    return compositor.render_update(full=True, screen_stack=app._background_screens)  # noqa: SLF001


def terminal_output(app: Any) -> str:
    return _update(app).render_segments(app.console)


def screen_lines(app: Any) -> list[str]:
    """The text of each screen line (the segments between our own escape sequences)."""
    return ["".join(seg.text for strip in line for seg in strip if not seg.control)
            for line in _update(app).strips]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


def unsafe_characters(text: str) -> list[str]:
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch != "\n" and not is_clean(ch)})


def assert_clean_terminal(app: Any) -> None:
    """No character a terminal acts on (or that reorders/hides text) came from the data, and
    the stream holds no escape sequence but our colours and cursor moves."""
    text = screen_text(app)
    assert not unsafe_characters(text), f"raw control characters on screen: {unsafe_characters(text)}"
    stream = OUR_SEQUENCES.sub("", terminal_output(app))
    assert not unsafe_characters(stream), f"raw control bytes written: {unsafe_characters(stream)}"


def find_text(app: Any, needle: str) -> tuple[int, int]:
    """Screen (x, y) of the first occurrence of ``needle`` (x in cells: lines before it on
    the same row must be single-width, which holds where the tests click)."""
    from rich.cells import cell_len

    for y, line in enumerate(screen_lines(app)):
        x = line.find(needle)
        if x >= 0:
            return cell_len(line[:x]), y
    raise AssertionError(f"{needle!r} is not on the screen")
