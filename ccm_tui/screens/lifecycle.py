"""Deactivate/reactivate and delete dialogs, and the helpers the accounts table and the details
screen share to offer them (and the editor) only to a MANAGER.

Each dialog does its own request from a worker with live status and dismisses with the
service's outcome; every outside string (names, ids, server messages) goes through
``widgets.safe``.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccm_tui.screens.base import describe_error
from ccm_tui.widgets.safe import safe, safe_markup

MANAGER = "MANAGER"


def _text(value: object) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def change_refusal(app: Any, account: Any) -> str | None:
    """Why the operator may not change ``account`` (None when they may): a read-only profile,
    or roles without MANAGER. The server's 403 is still handled when this guess is wrong."""
    if getattr(app, "read_only", False):
        return "this profile is read-only"
    if account is None:
        return "the account is not loaded yet"
    roles = [_text(r) for r in (account.roles or [])]
    if account.roles is not None and MANAGER not in roles:
        have = ", ".join(roles) or "no role"
        return f"changing an account needs the MANAGER role; you are {have} here"
    return None


def is_deactivated(account: Any) -> bool:
    return _text(getattr(account, "account_status", None)) == "Deactivated"


def account_changed(app: Any, account: Any) -> None:
    """Show a changed account everywhere at once: the accounts table, open details, header."""
    for screen in app.screen_stack:
        hook = getattr(screen, "account_updated", None)
        if hook is not None:
            hook(account)
    session = getattr(app, "session", None)
    if session is not None and getattr(session, "selected_account_id", None) == account.acct_id:
        app.selected_account_name = account.name
    app.session_changed()


def account_deleted(app: Any, acct_id: str) -> None:
    """Drop a deleted account from every screen; clear the session's selection if it was it."""
    for screen in app.screen_stack:
        hook = getattr(screen, "account_removed", None)
        if hook is not None:
            hook(acct_id)
    session = getattr(app, "session", None)
    info = getattr(getattr(session, "client", None), "session_info", None)
    if info is not None and info.selected_account_id == acct_id:
        info.selected_account_id = None  # the server cleared it too
        app.selected_account_name = None
    app.session_changed()


class _Dialog(ModalScreen[Any]):
    DEFAULT_CSS = """
    _Dialog, StatusDialog, DeleteDialog { align: center middle; }
    #dialog { width: 72; max-width: 100%; height: auto; border: thick $warning; padding: 1 2;
              background: $surface; }
    #dialog-status { height: auto; margin-top: 1; }
    #dialog-status.error { color: $error; }
    #dialog-buttons { height: auto; margin-top: 1; }
    #dialog-buttons Button { margin-right: 2; }
    """

    def on_worker_state_changed(self, event: Any) -> None:
        """A change that failed in an unexpected way goes to the app's one report; the dialog
        says the outcome is unknown and can be closed, instead of staying on "Sending…"."""
        from ccm_tui.screens.base import report_worker_failure

        if report_worker_failure(self, event) and getattr(self, "busy", False):
            self.busy = False
            self._status("Stopped by an unexpected error (details in the log file): the change "
                         "may or may not have been made — refresh before trying again.", error=True)

    def _status(self, content: Any, *, error: bool = False) -> None:
        status = self.query_one("#dialog-status", Static)
        status.update(content)
        status.set_class(error, "error")


