"""AccountsScreen: the accounts the user can see, with roles and status; filter, sort,
refresh, details, select, copy id, new account (the wizard)."""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import LoadingIndicator, Static

from ccm_tui import bench_marks
from ccm_tui.screens.base import CcmScreen, describe_error
from ccm_tui.service.listing import FIRST_PAGE_SIZE  # (the first GET asks for fewer)
from ccm_tui.widgets.account_table import COLUMNS, AccountTable
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.inputs import QuietInput
from ccm_tui.widgets.safe import safe

SORT_KEYS = [c.key for c in COLUMNS]
#: While pages arrive the table is repainted at most every PAINT_GAP seconds, the gap growing
#: with the time spent loading (PAINT_GAP_GROWTH of it, up to PAINT_GAP_MAX).
PAINT_GAP, PAINT_GAP_GROWTH, PAINT_GAP_MAX = 0.1, 0.2, 1.0


class FilterInput(QuietInput):
    """The filter box. Its box never changes size, so a keystroke needs no layout pass
    (Input marks one on every change of its text width; the layout then repaints the
    table's scrollbars a frame later — two frames per key instead of one)."""

    virtual_size = Reactive(Size(0, 0), layout=False)


def _start_listing(session: Any) -> Any:
    """The account pages with the first one already asked for (service.listing.started), or
    None when there is no running loop or no client to ask with yet."""
    import asyncio

    client = getattr(session, "client", None)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    if client is None:
        return None
    from ccm_tui.service.listing import account_field_pages, started

    return started(account_field_pages(client, first_page_size=FIRST_PAGE_SIZE))


