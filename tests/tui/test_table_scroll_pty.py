"""The accounts table scrolling on a real terminal: the console on a pseudo-terminal, its output
fed into pyte (tests/perf/pty_harness.py), against an emulator with 200 accounts served by this
test process.

A scroll by fewer rows than the view holds is done by the terminal (a scroll region, then
IND/RI: ccm_tui/widgets/scroll_shift.py) and only the new and recoloured lines are painted.
After every key the screen — every cell's character and attributes — must equal what a full
repaint shows: the pty is resized one column narrower and back, which makes the console paint
the whole screen, and those bytes alone, fed into a fresh pyte screen, are the reference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyte
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "perf"))

from pty_harness import KEY_DOWN, KEY_UP, PtyApp  # noqa: E402

pytestmark = pytest.mark.slow

COLS, ROWS = 100, 30
ACCOUNTS = 200
VIEW = 26  # rows the table shows at 100x30 (header, title, table header and footer aside)
QUIET = 0.25  # longer than any debounce: the console has finished painting a key
PAGE_DOWN, PAGE_UP, HOME, END = b"\x1b[6~", b"\x1b[5~", b"\x1b[H", b"\x1b[F"
#: The wheel over the table's rows (SGR mouse reports: column 10, line 10).
WHEEL_DOWN, WHEEL_UP = b"\x1b[<65;10;10M", b"\x1b[<64;10;10M"
#: The issue 14 target for a row move that scrolls the table.
SCROLL_BYTES = 2000


@pytest.fixture(scope="module")
def server():
    with EmulatorServer(host="127.0.0.1", port=0, seed_accounts=ACCOUNTS) as srv:
        yield srv


@pytest.fixture
def console(server, tmp_path):
    env = {"CCM_URL": server.url, "CCM_EMAIL": DEMO_EMAIL, "CCM_PASSWORD": DEMO_PASSWORD,
           "CCM_TUI_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO),
           # Blank, so that Textual asks the pty for its size (shutil.get_terminal_size reads
           # these first): the reference repaint resizes the pty.
           "COLUMNS": "", "LINES": ""}
    with PtyApp([sys.executable, "-m", "ccm_tui"], env=env, cwd=REPO, cols=COLS,
                rows=ROWS) as app:
        app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s, 60, "the loaded table")
        app.wait_quiet(0.5, 30)
        yield app


def _cells(screen: pyte.Screen) -> list[tuple[object, ...]]:
    """Every line's cells: character, colours, bold, reverse..."""
    return [tuple(screen.buffer[y][x] for x in range(screen.columns))
            for y in range(screen.lines)]


def _resize(app: PtyApp, cols: int) -> int:
    """Resize the pty (SIGWINCH) and wait for the console's repaint to end; returns the
    index of its first chunk."""
    app.wait_quiet(QUIET, 20)  # what came before was written for the old size
    start = app.resize(cols, ROWS, 20)
    app.wait_quiet(QUIET, 20)
    return start


def full_repaint(app: PtyApp) -> list[tuple[object, ...]]:
    """The screen as a full repaint by the console draws it, from those bytes alone."""
    _resize(app, COLS - 1)
    start = _resize(app, COLS)
    fresh = pyte.Screen(COLS, ROWS)
    pyte.ByteStream(fresh).feed(app.output_from(start))
    return _cells(fresh)


def assert_as_repainted(app: PtyApp, what: str) -> None:
    app.wait_quiet(QUIET, 20)
    shown = _cells(app.screen)
    text = app.text()
    expected = full_repaint(app)
    bad = [y for y in range(ROWS) if shown[y] != expected[y]]
    if bad:
        y = bad[0]
        x = next(x for x in range(COLS) if shown[y][x] != expected[y][x])
        repainted = "\n".join("".join(c.data for c in line) for line in expected)
        raise AssertionError(
            f"after {what}: lines {bad} differ from a full repaint; line {y} column {x}: "
            f"{shown[y][x]} instead of {expected[y][x]}\nscreen:\n{text}\n"
            f"full repaint:\n{repainted}")
    assert text == app.text()


def press(app: PtyApp, key: bytes) -> int:
    """Send a key; the bytes the console wrote until it was quiet."""
    t0 = app.send(key)
    app.wait_quiet(QUIET, 20)
    return app.bytes_between(t0)


def _rows_shown(app: PtyApp) -> list[str]:
    return [line.split()[0] for line in app.text().splitlines() if "seed-account-" in line]


