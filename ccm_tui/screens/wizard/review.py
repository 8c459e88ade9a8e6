"""The wizard's Review step: the request preview, its warnings and the server's refusal."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from textual.widgets import Label

from ccm_tui.models.errors import FieldError
from ccm_tui.service.account_form import WizardForm, auth_dict, build_request
from ccm_tui.screens.wizard.ids import error_label_for
from ccm_tui.screens.wizard.steps import REVIEW

if TYPE_CHECKING:
    from ccm_tui.screens.wizard.host import WizardHost as WizardBase
    from ccm_tui.screens.wizard.panes import ReviewPane
else:
    WizardBase = object


def request_warnings(form: WizardForm, req: Any | None) -> list[str]:
    """Warnings (never blocking), all worded by ``ccm_tui.models.warnings``: of the whole
    request once it builds, else the ones the form already shows (lock-out, attestation)."""
    from ccm_tui.models.warnings import (
        account_request_warnings,
        attestation_off_warning,
        sign_in_lockout_warning,
    )

    if req is not None:
        return [str(w) for w in account_request_warnings(req)]
    out: list[str] = []
    if form.auths:
        lockout = sign_in_lockout_warning(
            [auth_dict(a, with_tls=False, prefix=f"auth_configs[{i}]")[0]
             for i, a in enumerate(form.auths)])
        if lockout is not None:
            out.append(str(lockout))
    if form.disable_attestation:
        out.append(str(attestation_off_warning()))
    return out


class ReviewMixin(WizardBase):
    """WizardScreen's Review step (mixed into ``WizardScreen``; uses its form and panes)."""

    async def _rebuild_review(self, server_error: FieldError | None = None) -> None:
        # Every file is read again to build the request: in a thread, not on the event loop.
        req, errors = await asyncio.to_thread(build_request, self.form)
        self._last_request = req
        body = req.masked_body() if req is not None else None
        pane = cast("ReviewPane", self.pane(REVIEW))
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

    def action_copy_json(self) -> None:
        req = self._last_request  # built on reaching Review (the form cannot change there)
        if req is not None:
            import json

            self.app.copy_to_clipboard(json.dumps(req.masked_body(), indent=2))
            self.notify("Request JSON copied (secrets masked).")
