"""Dialogs of the Members screen: invite / change roles (form → review → send with live
status), a yes/no confirmation, and a member's details. No HTTP here: the Members screen
passes the service call to run (``send``) and gets the outcome back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from ccm_tui.safetext import json_text, visible
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.inputs import QuietInput
from ccm_tui.widgets.safe import safe, safe_markup

ROLE_ORDER = ("MANAGER", "WRITER", "READER")
PHASE_TEXT = {
    "sending": "Sending…",
    "waiting": "Sent; waiting for the server…",
    "checking": "The answer was unclear — checking the member list (nothing is sent twice)…",
}

SendFn = Callable[[Any, Callable[[str], None]], Awaitable[Any]]


class RolesDialog(ModalScreen[Any]):
    """Invite someone (``member=None``) or change a member's roles.

    Form: email (invite only), the roles as a checklist with what each may do, optional
    names (invite only). ``ctrl+o`` (or Enter in a field, or Review) checks the input
    with the request models and shows the exact request body; ``ctrl+o`` again (or Send)
    sends it through ``send(request, on_phase)``, which returns a MemberOutcome. The dialog
    closes with the outcome (None when cancelled)."""

    BINDINGS = [
        Binding("escape", "back", "Back / cancel", id="members.dialog.back"),
        Binding("ctrl+o", "next", "Review / send", id="members.dialog.next"),
    ]

    def __init__(self, *, account_name: str, send: SendFn, member: Any = None,
                 role_help: dict[str, str] | None = None) -> None:
        super().__init__()
        self.account_name = account_name
        self.send = send
        self.member = member  # a MemberRow when changing roles
        self.role_help = role_help or {}
        self.request: Any = None
        self.stage = "form"
        self.outcome: Any = None

    @property
    def inviting(self) -> bool:
        return self.member is None

    def compose(self) -> ComposeResult:
        with Vertical(id="members-dialog", classes="members-dialog"):
            if self.inviting:
                yield Static(safe_markup("[b]Invite a member to $account[/b]",
                                         account=self.account_name), classes="dialog-title")
            else:
                yield Static(safe_markup("[b]Roles of $who[/b] in $account",
                                         who=self.member.display, account=self.account_name),
                             classes="dialog-title")
            with Vertical(id="dialog-form"):
                if self.inviting:
                    yield Label("Email")
                    yield QuietInput(placeholder="name@example.com", id="invite-email")
                yield Label("Roles (space toggles)")
                current = set(self.member.roles) if self.member is not None else set()
                for role in ROLE_ORDER:
                    yield Checkbox(f"{role:<8} {self.role_help.get(role, '')}", role in current,
                                   id=f"role-{role}", classes="role-box")
                if self.inviting:
                    with Horizontal(id="invite-names"):
                        with Vertical():
                            yield Label("First name (optional)")
                            yield QuietInput(id="invite-first")
                        with Vertical():
                            yield Label("Last name (optional)")
                            yield QuietInput(id="invite-last")
            with VerticalScroll(id="dialog-review"):
                yield Static("", id="review-text")
            yield Static("", id="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Back", id="dialog-back")
                yield Button("Review", id="dialog-next", variant="primary")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-review").display = False
        self.query_one("#dialog-status").display = False
        first = "#invite-email" if self.inviting else f"#role-{ROLE_ORDER[0]}"
        self.query_one(first).focus()

    # -- form ----------------------------------------------------------------------------
    def _roles(self) -> list[str]:
        return [r for r in ROLE_ORDER if self.query_one(f"#role-{r}", Checkbox).value]

    def _status(self, text: Any, *, error: bool = False) -> None:
        status = self.query_one("#dialog-status", Static)
        status.update(text)
        status.display = bool(str(text))
        status.set_class(error, "error")

    def build_request(self) -> Any:
        """The request model from the form, or None (with the problem shown, field named)."""
        from pydantic import ValidationError

        from ccm_tui.models import AccessRoles, InviteUserRequest, UpdateUserRequest, field_errors

        roles = self._roles()
        try:
            if self.inviting:
                body: dict[str, Any] = {"user_email": self.query_one("#invite-email", QuietInput).value,
                                        "roles": roles}
                for key, wid in (("first_name", "#invite-first"), ("last_name", "#invite-last")):
                    value = self.query_one(wid, QuietInput).value
                    if value.strip():
                        body[key] = value
                return InviteUserRequest(**body)
            return UpdateUserRequest(roles=[AccessRoles(r) for r in roles])
        except ValidationError as exc:
            lines = [str(e) for e in field_errors(exc)]
            self._status(safe("\n".join(lines) or "invalid input", newlines=True), error=True)
            return None

    def _review(self) -> None:
        req = self.build_request()
        if req is None:
            return
        if not self.inviting and tuple(req.roles) == tuple(self.member.roles):
            self._status(safe(f"{self.member.display} already has {', '.join(self.member.roles)}"),
                         error=True)
            return
        self.request = req
        self.stage = "review"
        # The body keeps its line breaks: it is made visible as a whole (newlines kept),
        # then appended to our own markup (never interpolated into it).
        body = safe(json_text(req.masked_body()), newlines=True)
        if self.inviting:
            head = safe_markup("[b]Review[/b] — POST /v1/users/invite ($account)\n\n",
                               account=self.account_name)
        else:
            before = ", ".join(self.member.roles) or "no role"
            after = ", ".join(req.roles)
            head = safe_markup("[b]Review[/b] — PATCH /v1/users/$uid\n\n"
                               "roles: [b]$before[/b] → [b]$after[/b]\n\n",
                               uid=self.member.user_id, before=before, after=after)
        text = head + body + "\n\nctrl+o or Send sends it; escape goes back."
        self.query_one("#review-text", Static).update(text)
        self.query_one("#dialog-form").display = False
        self.query_one("#dialog-review").display = True
        self._status("")
        button = self.query_one("#dialog-next", Button)
        button.label = "Send"
        button.focus()

    def _back_to_form(self) -> None:
        self.stage = "form"
        self.query_one("#dialog-review").display = False
        self.query_one("#dialog-form").display = True
        self.query_one("#dialog-next", Button).label = "Review"
        self._status("")

    # -- actions -------------------------------------------------------------------------
    def action_next(self) -> None:
        if self.stage == "form":
            self._review()
        elif self.stage == "review":
            self.stage = "sending"
            self.query_one("#dialog-next", Button).disabled = True
            self.query_one("#dialog-back", Button).disabled = True
            self._send()

    def action_back(self) -> None:
        if self.stage == "review":
            self._back_to_form()
        elif self.stage == "form":
            self.dismiss(None)
        elif self.stage == "done":
            self.dismiss(self.outcome)

    @on(Button.Pressed, "#dialog-next")
    def _next_pressed(self) -> None:
        if self.stage == "done":
            self.dismiss(self.outcome)
        else:
            self.action_next()

    @on(Button.Pressed, "#dialog-back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(QuietInput.Submitted)
    def _field_submitted(self) -> None:
        self.action_next()

    def on_worker_state_changed(self, event: Any) -> None:
        """A send that failed in an unexpected way: say so in the dialog, never hang."""
        from ccm_tui.screens.base import describe_error, report_worker_failure

        if report_worker_failure(self, event) and self.stage == "sending":
            self.stage = "done"
            self._status(safe(f"not sent or unknown — {describe_error(event.worker.error)}; "
                              "refresh the member list before trying again"), error=True)
            button = self.query_one("#dialog-next", Button)
            button.label = "Close"
            button.disabled = False
            button.focus()

    @work(exclusive=True, group="members-dialog-send", exit_on_error=False)
    async def _send(self) -> None:
        def on_phase(phase: str) -> None:
            self._status(PHASE_TEXT.get(phase, phase))

        on_phase("sending")
        outcome = await self.send(self.request, on_phase)
        self.outcome = outcome
        if outcome.state == "needs_confirmation":
            self.dismiss(outcome)  # nothing was sent: the Members screen asks, then sends
            return
        self.stage = "done"
        self._status(safe(outcome.message), error=not outcome.ok)
        button = self.query_one("#dialog-next", Button)
        button.label = "Close"
        button.disabled = False
        button.focus()
        if outcome.ok:
            self.dismiss(outcome)


class ConfirmDialog(ModalScreen[bool]):
    """Yes / no. ``message`` is Content (built with safe_markup by the caller)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="members.confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="members.confirm.no"),
    ]

    def __init__(self, title: str, message: Any, *, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="members-confirm", classes="members-dialog small"):
            yield Static(safe_markup("[b]$title[/b]", title=self.title_text), classes="dialog-title")
            yield Static(self.message, id="confirm-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("No", id="confirm-no")
                yield Button(self.yes, id="confirm-yes", variant="error")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)


