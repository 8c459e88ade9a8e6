"""Let the terminal move a widget's lines when it scrolls by a few of them.

Scrolling the accounts table by one row repainted every visible row: ~26 lines of ~110 bytes,
3.3 KB per key press over SSH. A terminal can move lines itself: set a scroll region (DECSTBM,
``ESC[top;bottom r``) to the screen lines that move, index at its bottom margin (IND, ``ESC D``:
the lines move up) or reverse-index at its top margin (RI, ``ESC M``: they move down), and
reset the region (``ESC[r``). Then only the lines new on screen, and those whose colours change,
are painted by Textual. xterm, VTE, tmux, screen, kitty, iTerm2, Windows Terminal and pyte (the
tests' terminal) all understand these three sequences.

A scroll region moves whole screen lines, whatever is drawn on them, and the terminal's copy
moves at once while Textual's pending updates still describe the old position. So this is done
only when :func:`shift_lines` finds it safe; otherwise the caller repaints as it always did.
This module touches Textual's private state (driver, compositor, repaint regions); anything
missing there counts as "not safe".
"""

from __future__ import annotations

import os

from textual.geometry import Region
from textual.widget import Widget

SYNC_START = "\x1b[?2026h"


def _terminal_size(driver: object) -> tuple[int, int] | None:
    """The size the terminal has now (not the size Textual last heard of)."""
    file = getattr(driver, "_file", None)
    try:
        size = os.get_terminal_size(file.fileno())  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return None
    return size.columns, size.lines


def blocker(widget: Widget, first: int, count: int, delta: int) -> str | None:
    """Why the screen lines ``first .. first + count - 1`` of ``widget`` (its own line
    numbers) cannot be moved by ``delta`` in the terminal, or None when they can."""
    if not 0 < abs(delta) < count or count < 2:
        return "not a partial shift"
    app = widget.app
    driver = app._driver
    # A real terminal: not headless (tests' snapshots), not inline (other coordinates), not
    # the browser driver; no batch in progress (its frame would come late).
    if driver is None or app.is_headless or driver.is_inline or driver.is_web:
        return "driver"
    if not app._running or app._closed or app._batch_count:
        return "app state"
    screen = widget.screen
    if screen is not app.screen or not screen.is_current:
        return "not the active screen"
    # A layout in flight may move the widget; what Textual will paint then is not known here.
    if screen._layout_required or screen._scroll_required or widget._layout_required:
        return "layout pending"
    visible = screen._compositor.visible_widgets
    if widget not in visible:
        return "not visible"
    # Lines of this widget (or its scrollbars) that Textual has been asked to paint but has not
    # written yet are stale in the terminal: shifting them would leave stale lines where the
    # pending paint no longer reaches (two key presses before one frame). (A scrollbar not
    # shown keeps its pending regions: it paints nothing.)
    for node in (widget, *widget._nodes, *widget._get_virtual_dom()):
        if node in visible and (node._repaint_regions or node._repaint_required):
            return f"update pending ({type(node).__name__})"
    # Whole lines move: the widget spans the screen's width, with no border or padding.
    if any(widget.styles.gutter):
        return "gutter"
    region, clip = visible[widget]
    width, height = screen.size
    band = Region(0, region.y + first, width, count)
    if region.x != 0 or region.width != width or clip.intersection(band) != band:
        return "not full width"
    if _terminal_size(driver) != (width, height) or app.size != screen.size:
        return "resize in flight"
    # Nothing else is drawn on those lines: a toast, a tooltip, a loading overlay, another
    # layer. The widget's ancestors are beneath it (it covers the band) and its scrollbars
    # are its own.
    own = {widget, *widget.ancestors_with_self}
    for other, (other_region, other_clip) in visible.items():
        if other in own or other.parent is widget:
            continue
        if other_region.intersection(other_clip).overlaps(band):
            return f"covered by {type(other).__name__}"
    return None


def shift_lines(widget: Widget, first: int, count: int, delta: int) -> bool:
    """Move the screen lines ``first .. first + count - 1`` of ``widget`` by ``delta`` lines
    in the terminal (delta > 0: up, as when scrolling down a list), when it is safe. Returns
    True when done: the caller then repaints the ``abs(delta)`` lines it exposed (and any line
    whose content changed otherwise), and marks its cached lines stale."""
    try:
        if blocker(widget, first, count, delta) is not None:
            return False
    except AttributeError:  # another Textual: its private state is not what is read here
        return False
    app = widget.app
    driver = app._driver
    assert driver is not None
    region, _clip = widget.screen._compositor.visible_widgets[widget]
    top = region.y + first + 1  # 1-based, inclusive
    bottom = top + count - 1
    # With synchronized output the terminal shows nothing until Textual's next frame (which
    # paints the exposed lines) ends it: the shift and the repaint appear at once.
    out = [SYNC_START if app._sync_available else "", f"\x1b[{top};{bottom}r"]
    if delta > 0:
        out.append(f"\x1b[{bottom}H" + "\x1bD" * delta)
    else:
        out.append(f"\x1b[{top}H" + "\x1bM" * -delta)
    out.append("\x1b[r")  # the whole screen again (the cursor goes home; Textual moves it)
    # Through the driver: queued in order with Textual's own frames (one writer thread).
    driver.write("".join(out))
    return True
