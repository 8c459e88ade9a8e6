"""MembersScreen: who is in an account, with which roles; invite, change roles, disable /
enable, remove — with the guard rails of ``ccm_tui.service.members`` checked before anything
is sent. Members are listed for the session's selected account, so opening the screen
selects the account first when needed (and says so)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, LoadingIndicator, Static

from ccm_tui.safetext import truncate
from ccm_tui.screens.base import CcmScreen, describe_error
from ccm_tui.widgets.account_table import role_words
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.inputs import QuietInput
from ccm_tui.widgets.safe import safe, safe_markup

#: (sort key of service.members.sort_rows, column label)
COLUMNS = (("me", ""), ("name", "Name"), ("email", "Email"), ("roles", "Roles"),
           ("status", "Status"), ("verified", "Verified"), ("last_login", "Last login"))
SORT_KEYS = [k for k, _ in COLUMNS if k != "me"]
NAME_WIDTH, EMAIL_WIDTH = 18, 30


def _cell(value: Any) -> Text:
    """A table cell for an outside string: made safe by ``safe()`` (nothing parsed as markup,
    unsafe characters visible), as a rich Text so that DataTable can measure its width."""
    return Text(safe(value).plain, no_wrap=True, overflow="ellipsis")


class MembersScreen(CcmScreen):
    HELP_TITLE = "Members"
    HELP_TEXT = ("The members of the account: roles, membership status, last login. "
                 "Only an active MANAGER may invite, change or remove members.")
    BINDINGS = [
        Binding("escape", "back", "Back", id="members.back"),
        Binding("slash", "filter", "Filter", id="members.filter"),
        Binding("enter", "details", "Details", id="members.details"),
        Binding("a", "invite", "Invite", id="members.invite"),
        Binding("e", "edit_roles", "Roles", id="members.edit_roles"),
        Binding("d", "toggle_status", "Disable/enable", id="members.toggle_status"),
        Binding("ctrl+d", "remove", "Remove", id="members.remove"),
        Binding("r", "refresh", "Refresh", id="members.refresh"),
        Binding("o", "cycle_sort", "Sort", id="members.sort"),
        Binding("O", "reverse_sort", "Reverse", show=False, id="members.reverse"),
        Binding("w", "toggle_role_words", "Role words (API/console)", show=False,
                id="members.role_words"),
        Binding("c", "copy_email", "Copy email", show=False, id="members.copy_email"),
        Binding("question_mark", "app.help", "Help", show=False, id="members.help"),
    ]

    #: Members read at most before the list counts as "paged" (then / searches the server).
    max_members: int | None = None  # None: service.members.MAX_MEMBERS

    def __init__(self, session: Any, acct_id: str, account_name: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.acct_id = acct_id
        self.account_name = account_name or acct_id[:8]
        self.listing: Any = None  # service.members.MemberList
        self.all_rows: list[Any] = []
        self.shown: list[Any] = []
        self.query_text = ""
        self.sort_index = 0
        self.sort_reverse = False
        self.console_roles = False
        self.loaded = False
        self.error: str | None = None
        self.note: Any = ""  # the last outcome / selection note (Content or str)
        self.note_error = False

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        with Horizontal(id="members-bar"):
            yield Static("", id="members-title")
            yield LoadingIndicator(id="members-busy")
        yield QuietInput(placeholder="filter: name, email, role, status…", id="members-filter")
        yield Static("", id="members-message")
        yield Static("", id="members-guard")
        table: DataTable = DataTable(id="members-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield QuietFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#members-table", DataTable)

    def on_mount(self) -> None:
        self.query_one("#members-filter").display = False
        self.query_one("#members-message").display = False
        self.query_one("#members-guard").display = False
        self._title()
        self.table.focus()
        self.load()

    # -- loading -------------------------------------------------------------------------
    @work(exclusive=True, group="members-load", exit_on_error=False)
    async def load(self, search: str | None = None) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service import members as svc

        busy = self.query_one("#members-busy")
        busy.display = True
        app = self.app
        try:
            try:
                changed = await svc.select_account(self.session.client, self.acct_id)
            except CcmError as exc:
                self.error = f"could not select the account for this session: {describe_error(exc)}"
                self._show()
                return
            if changed or getattr(app, "selected_account_name", None) != self.account_name:
                app.selected_account_name = self.account_name
                app.session_changed()
                if changed:
                    self._set_note(safe_markup("Selected [b]$name[/b] for this session: members are "
                                               "listed for the selected account.",
                                               name=self.account_name))
            try:
                me_id = svc.my_user_id(self.session.client) or getattr(
                    getattr(self.session, "user", None), "user_id", None)
                self.listing = await svc.load_members(
                    self.session.client, me_id=me_id, search=search,
                    max_members=self.max_members or svc.MAX_MEMBERS)
                self.listing.truncated = self.listing.truncated or bool(search)
            except CcmError as exc:
                self.error = describe_error(exc)
                self._show()
                return
        finally:
            busy.display = False
        self.error = None
        self.loaded = True
        self.all_rows = list(self.listing.rows)
        self._apply()

    # -- table ---------------------------------------------------------------------------
    def _title(self) -> None:
        from ccm_tui.service.members import summary

        text = "Members of $account"
        extra = ""
        if self.loaded:
            paged = bool(self.listing and self.listing.truncated)
            if paged and self.query_text:
                extra = f" — {len(self.shown)} match “{self.query_text}” (searched on the server)"
            else:
                extra = f" — {summary(self.all_rows)}"
                if self.query_text:
                    extra += f"; {len(self.shown)} match “{self.query_text}”"
                elif paged:
                    extra += " (the first ones only: / searches the server)"
        self.query_one("#members-title", Static).update(
            safe_markup(f"[b]{text}[/b]$extra", account=self.account_name, extra=extra))

    def _cells(self, row: Any) -> list[Any]:
        roles = role_words(row.roles, self.console_roles)
        return [
            Text("you", style="bold") if row.is_me else Text(""),
            _cell(truncate(row.name or "—", NAME_WIDTH)),
            _cell(truncate(row.email, EMAIL_WIDTH)),
            _cell(roles),
            _cell(row.status or "—"),
            Text(row.verified_text or "—"),
            Text(row.last_login_local),
        ]

    def _apply(self) -> None:
        from ccm_tui.service.members import filter_rows, sort_rows

        rows = sort_rows(self.all_rows, SORT_KEYS[self.sort_index], reverse=self.sort_reverse)
        truncated = bool(self.listing and self.listing.truncated)
        if self.query_text and not truncated:
            rows = filter_rows(rows, self.query_text)
        current = self.current_row
        self.shown = rows
        table = self.table
        table.clear(columns=True)
        for i, (key, label) in enumerate(COLUMNS):
            if i == self.sort_index + 1:
                label = f"{label} {'▼' if self.sort_reverse else '▲'}"
            table.add_column(label, key=key)
        for row in rows:
            table.add_row(*self._cells(row), key=row.user_id)
        if current is not None:
            for i, row in enumerate(rows):
                if row.user_id == current.user_id:
                    table.move_cursor(row=i, animate=False)
                    break
        self._show()

    def _show(self) -> None:
        self._title()
        message = self.query_one("#members-message", Static)
        if self.error:
            message.update(safe(f"Could not load members: {self.error} — press r to retry"))
            message.set_class(True, "error")
            message.display = True
        elif self.note:
            message.update(self.note)
            message.set_class(self.note_error, "error")
            message.display = True
        elif self.loaded and not self.shown:
            text = f"No member matches “{self.query_text}” — escape clears the filter" \
                if self.query_text else "No members"
            message.update(safe(text))
            message.set_class(False, "error")
            message.display = True
        else:
            message.display = False
        guard = self.query_one("#members-guard", Static)
        reason = self._manager_refusal()
        guard.display = bool(reason) and self.loaded
        if reason:
            guard.update(safe(f"Read-only for you: {reason}."))

    def _set_note(self, text: Any, *, error: bool = False) -> None:
        self.note = text
        self.note_error = error
        self._show()

    def _manager_refusal(self) -> str | None:
        from ccm_tui.service.members import check_action

        if not self.loaded:
            return None
        refusal = check_action(self.all_rows, "invite")
        return refusal.reason if refusal is not None else None

    @property
    def current_row(self) -> Any | None:
        table = self.query_one("#members-table", DataTable)
        if not self.shown or table.cursor_row is None:
            return None
        if 0 <= table.cursor_row < len(self.shown):
            return self.shown[table.cursor_row]
        return None

    def _current(self) -> Any | None:
        row = self.current_row
        if row is None:
            self.notify("No member highlighted", severity="warning", timeout=3)
        return row

    # -- filter / sort / view --------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#members-filter", QuietInput)
        box.display = True
        box.focus()

    @on(QuietInput.Changed, "#members-filter")
    def _filter_changed(self, event: QuietInput.Changed) -> None:
        query = event.value.strip()
        if query == self.query_text:
            return
        self.query_text = query
        if self.listing is not None and self.listing.truncated:
            self.load(search=query or None)  # paged list: the server searches (all_search)
        else:
            self._apply()

    @on(QuietInput.Submitted, "#members-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        box = self.query_one("#members-filter", QuietInput)
        if box.display:
            if box.value:
                box.value = ""
            box.display = False
            self.table.focus()
            return
        self.dismiss()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.sort_reverse = False
        self._apply()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._apply()

    def action_toggle_role_words(self) -> None:
        self.console_roles = not self.console_roles
        self._apply()

    def action_refresh(self) -> None:
        self.load(search=self.query_text or None if self.listing and self.listing.truncated else None)

    def action_copy_email(self) -> None:
        row = self._current()
        if row is not None:
            self.app.copy_to_clipboard(row.email)
            self.notify(f"Copied {row.email}", timeout=3)  # plain: CcmApp.notify shows it safely

    @on(DataTable.RowSelected, "#members-table")
    def _row_selected(self) -> None:
        self.action_details()

    def action_details(self) -> None:
        row = self._current()
        if row is None:
            return
        from ccm_tui.screens.members_dialogs import MemberDetails

        def picked(what: str | None) -> None:
            if what == "edit":
                self.action_edit_roles()
            elif what == "toggle":
                self.action_toggle_status()
            elif what == "remove":
                self.action_remove()

        self.app.push_screen(MemberDetails(row), picked)

    # -- guard rails ---------------------------------------------------------------------
    def _guard(self, action: str, target: Any = None, *, roles: Any = None,
               then: Any = None) -> bool:
        """True when the action may go on now. A refusal is shown with its reason (nothing
        is sent); "needs confirmation" asks, and calls ``then()`` after a yes."""
        from ccm_tui.service.members import check_action

        if not self.loaded:
            self.notify("The member list is not loaded yet", severity="warning", timeout=3)
            return False
        refusal = check_action(self.all_rows, action, target, roles=roles)  # type: ignore[arg-type]
        if refusal is None:
            return True
        if refusal.kind == "needs_confirmation" and then is not None:
            from ccm_tui.screens.members_dialogs import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    then()

            self.app.push_screen(ConfirmDialog("Your own MANAGER role", safe(refusal.reason),
                                               yes="Yes, go on"), answered)
            return False
        self._set_note(safe(f"Not sent: {refusal.reason}"), error=True)
        self.notify(refusal.reason, title="Not allowed", severity="warning", timeout=6)
        return False

    def _done(self, outcome: Any) -> None:
        if outcome is None:
            return
        self._set_note(safe(outcome.message), error=not outcome.ok)
        if outcome.sent:
            self.load(search=self.query_text or None if self.listing and self.listing.truncated else None)

    # -- actions -------------------------------------------------------------------------
    def action_invite(self) -> None:
        if not self._guard("invite"):
            return
        from ccm_tui.screens.members_dialogs import RolesDialog
        from ccm_tui.service import members as svc

        rows = list(self.all_rows)

        async def send(req: Any, on_phase: Any) -> Any:
            return await svc.invite_member(self.session.client, rows, req, on_phase=on_phase)

        self.app.push_screen(RolesDialog(account_name=self.account_name, send=send,
                                         role_help=svc.ROLE_HELP), self._done)

    def action_edit_roles(self) -> None:
        row = self._current()
        # Only "may I manage members at all" now; the new roles are checked when sent.
        if row is None or not self._guard("invite"):
            return
        self._open_roles(row)

    def _open_roles(self, row: Any) -> None:
        from ccm_tui.screens.members_dialogs import RolesDialog
        from ccm_tui.service import members as svc

        rows = list(self.all_rows)

        async def send(req: Any, on_phase: Any) -> Any:
            roles = [str(r) for r in req.roles]
            outcome = await svc.set_roles(self.session.client, rows, row, roles, on_phase=on_phase)
            if outcome.state == "needs_confirmation":
                # asked below, after the dialog closes; nothing was sent
                self._pending_roles = (row, roles)
            return outcome

        def closed(outcome: Any) -> None:
            if outcome is not None and outcome.state == "needs_confirmation":
                self._confirm_own_roles(*self._pending_roles, reason=outcome.message)
                return
            self._done(outcome)

        self.app.push_screen(RolesDialog(account_name=self.account_name, send=send, member=row,
                                         role_help=svc.ROLE_HELP), closed)

    def _confirm_own_roles(self, row: Any, roles: list[str], *, reason: str) -> None:
        from ccm_tui.screens.members_dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_update(row, roles=roles, confirmed=True)
            else:
                self._set_note(safe("Not sent: your roles were left as they are."))

        self.app.push_screen(ConfirmDialog("Your own MANAGER role", safe(reason),
                                           yes="Yes, change my roles"), answered)

    def action_toggle_status(self) -> None:
        row = self._current()
        if row is None:
            return
        enable = row.status == "DISABLED"
        action = "enable" if enable else "disable"
        if not self._guard(action, row, then=lambda: self._confirm_status(row, enable, True)):
            return
        self._confirm_status(row, enable, False)

    def _confirm_status(self, row: Any, enable: bool, confirmed_self: bool) -> None:
        from ccm_tui.screens.members_dialogs import ConfirmDialog

        verb = "Enable" if enable else "Disable"
        text = safe_markup(f"{verb} the membership of [b]$who[/b] in [b]$account[/b]?\n"
                           + ("They can use the account again." if enable else
                              "They keep their user but cannot use this account until enabled."),
                           who=row.display, account=self.account_name)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_update(row, enabled=enable, confirmed=confirmed_self)

        self.app.push_screen(ConfirmDialog(f"{verb} member", text, yes=verb), answered)

    def action_remove(self) -> None:
        row = self._current()
        if row is None:
            return
        if not self._guard("remove", row, then=lambda: self._confirm_remove(row, True)):
            return
        self._confirm_remove(row, False)

    def _confirm_remove(self, row: Any, confirmed_self: bool) -> None:
        from ccm_tui.screens.members_dialogs import ConfirmDialog

        text = safe_markup("Remove [b]$who[/b] from [b]$account[/b]?\nThe user itself is not "
                           "deleted; they can be invited again.",
                           who=row.display, account=self.account_name)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_remove(row, confirmed_self)

        self.app.push_screen(ConfirmDialog("Remove member", text, yes="Remove"), answered)

    @work(exclusive=True, group="members-write", exit_on_error=False)
    async def _run_update(self, row: Any, *, roles: list[str] | None = None,
                          enabled: bool | None = None, confirmed: bool = False) -> None:
        from ccm_tui.service import members as svc

        def on_phase(phase: str) -> None:
            from ccm_tui.screens.members_dialogs import PHASE_TEXT

            self._set_note(PHASE_TEXT.get(phase, phase))

        rows = list(self.all_rows)
        if roles is not None:
            outcome = await svc.set_roles(self.session.client, rows, row, roles,
                                          confirmed_self=confirmed, on_phase=on_phase)
        else:
            outcome = await svc.set_status(self.session.client, rows, row, bool(enabled),
                                           confirmed_self=confirmed, on_phase=on_phase)
        self._done(outcome)

    @work(exclusive=True, group="members-write", exit_on_error=False)
    async def _run_remove(self, row: Any, confirmed: bool) -> None:
        from ccm_tui.service import members as svc

        def on_phase(phase: str) -> None:
            from ccm_tui.screens.members_dialogs import PHASE_TEXT

            self._set_note(PHASE_TEXT.get(phase, phase))

        outcome = await svc.remove_member(self.session.client, list(self.all_rows), row,
                                          account_name=self.account_name, confirmed_self=confirmed,
                                          on_phase=on_phase)
        self._done(outcome)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            ("Invite member", "Invite someone to this account", self.action_invite),
            ("Change member roles", "Change the highlighted member's roles", self.action_edit_roles),
            ("Disable / enable member", "Toggle the highlighted membership", self.action_toggle_status),
            ("Remove member", "Remove the highlighted member from the account", self.action_remove),
            ("Refresh members", "Load the member list again", self.action_refresh),
            ("Filter members", "Filter the table as you type", self.action_filter),
            ("Toggle role words", "Roles as API names (MANAGER) or console words (Administrator)",
             self.action_toggle_role_words),
        ]


def open_members(screen: Any, session: Any, acct_id: str, name: str | None) -> None:
    """Push the Members screen for ``acct_id`` (used by the accounts and details screens)."""
    screen.app.push_screen(MembersScreen(session, acct_id, name))

