"""WizardScreen: the create-account wizard (Basics › Logo › Auth › TLS › Review › Submit).

The screen moves between panes, validates a step with the models when it is left forward,
autosaves the draft on every step change and submits through
``ccm_tui.service.accounts.create_account`` from a worker. Nothing the operator typed is
lost on any failure: the form lives in ``self.form`` until the account exists.

This module holds the layout, navigation, the panes' events, file picking and draft saving;
the screen's other parts are mixins: ``submit.SubmitMixin`` (submit, cancel, outcome,
re-login, account created), ``auth_editing.AuthEditingMixin`` (the Auth step's add, edit and
remove), ``review.ReviewMixin`` (the Review step) and ``previews.PreviewMixin`` (logo and
certificate previews, debounced, off the event loop). Step numbers and pane ids: ``steps``.

No file is read or written on the event loop here: a draft save takes a snapshot of the
form at once and writes it from a thread through ``service.drafts.WRITER`` (in order,
newest last); leaving the wizard waits for the write without blocking keystrokes, and an
exiting app finishes a write in flight before it goes (``on_unmount``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, Input, Label, OptionList, RadioSet
from textual.worker import Worker

from ccm_tui.models.errors import FieldError
from ccm_tui.screens.wizard.auth_editing import AuthEditingMixin, auth_index
from ccm_tui.service.account_form import STEP_CHECKS, WizardForm
from ccm_tui.screens.wizard.ids import error_label_for, focus_first_error
from ccm_tui.screens.wizard.modals import ConfirmLeave, FilePicker, picker_start
from ccm_tui.screens.wizard.panes import (
    AuthPane,
    BasicsPane,
    LogoPane,
    Pane,
    ReviewPane,
    SubmitPane,
    TlsPane,
)
from ccm_tui.screens.wizard.previews import LOGO_TARGET, PreviewMixin
from ccm_tui.screens.wizard.review import (
    ReviewMixin,
    request_warnings,  # noqa: F401 - still importable from here
)
from ccm_tui.screens.wizard.steps import (
    AUTH,
    BASICS,
    FOCUS_FIRST,
    LOGO,
    PANE_IDS,
    REVIEW,
    SUBMIT,
    TLS,
)
from ccm_tui.screens.wizard.submit import SubmitMixin
from ccm_tui.widgets.toggles import Checkbox
from ccm_tui.widgets.wizard_steps import StepIndicator
from ccm_tui.widgets.footer import QuietFooter


#: Seconds leaving the wizard waits for the draft to be on disk (then it leaves anyway; the
#: write goes on in its thread and an exiting app still waits for it).
LEAVE_WAIT = 5.0


class WizardScreen(SubmitMixin, AuthEditingMixin, ReviewMixin, PreviewMixin, Screen[None]):
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
        self._confirming = False  # checking the list after a cancelled submit
        self._confirm_worker: Worker[Any] | None = None
        self._submit_worker: Worker[Any] | None = None
        self._phases: list[list[Any]] = []  # [key, started, ended]
        self._ticker: Timer | None = None
        self._last_request: Any = None
        self.outcome: Any = None
        self._previews_wanted: set[str] = set()

    # ---- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        from ccm_tui.widgets.header import SessionHeader

        yield SessionHeader(id="header")
        yield StepIndicator(id="wizard-steps")
        with ContentSwitcher(initial=PANE_IDS[0], id="wizard-switcher"):
            yield BasicsPane(id=PANE_IDS[BASICS])
            yield LogoPane(id=PANE_IDS[LOGO])
            yield AuthPane(id=PANE_IDS[AUTH])
            yield TlsPane(id=PANE_IDS[TLS])
            yield ReviewPane(id=PANE_IDS[REVIEW])
            yield SubmitPane(id=PANE_IDS[SUBMIT])
        yield QuietFooter()

    def pane(self, step: int) -> Pane:
        return self.query_one(f"#{PANE_IDS[step]}", Pane)

    async def on_mount(self) -> None:
        self.pane(BASICS).load(self.form)
        self.pane(LOGO).load(self.form)
        if self.form.logo_path.strip():
            self.request_preview(LOGO_TARGET)
        self._render_auth()
        if self.pending_secrets:
            self.notify(
                f"Draft resumed: {len(self.pending_secrets)} secret field(s) were not saved "
                "and must be entered again (steps 3 and 4).",
                timeout=6,
            )
        await self._show(BASICS)
        # The checks' models (pydantic) are imported once this first frame is out, in a
        # thread: the first Enter finds them there (or waits for the rest of that import).
        self.call_after_refresh(self._import_models)

    def _import_models(self) -> None:
        from ccm_tui.service.account_form import import_models

        self.run_worker(import_models, thread=True, group="wizard-models",
                        exit_on_error=False)

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

    async def validate_step(self, step: int) -> list[FieldError]:
        if step >= REVIEW:
            return []
        pending = self._pending_errors(step)
        check = STEP_CHECKS[step]
        if step in (LOGO, TLS):  # these read the operator's files: in a thread, off the loop
            return pending + await asyncio.to_thread(check, self.form)
        return pending + check(self.form)

    def show_errors(self, step: int, errors: list[FieldError]) -> None:
        pane = self.pane(step)
        pane.clear_errors()
        if step == AUTH:
            self.auth_errors = {}
            for err in errors:
                idx = auth_index(err.field)
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
            focus_first_error(pane)  # the first field in error gets focus, in view

    async def _show(self, step: int) -> None:
        self.step = step
        self.reached = max(self.reached, step)
        if step == TLS:
            await self.query_one(TlsPane).rebuild(self.form)
            for i in self.form.oauth_indexes:
                self.request_preview(f"tls{i}")
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
        errors = await self.validate_step(self.step)
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
            if self.form.is_empty():  # nothing typed or chosen: nothing to keep or to ask
                self.dismiss(None)
                return
            self.save_draft()
            self.app.push_screen(ConfirmLeave(), self._leave_answer)
            return
        await self._show(self.step - 1)

    def _leave_answer(self, leave: bool | None) -> None:
        if leave:
            self.save_draft()
            self._leave_when_saved()

    @work(exclusive=True, group="wizard-leave", exit_on_error=False)
    async def _leave_when_saved(self) -> None:
        """Leave once the draft is on disk (the list's "n" then offers it), at most
        LEAVE_WAIT seconds: keys are handled meanwhile, and a hung disk never traps the
        operator in the wizard."""
        await self.draft_written(LEAVE_WAIT)
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
        # On Logo, leaving the step checks the file and shows why it cannot be used.
        await self.action_next()

    @on(Input.Changed, "#logo-path")
    def _logo_changed(self, event: Input.Changed) -> None:
        self.request_preview(LOGO_TARGET)

    @on(Input.Changed)
    def _tls_path_changed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident.startswith("tls") and (ident.endswith("-pinned") or ident.endswith("-cert")):
            self.request_preview(f"tls{ident[3:].split('-')[0]}")

    @on(RadioSet.Changed)
    def _radio_changed(self, event: RadioSet.Changed) -> None:
        ident = event.radio_set.id or ""
        if ident.startswith("tls"):
            self.query_one(TlsPane).sync_enabled(int(ident[3:].split("-")[0]))

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

        self._open_picker(target.value.split(",")[-1].strip(), picked)

    @work(exclusive=True, group="wizard-browse", exit_on_error=False)
    async def _open_picker(self, start: str, picked: Any) -> None:
        """Find the folder to open in a thread (a stat of a typed path can hang on a dead
        network mount), then show the picker."""
        folder = await asyncio.to_thread(picker_start, start)
        self.app.push_screen(FilePicker(folder, "Choose a file"), picked)

    # ---- drafts ----------------------------------------------------------------------------
    def keep_work_before_exit(self) -> bool:
        """SIGHUP/SIGTERM or an internal error is ending the app (``screens/exit_signals.py``):
        the draft is written now, synchronously. True when there was something to keep."""
        self.save_draft_now()
        return not self.form.is_empty()

    def _stage_draft(self) -> bool:
        """Snapshot the non-secret fields for the next draft write (no I/O). False when
        there is nothing to keep."""
        from ccm_tui.service.drafts import WRITER

        if self.is_mounted and self.step < REVIEW:
            try:
                self.pane(self.step).store(self.form)
            except Exception:  # noqa: BLE001 - a half-built pane must not stop a save
                pass
        if self.form.is_empty():
            return False  # an empty wizard never overwrites a saved draft (nor writes one)
        data = self.form.to_draft()
        data["secrets_to_ask"] = sorted(set(data["secrets_to_ask"]) | self.pending_secrets)
        settings = getattr(self.session, "settings", None)
        WRITER.stage(data, server=getattr(settings, "url", None), step=min(self.step, REVIEW))
        return True

    def save_draft(self) -> None:
        """Save the non-secret fields as the draft (called on every step change): the
        snapshot is taken now, the file is written from a thread (write + fsync never
        delay a keystroke), in order."""
        if self._stage_draft():
            self._write_draft()

    def save_draft_now(self) -> None:
        """Save the draft before this call returns (blocking): for the last moments of the
        process only (SIGHUP/SIGTERM, an internal error), when no keystroke is coming."""
        from ccm_tui.service.drafts import WRITER

        self._stage_draft()
        try:
            WRITER.flush()
        except OSError:
            pass  # the process is going away; nothing left to tell the operator with

    @work(group="wizard-draft", exit_on_error=False)
    async def _write_draft(self) -> None:
        await self.draft_written()

    async def draft_written(self, timeout: float | None = None) -> bool:
        """Wait (without blocking the loop) until every draft staged so far is on disk;
        False when ``timeout`` passed first (the write goes on). A failed write is said."""
        from ccm_tui.service.drafts import WRITER

        task = asyncio.ensure_future(asyncio.to_thread(WRITER.flush))
        task.add_done_callback(self._draft_outcome)
        done, _ = await asyncio.wait({task}, timeout=timeout)
        return task in done

    def _draft_outcome(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, OSError) and self.app.is_running:
            self.notify(f"Could not save the draft: {exc}", severity="warning")

    def discard_draft(self) -> None:
        """Delete the draft (the account exists): off the event loop, after any save still
        being written, and no staged save lands after it."""
        from ccm_tui.service.drafts import WRITER

        self.app.run_worker(WRITER.discard, thread=True, group="wizard-draft-discard",
                            exit_on_error=False)

    def on_unmount(self) -> None:
        # The app is exiting: a draft staged or still being written must be on disk before
        # the process goes, or typed input is lost. This blocks only at exit (the loop has
        # no keystroke left to handle); a wizard left normally waited for its write already.
        if not self.app.is_running:
            from ccm_tui.service.drafts import WRITER

            try:
                WRITER.flush()
            except OSError:
                pass
