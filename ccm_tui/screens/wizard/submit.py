"""Submitting the wizard: phases and their ticker, cancel and reconcile, the outcome,
re-login after a 401, and the account created."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.widgets import ContentSwitcher
from textual.worker import Worker

from ccm_tui.gcpause import hold_collector, release_collector
from ccm_tui.models.errors import FieldError
from ccm_tui.screens.wizard.steps import BASICS, PANE_IDS, REVIEW, SUBMIT
from ccm_tui.service.account_form import build_request
from ccm_tui.widgets.wizard_steps import StepIndicator

#: Seconds at most without garbage collection while the new account's details are shown.
COLLECTOR_HOLD = 1.0

if TYPE_CHECKING:
    from ccm_tui.screens.wizard.host import WizardHost as WizardBase
    from ccm_tui.screens.wizard.panes import SubmitPane
    from ccm_tui.service.accounts import CreateOutcome
else:
    WizardBase = object


class SubmitMixin(WizardBase):
    """WizardScreen's submit step (mixed into ``WizardScreen``, which sets ``in_flight``,
    ``_submit_worker``, ``_phases``, ``_ticker`` and ``outcome`` in its ``__init__``).

    Deciding is the service's (``service.accounts.create_account``: re-login after a 401,
    reconciliation, at most one resubmission); this mixin asks for the password when the
    service needs it and renders the typed outcome."""

    _submit_worker: Worker[Any] | None
    _confirm_worker: Worker[Any] | None

    def start_submit(self) -> None:
        self._store_current()
        # No draft write here: the draft was saved on reaching Review (the form cannot change
        # on Review), and a synchronous write + fsync would delay the POST. SIGHUP/SIGTERM
        # during the request still save it (screens/exit_signals.py).
        self.in_flight = True
        self._phases = []
        # The request is built (its files read) in a thread and sent first; the submit step
        # is painted once it is on its way (phase "waiting") or after 0.1 s, whichever comes
        # first, so no layout or frame delays the POST. Keys act on the submit step from now on (Escape cancels), whatever is painted.
        self.step = SUBMIT
        self._start_ticker()
        self._render_submit("Creating the account…")
        self._submit_worker = self._submit()
        self.set_timer(0.1, self._show_submit_pane)

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
        if key == "done":
            return  # the outcome replaces the submit step: no frame for it before that
        self._phases.append([key, now, None])
        self._render_submit(None)
        if key in ("waiting", "reconciling"):
            self._show_submit_pane()  # the request is out (or being checked): show progress
        if key == "waiting":
            self.call_later(_warm_details_import)  # while the server works, not after

    def _render_submit(self, status: str | None) -> None:
        if not self.is_mounted:
            return
        pane = cast("SubmitPane", self.pane(SUBMIT))
        now = time.monotonic()
        rows = [
            (k, (end or now) - start, end is None and self.in_flight) for k, start, end in self._phases
        ]
        current = status if status is not None else str(pane.query_one("#submit-status").render())
        pane.show(f"Creating account {self.form.name.strip()!r}", rows, current)

    @work(exclusive=True, group="wizard-submit", exit_on_error=False)
    async def _submit(self) -> None:
        from ccm_tui.service.accounts import create_account

        # Every file is read again (it may have changed since Review), off the event loop; a
        # form that names no file is built here, without a thread's round trip before the POST.
        if _names_files(self.form):
            req, errors = await asyncio.to_thread(build_request, self.form)
        else:
            req, errors = build_request(self.form)
        if req is None:
            await self.back_to_review(None)  # the review shows the errors it finds
            return
        outcome = await create_account(self.session.client, req, on_phase=self.on_phase,
                                       ask_password=self._ask_password, email=self._email())
        self.in_flight = False
        await self.handle_outcome(outcome)

    def _sent_at(self) -> float | None:
        """When the create started going out (monotonic), or None when it never did."""
        for key, start, _end in self._phases:
            if key in ("sending", "waiting"):
                return start
        return None

    def cancel_submit(self) -> None:
        if self._confirming:
            self._stop_confirming()
            return
        if self._submit_worker is not None:
            self._submit_worker.cancel()
        sent_at = self._sent_at()
        if sent_at is None:  # still validating or connecting: the POST never left
            self.in_flight = False
            self.call_later(self.back_to_review, FieldError(
                "", "Cancelled before the request was sent; the account was not created. "
                    "Enter submits again."))
            return
        # The request is out: the server may create the account whatever the console does
        # now. Say so, and keep looking until the server can no longer be working on it.
        self.in_flight = True  # still busy: confirming
        self._confirming = True
        self._show_submit_pane()
        self.on_phase("reconciling")
        self._render_submit("Cancelled — not known yet whether the server created the account; "
                            "checking the account list…")
        self._confirm_worker = self._reconcile_after_cancel(sent_at)

    def _stop_confirming(self) -> None:
        """Esc while checking after a cancel: stop looking, and say that nobody knows."""
        self._confirming = False
        worker = getattr(self, "_confirm_worker", None)
        if worker is not None:
            worker.cancel()
        self.in_flight = False
        self.call_later(self.back_to_review, FieldError(
            "", "Stopped checking: not known whether the account was created (the server may "
                "still create it). Look for it in the accounts list (r refreshes) before "
                "submitting again."))

    @work(exclusive=True, group="wizard-reconcile", exit_on_error=False)
    async def _reconcile_after_cancel(self, sent_at: float) -> None:
        from ccm_tui.service.accounts import confirm_create, create_deadline

        client = self.session.client
        name = self.form.name.strip()
        deadline = create_deadline(client)

        def checked(_checks: int, left: float) -> None:
            if self._confirming:
                self._render_submit(
                    f"Cancelled — not known yet whether the server created {name!r}: it may still "
                    f"be working on the request. Checking the account list for {left:.0f} s "
                    "more… (esc stops checking)")

        try:
            found = await confirm_create(client, name, sent_at=sent_at, deadline=deadline,
                                         on_check=checked)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            if not self._confirming:
                return
            self._confirming = False
            self.in_flight = False
            await self.back_to_review(
                FieldError("", f"Cancelled. Could not tell whether the account was created ({exc}); "
                               "check the accounts list before trying again.")
            )
            return
        if not self._confirming:
            return
        self._confirming = False
        self.in_flight = False
        if found.account is not None:
            self.account_created(found.account, note="(the request had reached the server before you cancelled)")
        else:
            await self.back_to_review(FieldError(
                "", f"Cancelled; the account was not created: the account list still does not "
                    f"hold it {found.waited:.0f} s after the request was sent (the console waits "
                    f"{deadline:.0f} s for an answer). Enter submits again."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every wizard worker that fails goes to the app's one report (log + one line); a
        failed submit also brings the operator back to Review, saying what is known (never
        the exception's text, which may carry what was typed)."""
        from ccm_tui.screens.base import report_worker_failure

        if not report_worker_failure(self, event):
            return
        if event.worker.group == "wizard-submit":
            self.in_flight = False
            if self._sent_at() is None:
                text = ("Submit failed unexpectedly before the request was sent (details in the "
                        "log file); the account was not created. Enter submits again.")
            else:
                text = ("Submit failed unexpectedly (details in the log file): not known whether "
                        "the account was created — look for it in the accounts list (r refreshes) "
                        "before submitting again.")
            self.call_later(self.back_to_review, FieldError("", text))

    async def handle_outcome(self, outcome: CreateOutcome) -> None:
        """Render what the service decided: the decision comes from the outcome's state and
        its typed error, never from the wording of its message."""
        from ccm_tui.api.errors import NameTaken

        self.outcome = outcome
        self._stop_ticker()
        if outcome.created and outcome.account is not None:
            self.account_created(outcome.account)
            return
        if isinstance(outcome.error, NameTaken):
            await self.back_to_basics_name(outcome.message)
            return
        if outcome.state == "unknown":
            await self.back_to_review(FieldError("", f"Could not tell whether the account was created: {outcome.message}"))
            return
        await self.back_to_review(FieldError(outcome.field or "", outcome.message or "the account was not created"))

    async def back_to_review(self, err: FieldError | None) -> None:
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

    # ---- re-login after a 401 (the service asks; the dialog answers) -----------------------
    def _email(self) -> str | None:
        settings = getattr(self.session, "settings", None)
        return getattr(settings, "email", None)

    async def _ask_password(self, problem: str) -> str | None:
        """The password for a new session, or None when the operator gives up. Awaited by
        the service from the submit worker; ``problem`` says why the last one failed."""
        from ccm_tui.screens.wizard.modals import Relogin

        self._stop_ticker()
        try:
            answer = await self.app.push_screen(
                Relogin(self._email(), f"⚠ {problem}" if problem else ""), wait_for_dismiss=True)
        finally:
            if self.in_flight:
                self._start_ticker()
        return answer or None

    # ---- account created -------------------------------------------------------------------
    def account_created(self, account: Any, note: str = "") -> None:
        """Show the new account's details from the answer at hand (the POST's, or the list's
        after a reconciliation); the toast waits for that frame. The draft goes at once: an
        ``n`` pressed right after must not offer to resume an account already created."""
        self._stop_ticker()
        self.in_flight = False
        self.discard_draft()  # off the event loop, after any draft write still in flight
        name = getattr(account, "name", None) or self.form.name.strip()
        message = f"Account {name!r} created {note}".strip()
        app = self.app
        below = [screen for screen in app.screen_stack if screen is not self]

        def announce() -> None:
            # The screens below hear of the new account after the details' first frame (or
            # when the details are left, if sooner): handling the message sooner made the
            # list below lay itself out again before that frame.
            release_collector()
            for screen in below:
                screen.post_message(self.AccountCreated(account))

        from ccm_tui.screens.details import AccountDetailsScreen

        # No garbage collection between the answer and the details' first frame (bounded
        # by a timer should that frame never come).
        hold_collector()
        app.set_timer(COLLECTOR_HOLD, release_collector)
        app.switch_screen(AccountDetailsScreen(self.session, account, after_paint=announce))
        app.call_after_refresh(_after_created, app, message)


def _names_files(form: Any) -> bool:
    """Whether building the request reads files: a logo, or an auth config (its TLS part
    may name CA, certificate and key files)."""
    return bool(form.logo_path.strip() or form.auths)


def _after_created(app: Any, message: str) -> None:
    """Once the new account's details are painted: a toast says it was created."""
    app.notify(message)


def _warm_details_import() -> None:
    """Import the details screen (shown on success) during the wait for the answer: on the
    first submit of a session the import otherwise comes after the answer."""
    import ccm_tui.screens.details  # noqa: F401
