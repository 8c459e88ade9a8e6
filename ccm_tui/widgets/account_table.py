"""AccountTable: a virtual (Line API) table of accounts.

Only the visible lines are ever rendered, so filtering or sorting 10,000 rows costs a list
swap and one repaint — not a rebuild of per-cell widgets or measurements (DataTable measures
every cell it is given, ~1 s for 10k rows). The header line stays on top while rows scroll.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from ccm_tui.models.enums import role_words as _role_words
from ccm_tui.safetext import visible
from ccm_tui.widgets.scroll_shift import shift_lines


def role_words(roles: Sequence[Any], console: bool = False) -> str:
    """Every role, space-separated: the API names ("MANAGER WRITER READER"), or with
    ``console`` the words of the CCM web console ("Administrator Editor Viewer"). A role this
    console does not know is shown as the server sent it."""
    return _role_words(roles, "console" if console else "api", empty="—")


def role_initials(roles: Sequence[Any], console: bool = False) -> str:
    """"M W R" (or with ``console`` "A E V"): the roles column when the terminal is narrow;
    the details screen has the words."""
    words = role_words(roles, console)
    return "—" if words == "—" else " ".join(w[:1] for w in words.split())


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _component_short(value: Any) -> str:
    text = _text(value)
    return "CONF_AI" if text == "CONFIDENTIAL_AI" else text


@dataclass(frozen=True)
class Column:
    key: str  # the AccountRow attribute sort_rows orders by
    label: str
    width: int
    cell: Callable[[Any, bool], str]  # (row, full_ids) -> text


#: In the order shown. "Created" before "Component": at 80 columns the component (mostly
#: DEFAULT, and in the details) is the one that may scroll off to the right.
COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", 18, lambda r, f: _text(r.name)),
    Column("acct_id", "Id", 8, lambda r, f: r.acct_id if f else r.short_id),
    Column("roles", "My roles", 21, lambda r, f: role_words(r.roles)),
    Column("status", "My status", 9, lambda r, f: _text(r.status)),
    Column("account_status", "Account status", 14, lambda r, f: _text(r.account_status)),
    Column("created_at", "Created", 16, lambda r, f: r.created_local or "—"),
    Column("component", "Component", 15, lambda r, f: _text(r.component)),
)
FULL_ID_WIDTH = 36
#: Narrow terminals: what each column shrinks to, in this order, until the row fits.
CREATED_DATE_ONLY = Column("created_at", "Created", 10, lambda r, f: (r.created_local or "—")[:10])
ROLES_INITIALS = Column("roles", "Roles", 5, lambda r, f: role_initials(r.roles))
CONSOLE_ROLES_INITIALS = Column("roles", "Roles", 5, lambda r, f: role_initials(r.roles, True))
COMPONENT_SHORT = Column("component", "Component", 9, lambda r, f: _component_short(r.component))
ACCOUNT_STATUS_SHORT = Column("account_status", "Acct status", 11, lambda r, f: _text(r.account_status))
NAME_MIN, NAME_ROOMY, NAME_MAX = 12, 20, 48
SCROLLBAR = 2
#: Row texts kept for the rows last shown (a few screens' worth).
ROW_TEXTS = 512
DIM = Style(dim=True)
#: "Administrator Editor Viewer": the roles column in the console's words.
CONSOLE_ROLES_COLUMN = Column("roles", "My roles", 27, lambda r, f: role_words(r.roles, True))


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` terminal cells (wide characters count two, zero-width
    none), cut with "…" when longer: a column stays aligned whatever the server sent."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…"


def _thumb(bar: ScrollBar, position: float) -> tuple[int, int] | None:
    """The eighth-cells a vertical scrollbar's thumb covers at ``position``, worked out as
    textual's ScrollBarRender.render_bar does; None when the bar is drawn another way."""
    if bar.renderer is not ScrollBarRender or not bar.vertical or bar.grabbed:
        return None
    size = bar.size.height
    virtual = ceil(bar.window_virtual_size)
    window = ceil(bar.window_size if bar.window_size < bar.window_virtual_size else 0)
    if not (window and size and virtual and size != virtual):
        return None
    bars = len(ScrollBarRender.VERTICAL_BARS)
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * bars)
    return start, start + ceil(thumb * bars)