class AccountsScreen(CcmScreen):
    HELP_TITLE = "Accounts"
    HELP_TEXT = "The accounts you can see, with your roles and status in each."
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="accounts.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="accounts.clear_filter"),
        Binding("enter", "details", "Details", id="accounts.details"),
        Binding("n", "new_account", "New", id="accounts.new"),
        Binding("s", "select_account", "Select", id="accounts.select"),
        Binding("m", "members", "Members", show=False, id="accounts.members"),
        Binding("e", "edit_account", "Edit", id="accounts.edit",
                tooltip="Edit the highlighted account (needs the MANAGER role)"),
        Binding("ctrl+d", "delete_account", "Delete", show=False, id="accounts.delete",
                tooltip="Delete the highlighted account after typing its name"),
        Binding("r", "refresh", "Refresh", id="accounts.refresh"),
        Binding("o", "cycle_sort", "Sort", id="accounts.sort"),
        Binding("O", "reverse_sort", "Reverse", show=False, id="accounts.reverse"),
        Binding("c", "copy_id", "Copy id", show=False, id="accounts.copy_id"),
        Binding("i", "toggle_ids", "Full ids", show=False, id="accounts.toggle_ids"),
        Binding("w", "toggle_role_words", "Role words (API/console)", show=False, id="accounts.role_words"),
        Binding("question_mark", "app.help", "Help", show=False, id="accounts.help"),
        Binding("q", "app.quit", "Quit", id="accounts.quit"),
    ]

    def __init__(self, session: Any, pages: Any = None) -> None:
        """``pages``: the account pages already being read (the start-up helper's, see
        service/prefetch); by default the first one is asked for now."""
        super().__init__()
        self.session = session
        self.all_rows: list[Any] = []  # sorted by the current sort column
        self.query_text = ""
        self.sort_index = 0
        self.sort_reverse = False
        self.loaded = False
        self.fetching = False  # pages are still being fetched
        self.partial = False  # Esc stopped the fetching: all_rows is not the whole list
        self._fetched = 0  # accounts received by the current load
        self.error: str | None = None
        self._reload_on_resume = False
        self._filter: Any = None  # service.accounts.RowFilter over all_rows
        self._shown_state: tuple[str, str, bool] | None = None  # (title, message, error)
        self._store: Any = None  # service.accounts.SortedRows being loaded into
        self._load_started = self._painted_at = 0.0
        self._paint_timer: Timer | None = None
        # The first page is asked for now, so that it travels while this screen composes,
        # mounts and paints (one round trip less before the rows on a real network).
        self._early_pages = pages if pages is not None else _start_listing(session)

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        with Horizontal(id="accounts-bar"):
            yield Static("Accounts", id="accounts-title")
            yield LoadingIndicator(id="accounts-busy")
        yield FilterInput(placeholder="filter: name, id, role, status…", id="accounts-filter")
        yield Static("", id="accounts-message")
        yield AccountTable(id="accounts-table")
        yield QuietFooter()

    @property
    def table(self) -> AccountTable:
        return self.query_one(AccountTable)

    def on_mount(self) -> None:
        box = self.query_one("#accounts-filter", QuietInput)
        box.display = False
        self.query_one("#accounts-message").display = False
        # Filter in the keystroke's own turn (a watcher runs synchronously when the value
        # changes), so the typed character and the filtered table reach the terminal in ONE
        # frame (through the Changed message they would take two or three).
        self.watch(box, "value", self._filter_value, init=False)
        self.table.set_sort(SORT_KEYS[self.sort_index], self.sort_reverse)
        self.table.set_selected(getattr(self.session, "selected_account_id", None))
        self.table.focus()
        self.load()
        self._offer_draft()

    def _offer_draft(self) -> None:
        """Offer to resume a saved wizard draft. The wizard (a large import) is loaded only
        when there is a draft to offer."""
        from ccm_tui.service.drafts import draft_path

        try:
            if not draft_path().is_file():
                return
        except OSError:
            return
        from ccm_tui.screens.wizard import maybe_offer_draft

        maybe_offer_draft(self.app, self.session)

    def on_screen_resume(self) -> None:
        if self._reload_on_resume:
            self._reload_on_resume = False
            self.load()

    # -- loading -------------------------------------------------------------------------
    @work(exclusive=True, group="accounts-load", exit_on_error=False)
    async def load(self) -> None:
        """Fetch every page of accounts. The first page is shown as soon as it arrives; the
        next ones are merged into the sorted rows as they come, and shown at most once per
        PAINT_GAP (growing with the time spent loading, so the frames — and the bytes sent
        to the terminal — hardly grow with the number of accounts), plus the final frame."""
        from ccm_tui.api.errors import CcmError
        from ccm_tui.gcpause import gc_paused, growth_frozen
        from ccm_tui.service.accounts import SortedRows
        from ccm_tui.service.listing import account_field_pages

        busy = self.query_one("#accounts-busy")
        busy.display = True
        self._store = SortedRows(SORT_KEYS[self.sort_index], self.sort_reverse)
        self._load_started = time.monotonic()
        first = True
        self.fetching, self._fetched = True, 0
        self._show_state()
        pages, self._early_pages = self._early_pages, None
        if pages is None:
            pages = account_field_pages(self.session.client, first_page_size=FIRST_PAGE_SIZE)
        try:
            with growth_frozen() as page_kept:
                async for page in pages:
                    with gc_paused():
                        self._store.add(page.rows())
                    page_kept()  # these rows stay: no collection walks them while loading
                    self._fetched = len(self._store)
                    if first:
                        first = False
                        self.partial = False  # the rows shown from now on are this load's
                        self.error = None
                        self.loaded = True
                        # From here the title counts the accounts: the spinner would only add an
                        # animation frame every few milliseconds to what goes to the terminal.
                        busy.display = False
                        self._note_selected_name(self._store.rows)
                        self._paint_loaded()
                    else:
                        self._page_arrived()
        except CcmError as exc:
            self.error = describe_error(exc)
            self._show_state()
            return
        finally:
            busy.display = False
            if self._paint_timer is not None:
                self._paint_timer.stop()
                self._paint_timer = None
            if not first and self._store.rows is not self.all_rows:
                # Stopped (Esc, an error) between two frames: show every account received.
                self._paint_loaded()
            if self.fetching:
                self.fetching = False
                self._show_state()
            if not getattr(self.session, "has_client", True):
                # A login made by the start-up helper: the HTTP client is made once the
                # list is shown (its imports in a thread; until then the helper's pages
                # need no client). Made while pages still came, its ~50 ms of imports
                # took the CPU the helper and the server needed: 50,000 accounts were all
                # shown ~15 ms later. An action that needs the client sooner makes it.
                self.call_after_refresh(self._ready_session)
        bench_marks.mark("data_received", str(len(self._store)))
        self.error = None
        self.loaded = True
        if first:  # no account at all
            self.partial = False
        self._paint_loaded()
        self._note_selected_name(self.all_rows)
        if bench_marks.enabled():
            self.call_after_refresh(bench_marks.mark, "table_painted", str(len(self.table.rows)))

    def _ready_session(self) -> None:
        self.run_worker(self.session.ready(), group="session-ready", exit_on_error=False)

    def _page_arrived(self) -> None:
        now = time.monotonic()
        gap = min(PAINT_GAP_MAX, max(PAINT_GAP, (now - self._load_started) * PAINT_GAP_GROWTH))
        due = self._painted_at + gap
        if now >= due:
            self._paint_loaded()
        elif self._paint_timer is None:
            self._paint_timer = self.set_timer(due - now, self._paint_loaded)

    def _paint_loaded(self) -> None:
        if self._paint_timer is not None:
            self._paint_timer.stop()
            self._paint_timer = None
        self._painted_at = time.monotonic()
        self.all_rows = self._store.rows
        self._apply_filter()

    def _note_selected_name(self, rows: list[Any]) -> None:
        selected = getattr(self.session, "selected_account_id", None)
        app = self.app
        for row in rows:
            if row.acct_id == selected:
                app.selected_account_name = row.name
                break
        app.session_changed()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        """``rows`` in the table's order; they become the rows pages are merged into."""
        from ccm_tui.service.accounts import SortedRows

        self._store = SortedRows(SORT_KEYS[self.sort_index], self.sort_reverse)
        self._store.replace(rows)
        return self._store.rows

    def _row_filter(self) -> Any:
        """The filter over all_rows (made again when all_rows is replaced: it never changes
        in place)."""
        from ccm_tui.service.accounts import RowFilter

        if self._filter is None or self._filter.rows is not self.all_rows:
            self._filter = RowFilter(self.all_rows)
        return self._filter

    def _apply_filter(self) -> None:
        rows = self._row_filter().select(self.query_text)
        # Every row shown comes from the store, which kept the longest name it holds.
        self.table.set_rows(rows, longest=self._store.longest if self._store is not None else None)
        self._show_state()

    def _show_state(self) -> None:
        shown, total = len(self.table.rows), len(self.all_rows)
        if self.query_text:
            title_text = f"Accounts — {shown} of {total} match “{self.query_text}”"
        elif self.fetching:
            title_text = (f"Loading accounts… {self._fetched:,}" if self._fetched
                          else "Loading accounts…")
        else:
            title_text = f"Accounts ({total})" if self.loaded else "Accounts"
        if self.fetching and self._fetched:
            title_text += " — Esc stops"
        elif self.partial:
            title_text += " — partial"
        text = ""
        if self.error:
            text = f"Could not load accounts: {self.error} — press r to retry"
        elif self.partial:
            text = (f"Partial list: loading stopped after {total:,} accounts — "
                    "press r to load them all")
        elif self.loaded and not total:
            text = "No accounts yet — press n to create one"
        elif self.loaded and self.query_text and not shown:
            text = f"No account matches “{self.query_text}” — escape clears the filter"
        state = (title_text, text, bool(self.error))
        if state == self._shown_state:
            return  # nothing to repaint
        previous = self._shown_state
        self._shown_state = state
        if previous is None or previous[0] != title_text:
            # The title's box is fixed (width 1fr in a one-line bar): no layout pass, which
            # would also repaint the table's scrollbars one frame later.
            # Plain text: the filter is what the operator typed, the message the server's.
            self.query_one("#accounts-title", Static).update(safe(title_text), layout=False)
        if previous is None or previous[1:] != state[1:]:
            message = self.query_one("#accounts-message", Static)
            message.update(safe(text))
            message.display = bool(text)
            message.set_class(bool(self.error), "error")

    # -- filter --------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#accounts-filter", QuietInput)
        box.display = True
        box.focus()
        self._row_filter().prepare()  # the search texts, before the first keystroke

    def _filter_value(self, value: str) -> None:
        bench_marks.mark("filter_key", value)
        query = value.strip()
        if query == self.query_text:
            return
        self.query_text = query
        self._apply_filter()
        if bench_marks.enabled():
            self.call_after_refresh(bench_marks.mark, "filter_painted", str(len(self.table.rows)))

    @on(QuietInput.Submitted, "#accounts-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        if self.fetching:  # Esc while pages arrive: stop fetching, keep what has arrived
            self.stop_loading()
            return
        box = self.query_one("#accounts-filter", QuietInput)
        if box.value:
            box.value = ""  # Changed re-applies the (empty) filter
        box.display = False
        self.table.focus()

    def stop_loading(self) -> None:
        self.workers.cancel_group(self, "accounts-load")
        self.fetching = False
        if self._fetched or not self.loaded:
            # (Stopped before a reload's first page: the previous list stays as it was.)
            self.partial = True
        self.query_one("#accounts-busy").display = False
        self._show_state()

    # -- sort ----------------------------------------------------------------------------
    def _resort(self) -> None:
        # While pages arrive, the rows merged so far may be ahead of the last frame.
        loading = self.fetching and self._store is not None
        self.all_rows = self._sorted(self._store.rows if loading else self.all_rows)
        self.table.set_sort(SORT_KEYS[self.sort_index], self.sort_reverse)
        self._apply_filter()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.sort_reverse = False
        self._resort()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._resort()

    @on(AccountTable.HeaderClicked)
    def _header_clicked(self, event: AccountTable.HeaderClicked) -> None:
        index = SORT_KEYS.index(event.column.key)
        if index == self.sort_index:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_index, self.sort_reverse = index, False
        self._resort()

    # -- row actions ---------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()

    def action_toggle_ids(self) -> None:
        self.table.set_full_ids(not self.table.full_ids)

    def action_toggle_role_words(self) -> None:
        """Roles as the API names them (MANAGER WRITER READER) or in the web console's
        words (Administrator Editor Viewer)."""
        self.table.set_console_roles(not self.table.console_roles)

    def _current(self) -> Any | None:
        row = self.table.current_row
        if row is None:
            self.notify("No account highlighted", severity="warning", timeout=3)
        return row

    def action_details(self) -> None:
        row = self._current()
        if row is not None:
            from ccm_tui.screens.details import AccountDetailsScreen

            self.app.push_screen(AccountDetailsScreen(self.session, row.account))

    @on(AccountTable.RowActivated)
    def _row_activated(self) -> None:
        self.action_details()

    def action_members(self) -> None:
        row = self._current()
        if row is not None:
            from ccm_tui.screens.members import open_members

            open_members(self, self.session, row.acct_id, row.name)

    def action_copy_id(self) -> None:
        row = self._current()
        if row is not None:
            self.app.copy_to_clipboard(row.acct_id)
            self.notify(f"Copied the account id {row.acct_id}", timeout=3)

    def action_new_account(self) -> None:
        app = self.app
        if app.read_only:
            self.notify("This profile is read-only: creating accounts is disabled",
                        severity="warning", timeout=5)
            return
        from ccm_tui.screens.wizard import ResumeDraftScreen, WizardScreen
        from ccm_tui.service.drafts import discard_draft, load_draft

        self._reload_on_resume = True
        draft = load_draft()
        if draft is None:
            app.push_screen(WizardScreen(self.session))
            return

        def answer(choice: str | None) -> None:
            if choice == "resume":
                app.push_screen(WizardScreen(self.session, draft=draft))
            elif choice in ("discard", "new"):
                if choice == "discard":
                    discard_draft()
                    app.notify("Draft discarded.")
                app.push_screen(WizardScreen(self.session))

        # A saved draft is never dropped silently: resume it, discard it, or start another.
        app.push_screen(ResumeDraftScreen(draft.describe(), len(draft.secrets_to_ask), offer_new=True),
                        answer)

    def on_wizard_screen_account_created(self, _event: Any) -> None:
        """An account was created (from a new wizard or a resumed draft): the list reloads
        when it is shown again."""
        self._reload_on_resume = True

    def action_select_account(self) -> None:
        row = self._current()
        if row is not None:
            self.select_account(row.acct_id, row.name)

    @work(exclusive=True, group="accounts-select", exit_on_error=False)
    async def select_account(self, acct_id: str, name: str | None) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.members import select_account

        app = self.app
        try:
            # The session's selected_account_id follows the client's session info.
            await select_account(self.session.client, acct_id)
        except CcmError as exc:
            self.notify(f"Could not select {name or acct_id}: {describe_error(exc)}",
                        severity="error", timeout=8)
            return
        app.selected_account_name = name
        app.session_changed()
        self.table.set_selected(acct_id)
        row = next((r for r in self.table.rows if r.acct_id == acct_id), None)
        if row is not None and row.status == "PENDING":
            self.notify(f"Selected account {name or acct_id}. Your membership in it is PENDING: "
                        "it has not been approved or accepted yet, so the server may refuse "
                        "your requests in this account until it is ACTIVE.",
                        severity="warning", timeout=10)
            return
        self.notify(f"Selected account {name or acct_id}", timeout=3)

    # -- lifecycle: edit and delete (screens/lifecycle.py) ---------------------------------
    def action_edit_account(self) -> None:
        row = self._current()
        if row is not None:
            from ccm_tui.screens.lifecycle import offer_edit

            offer_edit(self, self.session, row.account)

    def action_delete_account(self) -> None:
        row = self._current()
        if row is not None:
            from ccm_tui.screens.lifecycle import offer_delete

            offer_delete(self, self.session, row.account)

    def account_updated(self, account: Any) -> None:
        """Show a changed account at once (status, name) without reloading the list."""
        from ccm_tui.service.accounts import row_from_account

        rows = [row_from_account(account) if r.acct_id == account.acct_id else r
                for r in self.all_rows]
        self.all_rows = self._sorted(rows)
        self._apply_filter()

    def account_removed(self, acct_id: str) -> None:
        self.all_rows = [r for r in self.all_rows if r.acct_id != acct_id]
        self._apply_filter()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            ("Edit account…", "Edit the highlighted account", self.action_edit_account),
            ("Delete account…", "Delete the highlighted account after typing its name",
             self.action_delete_account),
            ("New account", "Start the create-account wizard", self.action_new_account),
            ("Refresh accounts", "Load the accounts again", self.action_refresh),
            ("Filter accounts", "Filter the table as you type", self.action_filter),
            ("Sort by next column", "Cycle the sort column", self.action_cycle_sort),
            ("Account details", "Open the highlighted account", self.action_details),
            ("Select account", "Make the highlighted account the session's account",
             self.action_select_account),
            ("Members", "Who is in the highlighted account; invite, change roles, remove",
             self.action_members),
            ("Copy account id", "Copy the highlighted id (OSC 52)", self.action_copy_id),
            ("Toggle role words", "Roles as API names (MANAGER) or console words (Administrator)",
             self.action_toggle_role_words),
        ]
