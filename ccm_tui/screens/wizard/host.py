"""What the wizard's mixins (submit, review, auth editing) may use of ``WizardScreen``: for
the type checker only (they import it under ``TYPE_CHECKING`` as their base, ``WizardBase``;
at run time they derive from ``object``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker

if TYPE_CHECKING:
    from textual.message import Message

    from ccm_tui.models.errors import FieldError
    from ccm_tui.screens.wizard.panes import Pane
    from ccm_tui.service.account_form import WizardForm


class WizardHost(Screen[None]):
    """The attributes and methods WizardScreen gives its mixins."""

    session: Any
    form: WizardForm
    step: int
    reached: int
    pending_secrets: set[str]
    auth_errors: dict[int, str]
    in_flight: bool
    outcome: Any
    _confirming: bool
    _confirm_worker: Worker[Any] | None
    _submit_worker: Worker[Any] | None
    _phases: list[list[Any]]
    _ticker: Timer | None
    _last_request: Any
    AccountCreated: Callable[[Any], Message]

    def pane(self, step: int) -> Pane:
        raise NotImplementedError

    def show_errors(self, step: int, errors: list[FieldError]) -> None: ...
    async def _show(self, step: int) -> None: ...
    def save_draft(self) -> None: ...
    def discard_draft(self) -> None: ...
    def _store_current(self) -> None: ...
    def _settle_pending(self) -> None: ...
    def _render_auth(self) -> None: ...
    async def _rebuild_review(self, server_error: FieldError | None = None) -> None: ...