def _bar_cells(thumb: tuple[int, int], size: int) -> list[object]:
    """What each cell of a vertical scrollbar of ``size`` cells shows with its thumb on the
    eighth-cells ``thumb`` (as ScrollBarRender.render_bar draws it): the back, the thumb, or
    the thumb's partial top or bottom end (with its eighths)."""
    bars = len(ScrollBarRender.VERTICAL_BARS)
    start_index, start_bar = divmod(thumb[0], bars)
    end_index, end_bar = divmod(thumb[1], bars)
    cells: list[object] = []
    for i in range(size):
        if i < start_index or i > end_index or (i == end_index and not end_bar):
            cells.append("back")
        elif i == start_index and start_bar:
            cells.append(("top", start_bar))
        elif i < end_index:
            cells.append("thumb")
        else:
            cells.append(("bottom", end_bar))
    return cells


def _find_row(rows: Sequence[Any], row: Any, old_rows: Sequence[Any], old_index: int) -> int:
    """The index of ``row`` (shown at ``old_index`` of ``old_rows``) in ``rows``; 0 when it
    is not there. Two views of the same sorted list: a bisection of positions, not a scan."""
    base = getattr(rows, "base", None)
    if base is not None and getattr(old_rows, "base", None) is base:
        return max(0, rows.index_of_base(old_rows.base_position(old_index)))  # type: ignore[attr-defined]
    for i, candidate in enumerate(rows):  # identity first: another row may be equal
        if candidate is row:
            return i
    wanted = row.acct_id
    return next((i for i, r in enumerate(rows) if r.acct_id == wanted), 0)


