"""WizardScreen: the create-account wizard (Basics › Logo › Auth › TLS › Review › Submit).

The screen moves between panes, validates a step with the models when it is left forward,
autosaves the draft on every step change and submits through
``ccm_tui.service.accounts.create_account`` from a worker. Nothing the operator typed is
lost on any failure: the form lives in ``self.form`` until the account exists.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, ContentSwitcher, Footer, Input, Label, OptionList, RadioSet
from textual.worker import Worker, WorkerState

from ccm_tui.models.errors import FieldError
from ccm_tui.screens.wizard.form import (
    STEP_CHECKS,
    AuthEntry,
    WizardForm,
    build_request,
    step_of_field,
)
from ccm_tui.screens.wizard.ids import error_label_for
from ccm_tui.screens.wizard.modals import AuthEditor, ConfirmLeave, FilePicker, Relogin
from ccm_tui.screens.wizard.panes import (
    AuthPane,
    BasicsPane,
    LogoPane,
    Pane,
    ReviewPane,
    SubmitPane,
    TlsPane,
)
from ccm_tui.widgets.wizard_steps import StepIndicator

PANE_IDS = ("step-basics", "step-logo", "step-auth", "step-tls", "step-review", "step-submit")
BASICS, LOGO, AUTH, TLS, REVIEW, SUBMIT = range(6)
FOCUS_FIRST = {BASICS: "#name", LOGO: "#logo-path"}


def request_warnings(form: WizardForm, req: Any | None) -> list[str]:
    """Warnings (never blocking): from the models' warnings module when present, else local."""
    if req is not None:
        try:
            from ccm_tui.models.warnings import account_request_warnings
        except ImportError:
            pass
        else:
            return [f"{w.field}: {w.message}" if getattr(w, "field", "") else w.message
                    for w in account_request_warnings(req)]
    out: list[str] = []
    if form.auths and all(a.kind == "password" and a.administrators_only for a in form.auths):
        out.append(
            "auth_configs: only administrators can log in (every config is a password config "
            "with administrators_only); ordinary users will be locked out"
        )
    if form.disable_attestation:
        out.append("node_enrollment: attestation enforcement is disabled (insecure)")
    return out


