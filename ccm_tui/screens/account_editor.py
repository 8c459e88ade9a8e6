"""AccountEditorScreen: edit an account as the server returned it, review the change, send it.

Panes: Basics (name, status; component and node enrollment read-only — PATCH has neither),
Logo (keep / replace / remove), Authentication (existing configs by id: edit, remove, add;
TLS per OAuth config; screens/account_editor_auth.py), PCR priority (the 23 indices in order; K/J or shift+↑/↓ move one,
r resets to the server's order) and Review (before/after of each changed field and the exact
masked AccountUpdateRequest JSON). The diff, guard rails and sending live in
``ccm_tui.service.account_update``; this screen only collects the edit and shows outcomes.
"""

from __future__ import annotations

import json
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from ccm_tui.screens.account_editor_auth import AuthList, AuthPaneMixin
from ccm_tui.screens.base import CcmScreen, describe_error
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.safe import safe, safe_markup

PANES = ("basics", "logo", "auth", "pcr", "review")
PANE_TITLES = ("1 Basics", "2 Logo", "3 Authentication", "4 PCR priority", "5 Review")


def _text(value: object) -> str:
    return "" if value is None else str(getattr(value, "value", value))


class PcrList(OptionList):
    """The 23 PCR indices in priority order; move the highlighted one with K/J or shift+↑/↓."""

    BINDINGS = [
        Binding("K,shift+up", "move(-1)", "Move up", id="editor.pcr.up"),
        Binding("J,shift+down", "move(1)", "Move down", id="editor.pcr.down"),
        Binding("r", "reset", "Reset", id="editor.pcr.reset"),
        Binding("j", "cursor_down", "Down", show=False, id="editor.pcr.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="editor.pcr.cursor_up"),
    ]

    def __init__(self, order: list[int], server_order: list[int], **kw: Any) -> None:
        super().__init__(**kw)
        self.order = list(order)
        self.server_order = list(server_order)

    def on_mount(self) -> None:
        self.fill()
        self.highlighted = 0

    def fill(self) -> None:
        keep = self.highlighted
        self.clear_options()
        self.add_options([
            Option(f"{pos + 1:>2}.  PCR {pcr:>2}" + ("" if pcr == self.server_order[pos] else "   (moved)"),
                   id=f"pcr-{pcr}")
            for pos, pcr in enumerate(self.order)
        ])
        if keep is not None:
            self.highlighted = keep

    def action_move(self, delta: int) -> None:
        i = self.highlighted
        if i is None:
            return
        j = i + delta
        if not 0 <= j < len(self.order):
            return
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self.highlighted = j
        self.fill()
        self.highlighted = j

    def action_reset(self) -> None:
        self.order = list(self.server_order)
        self.fill()
        self.highlighted = 0


class AccountEditorScreen(AuthPaneMixin, CcmScreen):
    DEFAULT_CSS = """
    AccountEditorScreen #editor-tabs { height: 1fr; }
    AccountEditorScreen TabPane { height: 1fr; padding: 0 1; }
    AccountEditorScreen #pcr-list { height: 1fr; max-width: 40; }
    AccountEditorScreen #review-body { height: 1fr; }
    AccountEditorScreen #auth-list { height: 1fr; }
    AccountEditorScreen #auth-help { color: $text-muted; }
    AccountEditorScreen #review-buttons { height: auto; }
    AccountEditorScreen .field-error, AccountEditorScreen .error { color: $error; }
    AccountEditorScreen #editor-status { height: auto; }
    """
    HELP_TITLE = "Edit account"
    HELP_TEXT = ("Edit the account as the server returned it; Review (5) shows exactly what "
                 "will be sent. Secrets are never shown: they stay unchanged unless you type one. "
                 "Authentication (3): a/o/c add, e edits, t sets TLS, x removes.")
    BINDINGS = [
        Binding("escape", "leave", "Back", id="editor.back"),
        Binding("ctrl+o", "review", "Review", id="editor.review"),
        Binding("ctrl+l", "reload", "Reload", show=False, id="editor.reload"),
        Binding("ctrl+n", "next_pane", "Next pane", id="editor.next_pane"),
        *[
            Binding(str(n), f"jump({n - 1})", "Pane", key_display="1-5", show=n == 1,
                    id=f"editor.pane{n}")
            for n in range(1, 6)
        ],
        Binding("question_mark", "app.help", "Help", show=False, id="editor.help"),
    ]

    def __init__(self, session: Any, acct_id: str) -> None:
        super().__init__()
        self.session = session
        self.acct_id = acct_id
        self.original: Any = None  # the account as the server returned it
        self.edit: Any = None  # service.account_update.AccountEdit
        self.plan: Any = None
        self.sending = False
        self.outcome: Any = None
        self._leave_armed = False
        self._conflict_with: Any = None

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield Static("Edit account — loading…", id="editor-title")
        yield Static("", id="editor-status")
        with TabbedContent(id="editor-tabs"):
            with TabPane(PANE_TITLES[0], id="basics"):
                with VerticalScroll():
                    yield Static("Name")
                    name = Input(id="edit-name", select_on_focus=False)  # edit, not retype
                    name.cursor_blink = False
                    yield name
                    yield Static("", id="err-name", classes="field-error")
                    yield Checkbox("Deactivated (members cannot use the account)", id="edit-deactivated")
                    yield Static("", id="edit-readonly")
            with TabPane(PANE_TITLES[1], id="logo"):
                with VerticalScroll():
                    yield Static("", id="logo-current")
                    with RadioSet(id="logo-choice"):
                        yield RadioButton("Keep the current logo", value=True, id="logo-keep")
                        yield RadioButton("Replace it with a file", id="logo-replace")
                        yield RadioButton("Remove it", id="logo-remove")
                    path = Input(placeholder="PNG, JPEG or SVG file, at most 128 KiB", id="logo-path")
                    path.cursor_blink = False
                    yield path
                    yield Static("", id="err-custom_logo", classes="field-error")
            with TabPane(PANE_TITLES[2], id="auth"):
                with Vertical():
                    yield Static("The account's auth configs by id. a/o/c add · e or enter edits · "
                                 "t sets TLS of an OAuth config · x removes (again: restores). "
                                 "Secrets are never shown; they stay unchanged unless typed.",
                                 id="auth-help")
                    yield AuthList(id="auth-list")
                    yield Static("", id="auth-warnings", classes="field-error")
            with TabPane(PANE_TITLES[3], id="pcr"):
                with Vertical():
                    yield Static("Azure CVM PCR priority — K/J or shift+↑/↓ move the highlighted "
                                 "index, r resets to the server's order.", id="pcr-help")
                    yield Static("", id="err-azure_cvm_pcr_priority", classes="field-error")
            with TabPane(PANE_TITLES[4], id="review"):
                with VerticalScroll(id="review-body"):
                    yield Static("", id="review-changes")
                    yield Static("", id="review-warnings")
                    yield Static("", id="review-json")
                with Horizontal(id="review-buttons"):
                    yield Button("Send changes", id="send", variant="primary")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.load()

    # -- loading ---------------------------------------------------------------------------
    @work(exclusive=True, group="editor-load", exit_on_error=False)
    async def load(self, keep_edit: bool = False) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.account_update import edit_from_account, rebase_edit
        from ccm_tui.service.accounts import get_account

        self._set_status("Loading the account as the server holds it…")
        try:
            account = await get_account(self.session.client, self.acct_id, with_totals=False)
        except CcmError as exc:
            self._set_status(safe(f"Could not load the account: {describe_error(exc)} — "
                                  "press ctrl+l to retry"), error=True)
            return
        note = ""
        if keep_edit and self.original is not None and self.edit is not None:
            self._collect()
            self.edit, conflicts = rebase_edit(self.original, self.edit, account)
            note = ("Reloaded; your edits are re-applied" +
                    (f" except where the server changed them too: {', '.join(conflicts)}"
                     if conflicts else ""))
        else:
            self.edit = edit_from_account(account)
        self.original = account
        self._conflict_with = None
        self._fill()
        self._set_status(safe(note))

    def _fill(self) -> None:
        a, e = self.original, self.edit
        self.query_one("#editor-title", Static).update(
            safe_markup("Edit account [b]$name[/b]  ($id)", name=a.name or "", id=a.acct_id))
        self.query_one("#edit-name", Input).value = e.name
        self.query_one("#edit-deactivated", Checkbox).value = e.account_status == "Deactivated"
        enroll = getattr(a.node_enrollment, "attestation_enforcement_disabled_insecure", None)
        self.query_one("#edit-readonly", Static).update(safe(
            f"Component: {_text(a.component) or '—'} (read-only)\n"
            f"Node attestation: {'DISABLED (insecure)' if enroll else 'enforced'} (read-only)\n"
            "CCM's update request has neither field.", newlines=True))
        self._fill_logo()
        server_order = list(a.azure_cvm_pcr_priority or range(23))
        existing = self.query(PcrList)
        if existing:
            pcr_list = existing.first()
            pcr_list.order, pcr_list.server_order = list(e.azure_cvm_pcr_priority), server_order
            pcr_list.fill()
        else:
            pane = self.query_one("#pcr", TabPane).query_one(Vertical)
            pane.mount(PcrList(e.azure_cvm_pcr_priority, server_order, id="pcr-list"),
                       before="#err-azure_cvm_pcr_priority")
        self._fill_auth()
        self.query_one("#edit-name", Input).focus()

    def _fill_logo(self) -> None:
        from ccm_tui.widgets.account_view import logo_summary

        current = self.original.custom_logo
        self.query_one("#logo-current", Static).update(safe(
            f"Current logo: {logo_summary(current)}" if current else "Current logo: none"))

    # -- collecting ------------------------------------------------------------------------
    def _collect(self) -> None:
        """Copy the widgets' values into ``self.edit``."""
        if self.edit is None:
            return
        self.edit.name = self.query_one("#edit-name", Input).value
        self.edit.account_status = (
            "Deactivated" if self.query_one("#edit-deactivated", Checkbox).value else "Active")
        pcr = self.query(PcrList)
        if pcr:
            self.edit.azure_cvm_pcr_priority = list(pcr.first().order)
        self._collect_logo()

    def _collect_logo(self) -> None:
        from ccm_tui.files import read_logo_file

        err = self.query_one("#err-custom_logo", Static)
        err.update("")
        choice = self.query_one("#logo-choice", RadioSet).pressed_button
        chosen = choice.id if choice is not None else "logo-keep"
        if chosen == "logo-remove":
            self.edit.custom_logo = None
        elif chosen == "logo-replace":
            path = self.query_one("#logo-path", Input).value.strip()
            if not path:
                err.update("⚠ give the path of the new logo file, or keep the current logo")
                self.edit.custom_logo = self.original.custom_logo or None
                return
            try:
                self.edit.custom_logo, _info = read_logo_file(path)
            except ValueError as exc:
                err.update(safe(f"⚠ {exc}"))
                self.edit.custom_logo = self.original.custom_logo or None
        else:
            self.edit.custom_logo = self.original.custom_logo or None

    # -- review ----------------------------------------------------------------------------
    def _render_review(self) -> None:
        from ccm_tui.service.account_update import plan_update

        self._collect()
        plan = self.plan = plan_update(self.original, self.edit)
        for label in self.query(".field-error").results(Static):
            if label.id != "err-custom_logo":
                label.update("")
        changes = self.query_one("#review-changes", Static)
        send = self.query_one("#send", Button)
        if plan.errors:
            lines = ["Cannot send yet — fix these first:"]
            for e in plan.errors:
                lines.append(f"  ✗ {e.field}: {e.message}")
                target = self.query(f"#err-{e.field.split('[')[0].split('.')[0]}")
                if target:
                    target.first(Static).update(safe(f"⚠ {e.message}"))
            changes.update(safe("\n".join(lines), newlines=True))
            changes.set_class(True, "error")
        elif plan.request is None:
            changes.update("No change — there is nothing to send.")
            changes.set_class(False, "error")
        else:
            lines = ["What changes (before → after):"]
            for c in plan.changes:
                lines.append(f"  {c.field}: {_show(c.before)} → {_show(c.after)}")
            changes.update(safe("\n".join(lines), newlines=True))
            changes.set_class(False, "error")
        warns = "\n".join(f"⚠ {w}" for w in plan.warnings)
        self.query_one("#review-warnings", Static).update(safe(warns, newlines=True))
        body = plan.masked_json()
        self.query_one("#review-json", Static).update(safe(
            "AccountUpdateRequest to be sent (secrets masked):\n"
            + compact_json(body) if body else "", newlines=True))
        send.disabled = plan.request is None or self.sending

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "review" and self.original is not None:
            self._render_review()

    # -- actions ---------------------------------------------------------------------------
    def action_jump(self, index: int) -> None:
        self.query_one("#editor-tabs", TabbedContent).active = PANES[index]
        if PANES[index] == "review" and self.original is not None:
            self._render_review()  # also when Review is already showing
        self._focus_pane(PANES[index])

    def _focus_pane(self, pane: str) -> None:
        target = {"basics": "#edit-name", "logo": "#logo-choice", "pcr": "#pcr-list",
                  "auth": "#auth-list",
                  "review": "#send"}.get(pane)
        if target == "#send" and self.query_one("#send", Button).disabled:
            target = "#review-body"  # a disabled button cannot take the focus
        if target and self.query(target):
            self.query_one(target).focus()

    def action_next_pane(self) -> None:
        active = self.query_one("#editor-tabs", TabbedContent).active
        index = PANES.index(active) if active in PANES else -1
        self.action_jump((index + 1) % len(PANES))

    def action_review(self) -> None:
        self.action_jump(PANES.index("review"))

    def action_reload(self) -> None:
        self.load(keep_edit=True)

    def action_leave(self) -> None:
        if self.sending:
            return
        if self.edit is not None and self.outcome is None and not self._leave_armed:
            from ccm_tui.service.account_update import plan_update

            self._collect()
            if plan_update(self.original, self.edit).changes:
                self._leave_armed = True
                self.notify("Unsent changes — press escape again to discard them", timeout=4)
                return
        self.dismiss(self.outcome)

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        self._render_review()
        if self.plan is None or self.plan.request is None or self.sending:
            return
        self.sending = True
        self.query_one("#send", Button).disabled = True
        self.send()

    @work(exclusive=True, group="editor-send", exit_on_error=False)
    async def send(self) -> None:
        from ccm_tui.service.account_update import submit_update

        words = {"validating": "Checking…", "connecting": "Re-reading the account…",
                 "sending": "Sending…", "reconciling": "The answer was unclear — re-reading "
                 "the account to see whether the change is there…"}

        def phase(p: Any) -> None:
            if _text(p) in words:
                self._set_status(words[_text(p)])

        try:
            outcome = await submit_update(self.session.client, self.original, self.plan.request,
                                          on_phase=phase)
        finally:
            self.sending = False
        self._show_outcome(outcome)

    def _show_outcome(self, outcome: Any) -> None:
        from ccm_tui.screens.lifecycle import account_changed

        if outcome.state == "updated" and outcome.account is not None:
            self.outcome = outcome
            account_changed(self.app, outcome.account)
            self.notify(outcome.message, timeout=5)  # plain: CcmApp.notify shows it safely
            self.dismiss(outcome)
            return
        if outcome.state == "no_change":
            self._set_status(safe(outcome.message))
            return
        if outcome.state == "conflict":
            self._conflict_with = outcome.account
            self._set_status(safe(outcome.message + " — press ctrl+l to reload the editor with "
                                  "your edits re-applied"), error=True)
            return
        self._set_status(safe(outcome.message), error=True)
        if outcome.field:
            key = outcome.field.split("[")[0].split(".")[0]
            labels = self.query(f"#err-{key}")
            if labels:
                labels.first(Static).update(safe(f"⚠ {outcome.message}"))
                pane = {"name": "basics", "custom_logo": "logo",
                        "azure_cvm_pcr_priority": "pcr"}.get(key)
                if pane:
                    self.action_jump(PANES.index(pane))
        self.query_one("#send", Button).disabled = self.plan is None or self.plan.request is None

    def _set_status(self, content: Any, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(content)
        status.set_class(error, "error")

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            ("Review changes", "Before/after and the exact request", self.action_review),
            ("Reload account", "Read the account again; your edits are re-applied",
             self.action_reload),
        ]


def compact_json(body: Any) -> str:
    """Indented JSON with lists of numbers on one line (the PCR order is 23 numbers)."""
    import re

    text = json.dumps(body, indent=2, ensure_ascii=False)
    return re.sub(r"\[\s*((?:-?\d+,\s*)*-?\d+)\s*\]",
                  lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