class AccountTable(ScrollView, can_focus=True):
    """Rows are AccountRow objects (ccm_tui.service.accounts)."""

    COMPONENT_CLASSES = {
        "account-table--header",
        "account-table--cursor",
        "account-table--sorted",
    }
    # overflow-y: scroll — the vertical scrollbar is always there, so filtering down to a
    # few rows (or back) never toggles it: no layout pass and no second frame per keystroke.
    DEFAULT_CSS = """
    AccountTable { height: 1fr; overflow-y: scroll; }
    AccountTable > .account-table--header { text-style: bold; background: $panel; }
    AccountTable > .account-table--sorted { text-style: bold underline; background: $panel; }
    AccountTable > .account-table--cursor { background: $accent 40%; text-style: bold; }
    AccountTable:focus > .account-table--cursor { background: $accent; color: $text; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("pagedown", "page_down_rows", "Page down", show=False, id="table.page_down"),
        Binding("pageup", "page_up_rows", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "first", "First", show=False, id="table.first"),
        Binding("end,G", "last", "Last", show=False, id="table.last"),
        Binding("left", "scroll_left", "Left", show=False, id="table.left"),
        Binding("right", "scroll_right", "Right", show=False, id="table.right"),
    ]

    cursor = reactive(0, repaint=False, init=False)

    class HeaderClicked(Message):
        def __init__(self, column: Column) -> None:
            super().__init__()
            self.column = column

    class RowActivated(Message):
        """Enter or a double click on a row."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Any] = []
        self.full_ids = False
        self.console_roles = False  # roles column in the web console's words
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.selected_id: str | None = None  # the session's account: marked ● in the table
        self._longest_name = NAME_MIN  # the longest name seen (never shrinks: no jitter)
        self._columns = self._make_columns()
        self._pass_styles: tuple[Style, Style] | None = None  # (row, cursor row) in a render pass
        self._texts: dict[int, tuple[Any, str]] = {}  # id(row) -> (row, its cells' text)
        self._texts_for: list[Column] | None = None  # the columns _texts were made with
        self._row_cells = 0  # the cells of a row's text with these columns
        self._shifted = False  # the last scroll was done by the terminal (scroll_shift)

    # -- data ----------------------------------------------------------------------------
    @property
    def columns(self) -> list[Column]:
        return self._columns

    def _make_columns(self) -> list[Column]:
        """The columns for the current width. The name keeps the room it needs first (its
        longest value, up to NAME_MAX); then, while the row is wider than the terminal,
        "Created" drops the time of day, the component and the account-status header
        shorten, and the roles become initials ("M W R"). If it still does not fit, the name gives back room
        (not below NAME_ROOMY) so that everything up to "Created" stays on screen; what is
        left scrolls sideways. The details screen has every full value."""
        out = []
        for c in COLUMNS:
            if c.key == "acct_id" and self.full_ids:
                c = Column(c.key, c.label, FULL_ID_WIDTH, c.cell)
            elif c.key == "roles" and self.console_roles:
                c = CONSOLE_ROLES_COLUMN
            out.append(c)
        available = self.size.width - SCROLLBAR if self.is_mounted else 0
        need = max(NAME_MIN, min(self._longest_name, NAME_MAX))

        def total(cols: list[Column], name: int) -> int:
            # +1 for each column's leading space, +1 for a trailing one
            return name + 1 + sum(c.width + 1 for c in cols[1:]) + 1

        index = {c.key: i for i, c in enumerate(out)}
        shrink = [
            ("created_at", CREATED_DATE_ONLY),
            ("component", COMPONENT_SHORT),
            ("account_status", ACCOUNT_STATUS_SHORT),
            ("roles", CONSOLE_ROLES_INITIALS if self.console_roles else ROLES_INITIALS),
        ]
        for key, narrow in shrink:
            if total(out, need) <= available:
                break
            out[index[key]] = narrow
        # Room to spare goes to the name (up to NAME_MAX): names line up the same way
        # whatever the filter leaves.
        width = max(need, min(NAME_MAX, available - total(out, 0)))
        if total(out, need) > available:
            upto = out[: index["created_at"] + 1]
            room = available - total(upto, 0)
            width = max(min(need, NAME_ROOMY), min(need, room))
        out[0] = Column(out[0].key, out[0].label, width, out[0].cell)
        return out

    def on_resize(self, event: events.Resize) -> None:
        columns = self._make_columns()
        if columns != self._columns:
            self._columns = columns
            self._update_size()
            self.refresh()
        # A shorter table (the filter box opened) keeps the cursor row in view now, not at
        # the next keystroke.
        self._scroll_cursor_into_view()

    @property
    def current_row(self) -> Any | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def set_rows(self, rows: Sequence[Any], *, longest: int | None = None) -> None:
        """Show ``rows`` (already filtered and sorted: a list, or a view such as
        service.accounts.RowView); the cursor stays on the same account.
        When the rows on screen, the cursor and the scroll position come out the same (a
        filter keystroke that hides only rows further down, a page merged below the view),
        nothing is repainted but the scrollbar. ``longest``: the length of the longest name
        among ``rows``, or a bound the caller knows (it kept the longest of every row it
        holds) — scanning 50,000 names took longer than filtering them."""
        current = self.current_row
        top = int(self.scroll_y)
        height = self._visible_rows()
        old_rows = self.rows
        before = old_rows[top: top + height]
        old_cursor = self.cursor
        self.rows = rows
        if longest is None:
            longest = max((len(r.name or "") for r in rows), default=0)
        if longest > self._longest_name:
            self._longest_name = longest
            self._columns = self._make_columns()
        index = 0
        if current is not None:
            if old_cursor < len(rows) and rows[old_cursor] is current:
                index = old_cursor
            else:
                index = _find_row(rows, current, old_rows, old_cursor)
        self._update_size()
        self.set_reactive(AccountTable.cursor, min(index, max(0, len(rows) - 1)))
        self._scroll_cursor_into_view()
        top_after = int(self.scroll_y)
        after = rows[top_after: top_after + height]
        same = (top_after == top and self.cursor == old_cursor and len(before) == len(after)
                and all(a is b for a, b in zip(before, after, strict=True)))
        if not same:
            self.refresh()

    def set_full_ids(self, full: bool) -> None:
        self.full_ids = full
        self._columns = self._make_columns()
        self._update_size()
        self.refresh()

    def set_console_roles(self, console: bool) -> None:
        """Roles column in the web console's words (True) or the API names (False)."""
        self.console_roles = console
        self._columns = self._make_columns()
        self._update_size()
        self.refresh()

    def set_selected(self, acct_id: str | None) -> None:
        """Mark the session's selected account (● before its name)."""
        if acct_id != self.selected_id:
            self.selected_id = acct_id
            self.refresh()

    def set_sort(self, key: str | None, reverse: bool) -> None:
        self.sort_key, self.sort_reverse = key, reverse
        self.refresh()

    def _update_size(self) -> None:
        """New virtual size without a layout pass: the table's own size never depends on
        its rows. The scrollbars are updated now, so they repaint in the same frame as the
        rows (through a layout they would repaint one frame later: more bytes, more time)."""
        # The content region already excludes the (always shown) vertical scrollbar.
        width = sum(c.width + 1 for c in self.columns) + 1
        size = Size(width, len(self.rows) + 1)
        if size == self.virtual_size:
            return
        self.set_reactive(AccountTable.virtual_size, size)
        if self.is_mounted and self.container_size:
            self._scroll_update(size)
        else:
            self.refresh(layout=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """ScrollView's, but a vertical scroll repaints the rows only: the header line does
        not move (it changes with the sort, the columns or a sideways scroll, which repaint
        it themselves) — ~200 B less per row scrolled. A scroll by fewer rows than the view
        holds lets the terminal move the rows (scroll_shift) when it is safe."""
        moved = int(new_value) - int(old_value)  # the rows drawn start at int(scroll_y)
        if moved and self._shift_rows(old_value, new_value, moved):
            return
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            if _thumb(bar, old_value) == _thumb(bar, new_value) is not None:
                # The thumb stays on the same cells (at 50,000 rows it moves once every ~2,000):
                # the bar is not repainted — ~22 B less on each line of a scroll.
                bar.set_reactive(ScrollBar.position, new_value)
            else:
                bar.position = new_value
        # int() too: a scroll from 2.6 to 3.0 (a dragged thumb) changes the rows drawn.
        if round(old_value) != round(new_value) or moved:
            self._refresh_rows()

    def _shift_rows(self, old_value: float, new_value: float, moved: int) -> bool:
        """Have the terminal move the rows on screen by ``moved`` lines, then repaint only
        the rows that came into view and the scrollbar cells that differ from what moved
        there (~0.5 KB instead of ~3.3 KB for a row). False when it was not done (not safe,
        see scroll_shift.blocker): the caller repaints the rows."""
        if not (float(old_value).is_integer() and float(new_value).is_integer()):
            return False
        first, count = 1, self.scrollable_content_region.height - 1  # the rows' lines
        bar = self.vertical_scrollbar if self.show_vertical_scrollbar else None
        old_cells: list[object] = []
        new_cells: list[object] = []
        if bar is not None:
            old_thumb, new_thumb = _thumb(bar, old_value), _thumb(bar, new_value)
            if old_thumb is None or new_thumb is None:
                return False  # drawn some other way: which cells change is not known
            old_cells = _bar_cells(old_thumb, bar.size.height)
            new_cells = _bar_cells(new_thumb, bar.size.height)
        if not shift_lines(self, first, count, moved):
            return False
        self._shifted = True
        width = self.scrollable_content_region.width
        end = first + count
        self.refresh(Region(0, end - moved, width, moved) if moved > 0
                     else Region(0, first, width, -moved))
        # Every other row line moved in the terminal, but the strips cached for it are
        # those of the row drawn there before: drawn again when next asked for (e.g. when
        # a toast above them goes away), without writing them now.
        self._styles_cache.set_dirty(Region(0, first, width, count))
        if bar is not None:
            bar.set_reactive(ScrollBar.position, new_value)

            def stale(y: int) -> bool:
                if first <= y < end:
                    source = y + moved  # the bar cell the terminal moved to line y
                    return not first <= source < end or old_cells[source] != new_cells[y]
                return old_cells[y] != new_cells[y]

            lines = [Region(0, y, bar.size.width, 1) for y in range(len(new_cells)) if stale(y)]
            if lines:  # (always: the exposed lines; no region at all would mean the whole bar)
                bar.refresh(*lines)
            bar._styles_cache.clear()  # its other lines' cached strips: the old position
        return True

    def _refresh_rows(self) -> None:
        # The rows' cells only: the scrollbar beside them repaints itself when its thumb moves.
        width = self.scrollable_content_region.width
        height = self.size.height
        if height > 1:
            self.refresh(Region(0, 1, width, height - 1))

    # -- cursor --------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._shifted = False
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == top or self._shifted:
            # Only the two rows whose colours change (a row is line index + 1: the header
            # is line 0). A whole-table repaint would send ~5 KB per key press over SSH.
            # After the terminal moved the rows (_shift_rows), both are where they moved to.
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        else:
            self._refresh_rows()  # (the scroll has asked for it already)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        visible = self._visible_rows()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def move_cursor(self, index: int) -> None:
        if self.rows:
            self.cursor = max(0, min(index, len(self.rows) - 1))

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_page_down_rows(self) -> None:
        self.move_cursor(self.cursor + self._visible_rows())

    def action_page_up_rows(self) -> None:
        self.move_cursor(self.cursor - self._visible_rows())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    # -- mouse ---------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + int(self.scroll_x)
            for column in self.columns:
                if x < column.width + 1:
                    self.post_message(self.HeaderClicked(column))
                    return
                x -= column.width + 1
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.post_message(self.RowActivated(self.rows[index]))

    # -- rendering -----------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles every line of this pass uses, worked out once (from the CSS and the
        # ancestors' backgrounds: ~0.1 ms each time, per line it was most of a row's cost).
        self._pass_styles = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _line_styles(self) -> tuple[Style, Style]:
        """(a row's style, the cursor row's style)."""
        base = self.rich_style
        return base, base + self.get_component_rich_style("account-table--cursor")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        base, cursor_style = self._pass_styles or self._line_styles()
        if y == 0:
            return self._header_strip(base).crop_extend(scroll_x, scroll_x + width, base)
        index = int(self.scroll_y) + y - 1
        rows = self.rows
        if index >= len(rows):
            return Strip.blank(width, base)
        style = cursor_style if index == self.cursor else base
        row = rows[index]
        if row.account_status == "Deactivated":  # dimmed, and the Account column says so
            style = style + DIM
        text = self._row_text(row)
        if self.selected_id is not None and row.acct_id == self.selected_id:
            text = "●" + text[1:]  # in the name column's leading space: no width taken
        # Padded to the view's width in the same segment: a separate blank segment after it
        # cost a style reset and the style again on every line written.
        pad = scroll_x + width - self._row_cells
        if pad > 0:
            text += " " * pad
        return Strip([Segment(text, style)]).crop_extend(scroll_x, scroll_x + width, style)

    def _row_text(self, row: Any) -> str:
        """The row's cells, each fitted to its column. Kept for the rows recently shown (a
        row is replaced, never changed, when its account changes): a scroll by one row or a
        Backspace back to rows already seen works out only the rows new on screen."""
        if self._texts_for is not self._columns:
            self._texts.clear()
            self._texts_for = self._columns
            self._row_cells = sum(c.width + 1 for c in self._columns)
        got = self._texts.get(id(row))
        if got is not None and got[0] is row:
            return got[1]
        # Every cell is outside text: controls made visible (a raw ESC would reach the terminal).
        full = self.full_ids
        text = "".join(" " + _fit(visible(c.cell(row, full)), c.width) for c in self._columns)
        if len(self._texts) >= ROW_TEXTS:
            self._texts.clear()
        self._texts[id(row)] = (row, text)
        return text

    def _header_strip(self, base: Style) -> Strip:
        header = base + self.get_component_rich_style("account-table--header")
        sorted_style = base + self.get_component_rich_style("account-table--sorted")
        segments = []
        for column in self.columns:
            label = column.label
            style = header
            if column.key == self.sort_key:
                label = f"{label} {'▼' if self.sort_reverse else '▲'}"
                style = sorted_style
            segments.append(Segment(" " + _fit(label, column.width), style))
        return Strip(segments)