class MemberDetails(ModalScreen[str | None]):
    """Every field of one member; e / d / ctrl+d close it and start that action."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="members.details.back"),
        Binding("e", "pick('edit')", "Change roles", id="members.details.edit"),
        Binding("d", "pick('toggle')", "Disable/enable", id="members.details.toggle"),
        Binding("ctrl+d", "pick('remove')", "Remove", id="members.details.remove"),
    ]

    def __init__(self, row: Any) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        r = self.row
        lines = [
            ("Name", r.name or "—"), ("Email", r.email), ("User id", r.user_id),
            ("Roles", ", ".join(r.roles) or "—"),
            ("Membership", f"{r.status} ({r.status_text})" if r.status else "—"),
            ("Email verified", r.verified_text or "—"), ("Last login", r.last_login_local),
        ]
        raw = r.user.raw()
        from ccm_tui.service.members import local_time

        lines.append(("Created", local_time(r.created_at, never="—")))
        if raw.get("new_email"):
            lines.append(("New email (unconfirmed)", raw["new_email"]))
        width = max(len(k) for k, _ in lines)
        # each value made visible on its own, so a newline in a server string stays on its line
        text = "\n".join(f"{k.ljust(width)}  {visible(v)}" for k, v in lines)
        with Vertical(id="member-details", classes="members-dialog"):
            title = "$who (you)" if r.is_me else "$who"
            yield Static(safe_markup(f"[b]{title}[/b]", who=r.display), classes="dialog-title")
            with VerticalScroll():
                yield Static(safe(text, newlines=True), id="member-fields")
                yield Static(safe(json_text(raw), newlines=True), id="member-json")
        yield QuietFooter()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_pick(self, what: str) -> None:
        self.dismiss(what)