def test_row_moves_that_scroll_are_cheap_and_leave_the_screen_as_a_repaint(console):
    app = console
    for _ in range(VIEW - 1):  # to the last row of the view: no scroll yet
        press(app, KEY_DOWN)
    first = _rows_shown(app)
    assert len(first) == VIEW and first[0] == "seed-account-00001"
    assert_as_repainted(app, "moving to the bottom of the view")
    for i in range(5):
        sent = press(app, KEY_DOWN)
        assert _rows_shown(app)[0] == f"seed-account-{i + 2:05d}"  # it did scroll
        assert sent <= SCROLL_BYTES, f"Down #{i + 1} scrolling the table wrote {sent} B"
        assert_as_repainted(app, f"Down #{i + 1} scrolling the table")
    for _ in range(VIEW - 1):  # to the first row of the view
        press(app, KEY_UP)
    for i in range(3):
        sent = press(app, KEY_UP)
        assert _rows_shown(app)[0] == f"seed-account-{5 - i:05d}"
        assert sent <= SCROLL_BYTES, f"Up #{i + 1} scrolling the table wrote {sent} B"
        assert_as_repainted(app, f"Up #{i + 1} scrolling the table")
    # Pages, the ends, and a page that scrolls by part of a view at the end of the list.
    for name, key in (("PageDown", PAGE_DOWN), ("PageDown", PAGE_DOWN), ("End", END),
                      ("PageUp", PAGE_UP), ("Up", KEY_UP), ("PageDown", PAGE_DOWN),
                      ("Home", HOME), ("PageDown", PAGE_DOWN), ("PageUp", PAGE_UP)):
        before = _rows_shown(app)
        press(app, key)
        assert_as_repainted(app, name)
        if name in ("End", "Home"):
            assert before != _rows_shown(app)
    assert _rows_shown(app)[0] == "seed-account-00001"


def test_keys_typed_faster_than_frames_leave_the_screen_as_a_repaint(console):
    app = console
    for _ in range(VIEW - 1):
        press(app, KEY_DOWN)
    for burst in (KEY_DOWN * 3, KEY_DOWN * 7, KEY_UP * 30, KEY_DOWN + KEY_UP + KEY_DOWN * 2,
                  PAGE_DOWN * 2 + KEY_DOWN, KEY_UP * 2):
        press(app, burst)
        assert_as_repainted(app, f"the keys {burst!r} in one write")


def test_wheel_and_filter_box_scrolls_leave_the_screen_as_a_repaint(console):
    """Scrolls that do not come from a row move: the mouse wheel over the rows (the cursor
    row moves with its row), and the filter box opening above a cursor on the last row."""
    app = console
    for _ in range(VIEW - 1 + 3):
        press(app, KEY_DOWN)
    # (The cursor stays in view: the reference repaint's resize would scroll back to it.)
    for name, key in (("wheel down", WHEEL_DOWN), ("wheel down", WHEEL_DOWN),
                      ("wheel up", WHEEL_UP), ("/", b"/"), ("typing 0", b"0"),
                      ("typing 1", b"1"), ("Backspace", b"\x7f"), ("Backspace", b"\x7f"),
                      ("Escape", b"\x1b"), ("Down", KEY_DOWN)):
        top = _rows_shown(app)[0]
        sent = press(app, key)
        if name.startswith("wheel"):
            assert _rows_shown(app)[0] != top, f"{name} did not scroll from {top}"
            assert sent <= SCROLL_BYTES, f"{name} wrote {sent} B"
        assert_as_repainted(app, name)


def test_a_toast_over_the_rows_is_not_moved_with_them(console):
    app = console
    toast = "Copied the account id"

    def toast_lines() -> list[int]:
        return [y for y, line in enumerate(app.text().splitlines()) if toast in line]

    for _ in range(VIEW - 1 + 2):  # scrolled by two rows, by the terminal
        press(app, KEY_DOWN)
    press(app, b"c")  # copy the id: a toast at the bottom right, over the last rows
    assert toast_lines(), app.text()
    # When it goes, what was beneath it is drawn again: the rows shown now, not the rows
    # that were on those lines before the terminal moved them.
    app.wait_for(lambda s: toast not in s, 30, "the toast to go")
    assert_as_repainted(app, "the toast going")
    press(app, b"c")
    lines = toast_lines()
    assert lines, app.text()
    press(app, KEY_DOWN)  # a scroll with the toast on screen: the toast stays where it is
    assert toast_lines() == lines, app.text()
    app.wait_for(lambda s: toast not in s, 30, "the toast to go")
    assert_as_repainted(app, "the second toast going")
    sent = press(app, KEY_DOWN)
    assert sent <= SCROLL_BYTES, f"Down after the toast wrote {sent} B"
    assert_as_repainted(app, "Down after the toast")


def test_with_synchronized_output_the_shift_and_its_repaint_are_one_frame(console):
    """A terminal that has synchronized output (it answers the console's query for mode
    2026, as kitty, WezTerm, iTerm2, Windows Terminal... do): the shift opens the frame that
    Textual's repaint of the new row closes, so the terminal shows both at once."""
    app = console
    app.send(b"\x1b[?2026;2$y")  # the terminal's answer (DECRPM: mode 2026 known, reset)
    for _ in range(VIEW - 1):
        press(app, KEY_DOWN)
    for i in range(3):
        t0 = app.send(KEY_DOWN)
        app.wait_quiet(QUIET, 20)
        sent = app.output_between(t0)
        assert len(sent) <= SCROLL_BYTES, f"Down #{i + 1} wrote {len(sent)} B"
        assert sent.startswith(b"\x1b[?2026h\x1b[4;29r"), sent[:40]  # the region: rows 4-29
        # One frame: it ends once, after the shift and the repaint of the new row.
        assert sent.count(b"\x1b[?2026l") == 1, sent
        assert sent.index(b"\x1b[?2026l") > sent.index(b"seed-account-") > sent.index(b"\x1b[r")
        assert_as_repainted(app, f"Down #{i + 1} with synchronized output")