class WizardScreen(Screen[None]):
    """Create an account step by step. ``WizardScreen(session, draft=None)``."""

    AUTO_FOCUS = None

    BINDINGS = [
        Binding("enter", "next", "Next", id="wizard.next"),
        Binding("escape", "back", "Back", id="wizard.back"),
        Binding("ctrl+o", "browse", "Browse", id="wizard.browse"),
        Binding("a", "add('password')", "Add password", id="wizard.add_password"),
        Binding("o", "add('oauth')", "Add OAuth", id="wizard.add_oauth"),
        Binding("c", "add('cluster_auth_ref')", "Add cluster ref", id="wizard.add_cluster_ref"),
        Binding("e", "edit", "Edit", id="wizard.edit"),
        Binding("x,delete", "remove", "Remove", id="wizard.remove"),
        Binding("y", "copy_json", "Copy JSON", id="wizard.copy_json"),
        *[
            Binding(str(n), f"jump({n - 1})", f"Step {n}", show=n == 1, id=f"wizard.jump{n}")
            for n in range(1, 6)
        ],
    ]

    class AccountCreated(Message):
        """Posted to every screen below the wizard when an account was created."""

        def __init__(self, account: Any) -> None:
            super().__init__()
            self.account = account

    def __init__(self, session: Any, draft: Any = None) -> None:
        super().__init__()
        self.session = session
        self.step = BASICS
        self.reached = BASICS
        self.pending_secrets: set[str] = set()
        self.form = WizardForm()
        if draft is not None:
            data = getattr(draft, "form", draft)
            self.form = WizardForm.from_draft(data if isinstance(data, dict) else {})
            asked = getattr(draft, "secrets_to_ask", None)
            if asked is None and isinstance(draft, dict):
                asked = draft.get("secrets_to_ask", [])
            self.pending_secrets = set(asked or [])
        self.auth_errors: dict[int, str] = {}
        self.in_flight = False
        self._submit_worker: Worker[Any] | None = None
        self._phases: list[list[Any]] = []  # [key, started, ended]
        self._ticker: Timer | None = None
        self._last_request: Any = None
        self.outcome: Any = None

    # ---- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        try:
            from ccm_tui.widgets.header import SessionHeader
        except ImportError:  # the console's header line is optional for the wizard
            pass
        else:
            yield SessionHeader(id="header")
        yield StepIndicator(id="wizard-steps")
        with ContentSwitcher(initial=PANE_IDS[0], id="wizard-switcher"):
            yield BasicsPane(id=PANE_IDS[BASICS])
            yield LogoPane(id=PANE_IDS[LOGO])
            yield AuthPane(id=PANE_IDS[AUTH])
            yield TlsPane(id=PANE_IDS[TLS])
            yield ReviewPane(id=PANE_IDS[REVIEW])
            yield SubmitPane(id=PANE_IDS[SUBMIT])
        yield Footer()

    def pane(self, step: int) -> Pane:
        return self.query_one(f"#{PANE_IDS[step]}", Pane)

    async def on_mount(self) -> None:
        from ccm_tui.screens.wizard.signals import install_draft_signal_handlers

        install_draft_signal_handlers(self.app)
        self.pane(BASICS).load(self.form)
        self.pane(LOGO).load(self.form)
        self._render_auth()
        if self.pending_secrets:
            self.notify(
                f"Draft resumed: {len(self.pending_secrets)} secret field(s) were not saved "
                "and must be entered again (steps 3 and 4).",
                timeout=6,
            )
        await self._show(BASICS)

    # ---- navigation ----------------------------------------------------------------------
    def _store_current(self) -> None:
        if self.step < REVIEW:
            self.pane(self.step).store(self.form)
        self._settle_pending()

    def _settle_pending(self) -> None:
        for i, a in enumerate(self.form.auths):
            sp = f"auth_configs[{i}].oauth.client_secret"
            if sp in self.pending_secrets and a.kind == "oauth" and a.oauth.client_secret:
                self.pending_secrets.discard(sp)
            kp = f"auth_configs[{i}].oauth.tls.required.client_key"
            t = a.oauth.tls
            if kp in self.pending_secrets and (t.client_key_path.strip() or not t.client_cert_path.strip()):
                self.pending_secrets.discard(kp)

    def _pending_errors(self, step: int) -> list[FieldError]:
        out = []
        for path in sorted(self.pending_secrets):
            if step == AUTH and path.endswith(".client_secret"):
                out.append(FieldError(path, "enter the client secret again (drafts never keep it); e edits"))
            if step == TLS and path.endswith(".client_key"):
                out.append(FieldError(path, "choose the client key file again (drafts never keep it), or clear the client certificate"))
        return out

    def validate_step(self, step: int) -> list[FieldError]:
        if step >= REVIEW:
            return []
        return self._pending_errors(step) + STEP_CHECKS[step](self.form)

    def show_errors(self, step: int, errors: list[FieldError]) -> None:
        pane = self.pane(step)
        pane.clear_errors()
        if step == AUTH:
            self.auth_errors = {}
            for err in errors:
                idx = _auth_index(err.field)
                if idx is not None:
                    self.auth_errors.setdefault(idx, err.message if err.message.split(" ")[0] in err.field else f"{err.field.split('.')[-1]}: {err.message}")
            self._render_auth()
            return
        first = None
        for err in errors:
            label = error_label_for(pane, err.field, err.message)
            if label is None:
                label = pane.query(".field-error").first(Label)
                text = f"⚠ {err}"
            else:
                text = f"⚠ {err.message}"
            previous = getattr(label, "text", "")
            label.update(f"{previous}\n{text}" if previous.strip() else text)
            first = first or label
        if first is not None:
            pane.scroll_to_widget(first, animate=False)

    async def _show(self, step: int) -> None:
        self.step = step
        self.reached = max(self.reached, step)
        if step == TLS:
            await self.pane(TLS).rebuild(self.form)
        if step == REVIEW:
            await self._rebuild_review()
        if step == AUTH:
            self._render_auth()
        self.query_one(ContentSwitcher).current = PANE_IDS[step]
        self.query_one(StepIndicator).set_step(step, self.reached)
        focus = FOCUS_FIRST.get(step)
        if focus:
            self.query_one(focus).focus()
        else:
            self.pane(step).focus()
        self.refresh_bindings()
        if step < SUBMIT:
            self.save_draft()

    async def go_forward(self) -> bool:
        """Validate the current step; advance if it is valid."""
        self._store_current()
        errors = self.validate_step(self.step)
        self.show_errors(self.step, errors)
        if errors:
            return False
        await self._show(self.step + 1)
        return True

    async def action_next(self) -> None:
        if self.in_flight or self.step == SUBMIT:
            return
        if self.step == REVIEW:
            self.start_submit()
            return
        await self.go_forward()

    async def action_back(self) -> None:
        if self.step == SUBMIT:
            if self.in_flight:
                self.cancel_submit()
            return
        self._store_current()
        if self.step == BASICS:
            self.save_draft()
            self.app.push_screen(ConfirmLeave(), self._leave_answer)
            return
        await self._show(self.step - 1)

    def _leave_answer(self, leave: bool | None) -> None:
        if leave:
            self.save_draft()
            self.dismiss(None)

    async def action_jump(self, step: int) -> None:
        if self.in_flight or step == self.step:
            return
        self._store_current()
        if step < self.step:
            await self._show(step)
            return
        while self.step < step:
            if not await self.go_forward():
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step_only = {
            "add": AUTH,
            "edit": AUTH,
            "remove": AUTH,
            "copy_json": REVIEW,
        }
        if action in step_only:
            return self.step == step_only[action]
        if action == "browse":
            return self.step in (LOGO, TLS)
        if action == "jump":
            return self.step < SUBMIT
        if action == "next":
            return not self.in_flight
        return True

    # ---- events from the panes -----------------------------------------------------------
    @on(Input.Submitted)
    async def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.step == LOGO:
            self.pane(LOGO).show_info(event.value, report=True)
        await self.action_next()

    @on(Input.Changed, "#logo-path")
    def _logo_changed(self, event: Input.Changed) -> None:
        self.pane(LOGO).show_info(event.value)

    @on(Input.Changed)
    def _tls_path_changed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident.startswith("tls") and (ident.endswith("-pinned") or ident.endswith("-cert")):
            self.pane(TLS).show_cert_info(int(ident[3:].split("-")[0]))

    @on(RadioSet.Changed)
    def _radio_changed(self, event: RadioSet.Changed) -> None:
        ident = event.radio_set.id or ""
        if ident.startswith("tls"):
            self.pane(TLS).sync_enabled(int(ident[3:].split("-")[0]))

    @on(Button.Pressed, "#browse-logo")
    def _browse_button(self) -> None:
        self.action_browse()

    @on(OptionList.OptionSelected, "#auth-list")
    def _auth_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Checkbox.Changed)
    def _checkbox(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "disable-attestation" and event.value:
            self.query_one("#confirm", Input).focus()

    # ---- file picking ----------------------------------------------------------------------
    def action_browse(self) -> None:
        target: Input | None = None
        focused = self.focused
        if self.step == LOGO:
            target = self.query_one("#logo-path", Input)
        elif isinstance(focused, Input) and (focused.id or "").startswith("tls"):
            target = focused
        if target is None:
            self.notify("Move to a file field first (pinned CA, client certificate or key).")
            return

        def picked(path: str | None) -> None:
            if not path or target is None:
                return
            if (target.id or "").endswith("-pinned") and target.value.strip():
                target.value = f"{target.value.rstrip(', ')}, {path}"
            else:
                target.value = path
            target.focus()

        start = target.value.split(",")[-1].strip()
        self.app.push_screen(FilePicker(start, "Choose a file"), picked)

    # ---- auth configs ----------------------------------------------------------------------
    def _render_auth(self) -> None:
        pane = self.pane(AUTH)
        pane.render_list(self.form, self.auth_errors)
        warnings = request_warnings(self.form, None)
        pane.query_one("#auth-warnings").update("\n".join(f"⚠ {w}" for w in warnings if w.startswith("auth")))

    def action_add(self, kind: str) -> None:
        def done(entry: AuthEntry | None) -> None:
            if entry is not None:
                self.form.auths.append(entry)
                self.auth_errors.pop(len(self.form.auths) - 1, None)
                self._render_auth()
                self.query_one("#auth-list", OptionList).highlighted = len(self.form.auths) - 1
                self.save_draft()

        self.app.push_screen(AuthEditor(AuthEntry(kind=kind)), done)

    def action_edit(self) -> None:
        idx = self.pane(AUTH).selected_index(self.form)
        if idx is None:
            self.notify("No auth config to edit: press a, o or c to add one.")
            return
        pending = f"auth_configs[{idx}].oauth.client_secret" in self.pending_secrets

        def done(entry: AuthEntry | None) -> None:
            if entry is not None:
                self.form.auths[idx] = entry
                self.auth_errors.pop(idx, None)
                self._settle_pending()
                self._render_auth()
                self.save_draft()

        self.app.push_screen(AuthEditor(self.form.auths[idx], pending_secret=pending), done)

    def action_remove(self) -> None:
        idx = self.pane(AUTH).selected_index(self.form)
        if idx is None:
            return
        del self.form.auths[idx]
        # pending secrets and errors are indexed: shift the ones after idx
        self.pending_secrets = {_shift(p, idx) for p in self.pending_secrets if _auth_index(p) != idx}
        self.auth_errors = {}
        self._render_auth()
        self.save_draft()

    def action_copy_json(self) -> None:
        req, _ = build_request(self.form)
        if req is not None:
            import json

            self.app.copy_to_clipboard(json.dumps(req.masked_body(), indent=2))
            self.notify("Request JSON copied (secrets masked).")

    # ---- review ----------------------------------------------------------------------------
    async def _rebuild_review(self, server_error: FieldError | None = None) -> None:
        req, errors = build_request(self.form)
        self._last_request = req
        body = req.masked_body() if req is not None else None
        pane = self.pane(REVIEW)
        await pane.rebuild(self.form, body, request_warnings(self.form, req))
        if errors:
            self.show_errors(REVIEW, errors)
        if server_error is not None:
            banner = pane.query_one("#review-error", Label)
            label = error_label_for(pane, server_error.field) if server_error.field else None
            if label is not None and label is not banner:
                label.update(f"⚠ {server_error.message}")
                banner.update("⚠ Not created: the server's message is shown beside the field below.")
            else:
                banner.update(f"⚠ {server_error.message}")

    # ---- submit ----------------------------------------------------------------------------
    def start_submit(self) -> None:
        self._store_current()
        req, errors = build_request(self.form)
        if req is None:
            self.show_errors(REVIEW, errors)
            return
        # No draft write here: the draft was saved on reaching Review (the form cannot change
        # on Review), and a synchronous write + fsync would delay the POST. SIGHUP/SIGTERM
        # during the request still save it (signals.py).
        self.in_flight = True
        self._phases = []
        # The request goes first; the submit step is painted once it is on its way (phase
        # "waiting") or after 0.1 s, whichever comes first. Switching panes first cost a
        # layout and a frame (~15 ms) before the POST left. Keys act on the submit step
        # from now on (Escape cancels), whatever is painted.
        self.step = SUBMIT
        self._start_ticker()
        self._render_submit("Creating the account…")
        self._submit_worker = self._submit(req)
        self.set_timer(0.1, self._show_submit_pane)

    async def _enter_submit(self) -> None:
        self.step = SUBMIT
        self._show_submit_pane()
        self._start_ticker()
        self._render_submit("Creating the account…")

    def _show_submit_pane(self) -> None:
        """Paint the submit step (once per submit; nothing once the request is over)."""
        if not self.is_mounted or self.step != SUBMIT or not self.in_flight:
            return
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == PANE_IDS[SUBMIT]:
            return
        switcher.current = PANE_IDS[SUBMIT]
        self.query_one(StepIndicator).set_step(SUBMIT, SUBMIT)
        self.pane(SUBMIT).focus()
        self.refresh_bindings()

    def _start_ticker(self) -> None:
        # Elapsed times tick once a second while a slow request is in flight: phase changes
        # repaint at once anyway, and a fast ticker costs bytes over SSH and competes with the
        # answer's handling (at 0.2 s it fired just as a 200 ms answer arrived).
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _tick(self) -> None:
        self._render_submit(None)

    def on_phase(self, phase: Any) -> None:
        key = str(getattr(phase, "value", phase)).lower()
        now = time.monotonic()
        if self._phases and self._phases[-1][2] is None:
            self._phases[-1][2] = now
        if key != "done":
            self._phases.append([key, now, None])
        self._render_submit(None)
        if key in ("waiting", "reconciling"):
            self._show_submit_pane()  # the request is out (or being checked): show progress
        if key == "waiting":
            self.call_later(_warm_details_import)  # while the server works, not after

    def _render_submit(self, status: str | None) -> None:
        if not self.is_mounted:
            return
        pane = self.pane(SUBMIT)
        now = time.monotonic()
        rows = [
            (k, (end or now) - start, end is None and self.in_flight) for k, start, end in self._phases
        ]
        current = status if status is not None else str(pane.query_one("#submit-status").render())
        pane.show(f"Creating account {self.form.name.strip()!r}", rows, current)

    @work(exclusive=True, group="wizard-submit", exit_on_error=False)
    async def _submit(self, req: Any) -> None:
        from ccm_tui.service.accounts import create_account

        outcome = await create_account(self.session.client, req, on_phase=self.on_phase)
        self.in_flight = False
        await self.handle_outcome(outcome)

    def cancel_submit(self) -> None:
        if self._submit_worker is not None:
            self._submit_worker.cancel()
        self.in_flight = True  # still busy: reconciling
        self._show_submit_pane()
        self.on_phase("reconciling")
        self._render_submit("Cancelled — checking whether the server created the account…")
        self._reconcile_after_cancel()

    @work(exclusive=True, group="wizard-reconcile", exit_on_error=False)
    async def _reconcile_after_cancel(self) -> None:
        from ccm_tui.service.accounts import reconcile_create

        try:
            account = await reconcile_create(self.session.client, self.form.name.strip())
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            self.in_flight = False
            await self.back_to_review(
                FieldError("", f"Cancelled. Could not tell whether the account was created ({exc}); "
                               "check the accounts list before trying again.")
            )
            return
        self.in_flight = False
        if account is not None:
            self.account_created(account, note="(the request had reached the server before you cancelled)")
        else:
            await self.back_to_review(FieldError("", "Cancelled; the account was not created. Enter submits again."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group in ("wizard-submit", "wizard-relogin") and event.state == WorkerState.ERROR:
            self.in_flight = False
            err = event.worker.error
            self.call_later(self.back_to_review, FieldError("", f"Submit failed unexpectedly: {type(err).__name__}: {err}"))

    async def handle_outcome(self, outcome: Any) -> None:
        from ccm_tui.api.errors import AuthRequired, NameTaken, PermissionDenied

        self.outcome = outcome
        self._stop_ticker()
        error = getattr(outcome, "error", None)
        message = getattr(outcome, "message", "") or (str(error) if error else "")
        if outcome.state == "created" and outcome.account is not None:
            self.account_created(outcome.account)
            return
        if isinstance(error, AuthRequired) and outcome.state != "unknown":
            self.app.push_screen(Relogin(self._email()), self._relogin_answer)
            return
        if isinstance(error, NameTaken) or (outcome.field == "name" and "taken" in message.lower()):
            await self.back_to_basics_name(message)
            return
        if isinstance(error, PermissionDenied):
            status = getattr(error, "status", 403)
            text = message if "role does not allow" in message else f"your role does not allow this (HTTP {status}): {message}"
            await self.back_to_review(FieldError("", text))
            return
        if outcome.state == "unknown":
            await self.back_to_review(FieldError("", f"Could not tell whether the account was created: {message}"))
            return
        await self.back_to_review(FieldError(outcome.field or "", message or "the account was not created"))

    async def back_to_review(self, err: FieldError) -> None:
        self._stop_ticker()
        self.in_flight = False
        await self._rebuild_review(server_error=err)
        self.step = REVIEW
        self.query_one(ContentSwitcher).current = PANE_IDS[REVIEW]
        self.query_one(StepIndicator).set_step(REVIEW, self.reached)
        self.pane(REVIEW).focus()
        self.refresh_bindings()

    async def back_to_basics_name(self, message: str) -> None:
        self._stop_ticker()
        self.in_flight = False
        await self._show(BASICS)
        self.show_errors(BASICS, [FieldError("name", message or "this name is already taken")])

    def _email(self) -> str | None:
        settings = getattr(self.session, "settings", None)
        return getattr(settings, "email", None)

    def _relogin_answer(self, password: str | None) -> None:
        if not password:
            self.call_later(self.back_to_review, FieldError("", "Session expired; the account was not created. Enter submits again after logging in."))
            return
        self.in_flight = True
        self.call_later(self._enter_submit)
        self._relogin_and_continue(password)

    @work(exclusive=True, group="wizard-relogin", exit_on_error=False)
    async def _relogin_and_continue(self, password: str) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.accounts import reconcile_create

        client = self.session.client
        try:
            await client.login(self._email() or "", password)
        except CcmError as exc:
            self.in_flight = False
            self.app.push_screen(Relogin(self._email(), f"⚠ {exc}"), self._relogin_answer)
            return
        self.on_phase("reconciling")
        account = await reconcile_create(client, self.form.name.strip())
        if account is not None:
            self.in_flight = False
            self.account_created(account)
            return
        req, errors = build_request(self.form)
        if req is None:
            self.in_flight = False
            await self.back_to_review(FieldError("", "; ".join(str(e) for e in errors)))
            return
        self._submit_worker = self._submit(req)

    def account_created(self, account: Any, note: str = "") -> None:
        from ccm_tui.service.drafts import discard_draft

        self._stop_ticker()
        self.in_flight = False
        discard_draft()
        name = getattr(account, "name", None) or self.form.name.strip()
        self.notify(f"Account {name!r} created {note}".strip())
        for screen in self.app.screen_stack:
            if screen is not self:
                screen.post_message(self.AccountCreated(account))
        try:
            from ccm_tui.screens.details import AccountDetailsScreen
        except ImportError:
            self.dismiss(None)
            return
        self.app.switch_screen(AccountDetailsScreen(self.session, account))

    # ---- drafts ----------------------------------------------------------------------------
    def save_draft(self) -> None:
        """Write the non-secret fields to the draft file (called on every step change)."""
        from ccm_tui.service.drafts import save_draft

        if self.is_mounted and self.step < REVIEW:
            try:
                self.pane(self.step).store(self.form)
            except Exception:  # noqa: BLE001 - a half-built pane must not stop a save
                pass
        data = self.form.to_draft()
        data["secrets_to_ask"] = sorted(set(data["secrets_to_ask"]) | self.pending_secrets)
        settings = getattr(self.session, "settings", None)
        try:
            save_draft(data, server=getattr(settings, "url", None), step=min(self.step, REVIEW))
        except OSError as exc:
            self.notify(f"Could not save the draft: {exc}", severity="warning")


def _warm_details_import() -> None:
    """Import the details screen (shown on success) during the wait for the answer: on the
    first submit of a session the import otherwise comes after the answer."""
    try:
        import ccm_tui.screens.details  # noqa: F401
    except ImportError:
        pass


def _auth_index(path: str) -> int | None:
    if path.startswith("auth_configs["):
        try:
            return int(path[len("auth_configs["):].split("]", 1)[0])
        except ValueError:
            return None
    return None


def _shift(path: str, removed: int) -> str:
    idx = _auth_index(path)
    if idx is None or idx < removed:
        return path
    return path.replace(f"auth_configs[{idx}]", f"auth_configs[{idx - 1}]", 1)
