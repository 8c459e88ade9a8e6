"""AccountDetailsScreen: every field of one account, grouped; auth configs as a tree;
a raw JSON view (redacted). Requests go through the session's client from a worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ccm_tui.safetext import json_text, truncate, visible
from ccm_tui.screens.base import CcmScreen, describe_error
from ccm_tui.widgets.account_view import (
    AuthTree,
    FieldGrid,
    account_json,
    field_groups,
    fill_auth_tree,
    logo_summary,
    redact,
)
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.safe import safe


class AccountDetailsScreen(CcmScreen):
    """Details of one account. ``account_or_id`` is an Account (shown at once, then
    refreshed with totals) or an account id (loaded)."""

    HELP_TEXT = "Every field of the account. Secrets are never shown."
    BINDINGS = [
        Binding("escape", "back", "Back", id="details.back"),
        Binding("v", "toggle_json", "JSON", id="details.toggle_json"),
        Binding("c", "copy_id", "Copy id", id="details.copy_id"),
        Binding("y", "copy_json", "Copy JSON", show=False, id="details.copy_json"),
        Binding("r", "reload", "Refresh", id="details.refresh"),
        Binding("m", "members", "Members", show=False, id="details.members"),
        Binding("e", "edit", "Edit", id="details.edit",
                tooltip="Edit the account (needs the MANAGER role)"),
        Binding("d", "toggle_status", "Status", id="details.toggle_status",
                tooltip="Deactivate or reactivate the account (needs the MANAGER role)"),
        Binding("ctrl+d", "delete", "Delete", id="details.delete",
                tooltip="Delete the account after typing its name (needs the MANAGER role)"),
        Binding("question_mark", "app.help", "Help", show=False, id="details.help"),
    ]

    def __init__(self, session: Any, account_or_id: Any,
                 after_paint: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.session = session
        # Work that must not delay this screen's first frame but must happen before the
        # operator leaves it (e.g. telling the screens below that an account was created).
        self._after_paint = after_paint
        if isinstance(account_or_id, str):
            self.account_id = account_or_id
            self.account: Any = None
        else:
            self.account_id = account_or_id.acct_id
            self.account = account_or_id
        self._json_built = False

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield Static("", id="details-title")
        yield Static("", id="details-status")
        yield Static("", id="details-members")
        with VerticalScroll(id="details-body"):
            yield Static("", id="details-fields")
            yield Static("Authentication configs", id="auth-title", classes="section-title")
            yield AuthTree("auth configs", id="auth-tree")
        # The JSON pane is built on first use (v), not at first paint.
        yield VerticalScroll(id="details-json")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#details-json").display = False
        tree = self.query_one("#auth-tree", AuthTree)
        tree.show_root = False
        self._render_account(totals_loading=True)
        if self.account is not None:
            # Shown from the account at hand (e.g. a create's answer): its first frame goes
            # out before the reads for the totals and the members start.
            self.call_after_refresh(self._load_rest)
            return
        self._run_after_paint()
        self.load()
        self.count_members()

    def _run_after_paint(self) -> None:
        """Run the ``after_paint`` work once: after the first frame, or before this screen
        goes away, whichever comes first."""
        work, self._after_paint = self._after_paint, None
        if work is not None:
            work()

    def dismiss(self, result: Any = None) -> AwaitComplete:
        self._run_after_paint()  # e.g. the list below learns of a new account before it resumes
        return super().dismiss(result)

    def _load_rest(self) -> None:
        self._run_after_paint()
        if self.is_attached:
            self.load()
            self.count_members()

    def on_screen_resume(self) -> None:
        self.count_members()  # back from the Members screen: the counts may have changed

    @work(exclusive=True, group="details-members", exit_on_error=False)
    async def count_members(self) -> None:
        """"Members: 3 members, 1 invitation pending" — read only when this account is the
        session's selected one (CCM lists members of the selected account; selecting it just
        to count would change the session behind the operator's back)."""
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service import members as svc

        line = self.query_one("#details-members", Static)
        if getattr(self.session, "selected_account_id", None) != self.account_id:
            line.display = False  # `m` lists them (and selects the account)
            return
        try:
            listing = await svc.load_members(self.session.client)
        except CcmError as exc:
            line.update(f"Members: could not be read ({describe_error(exc)})")
            line.display = True
            return
        more = "+" if listing.truncated else ""
        line.update(f"Members: {svc.summary(listing.rows)}{more} — m lists them")
        line.display = True

    # -- loading -------------------------------------------------------------------------
    @work(exclusive=True, group="details-load", exit_on_error=False)
    async def load(self) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.accounts import get_account

        status = self.query_one("#details-status", Static)
        status.update("Loading…")
        status.set_class(False, "error")
        try:
            account = await get_account(self.session.client, self.account_id, with_totals=True)
        except CcmError as exc:
            status.update(safe(f"Could not load the account: {describe_error(exc)} — press r to retry"))
            status.set_class(True, "error")
            self._render_account(totals_loading=False)
            return
        self.account = account
        status.update("")
        self._render_account(totals_loading=False)

    def _render_account(self, *, totals_loading: bool) -> None:
        account = self.account
        title = self.query_one("#details-title", Static)
        if account is None:
            title.update(safe(f"Account {self.account_id}"))
            return
        from ccm_tui.screens.lifecycle import change_refusal, is_deactivated

        marker = " — Deactivated" if is_deactivated(account) else ""
        title.update(safe(f"Account: {truncate(account.name or account.acct_id, 1000)}{marker}"))
        refusal = change_refusal(self.app, account)
        if refusal and not self.query_one("#details-status", Static).has_class("error"):
            self.query_one("#details-status", Static).update(
                safe(f"Edit, deactivate and delete are disabled: {refusal}"))
        self.refresh_bindings()
        self.query_one("#details-fields", Static).update(
            FieldGrid(field_groups(account, totals_loading=totals_loading))
        )
        fill_auth_tree(self.query_one("#auth-tree", AuthTree), account.auth_configs)
        if self._json_built:
            self._fill_json()

    def _fill_json(self) -> None:
        pane = self.query_one("#details-json", VerticalScroll)
        raw = redact(self.account.raw()) if self.account is not None else {}
        if raw.get("custom_logo"):
            raw["custom_logo"] = f"<{logo_summary(self.account.custom_logo)}; base64 not shown here>"
        text = json_text(raw, indent=2, sort_keys=True)
        if not pane.children:
            pane.mount(Static(text, id="json-text", markup=False))
        else:
            pane.query_one("#json-text", Static).update(text)

    # -- actions -------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_toggle_json(self) -> None:
        pane = self.query_one("#details-json")
        body = self.query_one("#details-body")
        if not self._json_built:
            self._json_built = True
            self._fill_json()
        showing = not pane.display
        pane.display = showing
        body.display = not showing
        (pane if showing else body).focus()

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.account_id)
        self.notify(f"Copied the account id {visible(self.account_id)}", timeout=3, markup=False)

    def action_copy_json(self) -> None:
        if self.account is None:
            self.notify("Nothing to copy yet", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(account_json(self.account))
        self.notify("Copied the account JSON (secrets redacted)", timeout=3)

    def action_members(self) -> None:
        from ccm_tui.screens.members import open_members

        name = self.account.name if self.account is not None else None
        open_members(self, self.session, self.account_id, name)

    # -- lifecycle: edit, deactivate/reactivate, delete (screens/lifecycle.py) ---------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "toggle_status", "delete"):
            from ccm_tui.screens.lifecycle import change_refusal

            return None if change_refusal(self.app, self.account) else True
        return True

    def action_edit(self) -> None:
        from ccm_tui.screens.lifecycle import offer_edit

        offer_edit(self, self.session, self.account)

    def action_toggle_status(self) -> None:
        from ccm_tui.screens.lifecycle import offer_status_change

        offer_status_change(self, self.session, self.account)

    def action_delete(self) -> None:
        from ccm_tui.screens.lifecycle import offer_delete

        offer_delete(self, self.session, self.account)

    def account_updated(self, account: Any) -> None:
        if account.acct_id == self.account_id:
            totals = self.account.totals if self.account is not None else None
            self.account = account
            if account.totals is None and totals is not None:
                self.account.totals = totals
            self._render_account(totals_loading=False)
            self.refresh_bindings()

    def account_removed(self, acct_id: str) -> None:
        if acct_id == self.account_id and self.is_current:
            self.dismiss()

    def _lifecycle_commands(self) -> list[tuple[str, str, Any]]:
        from ccm_tui.screens.lifecycle import change_refusal, is_deactivated

        refusal = change_refusal(self.app, self.account)
        if refusal:
            return [("Edit account (disabled)", refusal, self.action_edit)]
        verb = "Reactivate" if is_deactivated(self.account) else "Deactivate"
        return [
            ("Edit account…", "Change name, logo, auth configs, PCR priority", self.action_edit),
            (f"{verb} account…", "Change the account's status (asks first)",
             self.action_toggle_status),
            ("Delete account…", "Delete after typing its exact name", self.action_delete),
        ]

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            *self._lifecycle_commands(),
            ("Members", "Who is in this account; invite, change roles, remove", self.action_members),
            ("Toggle JSON view", "Show the raw account JSON (redacted)", self.action_toggle_json),
            ("Copy account id", "Copy the full id (OSC 52)", self.action_copy_id),
            ("Copy account JSON", "Copy the redacted JSON", self.action_copy_json),
            ("Refresh account", "Load the account again with totals", self.action_reload),
        ]