class StatusDialog(_Dialog):
    """Confirm, then PATCH ``account_status``; dismisses with the UpdateOutcome (None if
    cancelled)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="lifecycle.status.cancel"),
        Binding("y", "confirm", "Yes", id="lifecycle.status.confirm"),
        Binding("n", "cancel", "No", show=False, id="lifecycle.status.no"),
    ]

    def __init__(self, session: Any, account: Any) -> None:
        super().__init__()
        self.session = session
        self.account = account
        self.activate = is_deactivated(account)
        self.busy = False

    def compose(self) -> ComposeResult:
        verb = "Reactivate" if self.activate else "Deactivate"
        effect = ("Its members can sign in and use it again." if self.activate else
                  "Its members can no longer use it until it is reactivated; nothing is deleted.")
        with Vertical(id="dialog"):
            yield Static(safe_markup(f"[b]{verb} account $name?[/b]", name=self.account.name or ""),
                         id="dialog-title")
            yield Static(safe_markup("id $id — " + effect, id=self.account.acct_id))
            yield Static("", id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{verb} (y)", id="confirm", variant="warning")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        if not self.busy:
            self.busy = True
            self.query_one("#confirm", Button).disabled = True
            self._status("Sending…")
            self.run_change()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @work(exclusive=True, group="lifecycle-status", exit_on_error=False)
    async def run_change(self) -> None:
        from ccm_tui.service.account_update import set_account_status

        def phase(p: Any) -> None:
            if _text(p) == "reconciling":
                self._status("The answer was unclear — re-reading the account…")

        outcome = await set_account_status(self.session.client, self.account, self.activate,
                                           on_phase=phase)
        if outcome.ok:
            self.dismiss(outcome)
            return
        self.busy = False
        self.query_one("#confirm", Button).disabled = False
        self._status(safe(outcome.message), error=True)


class NameInput(Input):
    BINDINGS = [Binding("enter", "submit", "Delete", id="lifecycle.delete.submit")]


class DeleteDialog(_Dialog):
    """States what will go (name, id, totals) and deletes only when the exact name is typed.
    Dismisses with the DeleteOutcome when the account is gone (None otherwise)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="lifecycle.delete.cancel")]

    def __init__(self, session: Any, account: Any) -> None:
        super().__init__()
        self.session = session
        self.account = account
        self.busy = False

    def compose(self) -> ComposeResult:
        a = self.account
        with Vertical(id="dialog"):
            yield Static(safe_markup("[b]Delete account $name?[/b]", name=a.name or ""),
                         id="dialog-title")
            yield Static(safe_markup("id $id", id=a.acct_id), id="delete-id")
            yield Static("Loading what it holds…", id="delete-totals")
            yield Static("This cannot be undone. Type the account's exact name to delete it:")
            name_input = NameInput(placeholder=a.name or "", id="delete-name")
            name_input.cursor_blink = False
            yield name_input
            yield Static("", id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button("Delete", id="confirm", variant="error", disabled=True)
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#delete-name", Input).focus()
        self.load_totals()

    @work(exclusive=True, group="lifecycle-totals", exit_on_error=False)
    async def load_totals(self) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.accounts import get_account

        line = self.query_one("#delete-totals", Static)
        try:
            account = await get_account(self.session.client, self.account.acct_id)
        except CcmError as exc:
            line.update(safe_markup("Could not read its totals ($why)", why=describe_error(exc)))
            return
        t = account.totals
        if t is None:
            line.update("The server did not say what it holds.")
            return
        line.update(safe_markup(
            "It holds [b]$nodes[/b] node(s), [b]$datasets[/b] dataset(s) and "
            "[b]$workflows[/b] workflow(s).",
            nodes=t.nodes or 0, datasets=t.datasets or 0, workflows=t.final_workflows or 0))

    @on(Input.Changed, "#delete-name")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != (self.account.name or "")
        if event.value and not self.busy:
            self._status("")

    @on(Input.Submitted, "#delete-name")
    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        if self.busy:
            return
        typed = self.query_one("#delete-name", Input).value
        if typed != (self.account.name or ""):
            self._status("The name typed does not match — nothing was deleted.", error=True)
            return
        self.busy = True
        self.query_one("#confirm", Button).disabled = True
        self._status("Deleting…")
        self.run_delete()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @work(exclusive=True, group="lifecycle-delete", exit_on_error=False)
    async def run_delete(self) -> None:
        from ccm_tui.service.account_update import delete_account

        outcome = await delete_account(self.session.client, self.account)
        if outcome.deleted:
            self.dismiss(outcome)
            return
        self.busy = False
        typed = self.query_one("#delete-name", Input).value
        self.query_one("#confirm", Button).disabled = typed != (self.account.name or "")
        self._status(safe(outcome.message), error=True)


def _refused(screen: Any, account: Any, doing: str) -> bool:
    """True (and a toast saying why) when the operator may not ``doing`` the account."""
    refusal = change_refusal(screen.app, account)
    if refusal:
        screen.notify(safe(f"Cannot {doing}: {refusal}"), severity="warning", timeout=6)
    return bool(refusal)


def offer_status_change(screen: Any, session: Any, account: Any) -> None:
    """``d``: confirm, then deactivate or reactivate; every screen shows the result."""
    if _refused(screen, account, "change the status"):
        return

    def done(outcome: Any) -> None:
        if outcome is None or outcome.account is None:
            return
        account_changed(screen.app, outcome.account)
        screen.notify(safe(outcome.message), timeout=5)

    screen.app.push_screen(StatusDialog(session, account), done)


def offer_delete(screen: Any, session: Any, account: Any) -> None:
    """``ctrl+d``: the GitHub-style dialog; every screen drops the account when it is gone."""
    if _refused(screen, account, "delete"):
        return

    def done(outcome: Any) -> None:
        if outcome is None:
            return
        account_deleted(screen.app, account.acct_id)
        screen.notify(safe(outcome.message), timeout=5)

    screen.app.push_screen(DeleteDialog(session, account), done)


def offer_edit(screen: Any, session: Any, account: Any) -> None:
    """``e``: the editor on the account as the server returns it now."""
    if _refused(screen, account, "edit"):
        return
    from ccm_tui.screens.account_editor import AccountEditorScreen

    def done(outcome: Any) -> None:
        if outcome is not None and outcome.account is not None:
            account_changed(screen.app, outcome.account)

    screen.app.push_screen(AccountEditorScreen(session, account.acct_id), done)
