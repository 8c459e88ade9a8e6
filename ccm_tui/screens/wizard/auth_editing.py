"""Editing the auth configs on the wizard's Auth step: add, edit and remove them."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widgets import OptionList, Static

from ccm_tui.service.account_form import AuthEntry
from ccm_tui.screens.wizard.modals import AuthEditor
from ccm_tui.screens.wizard.review import request_warnings
from ccm_tui.screens.wizard.steps import AUTH

if TYPE_CHECKING:
    from ccm_tui.screens.wizard.host import WizardHost as WizardBase
    from ccm_tui.screens.wizard.panes import AuthPane
else:
    WizardBase = object


class AuthEditingMixin(WizardBase):
    """WizardScreen's auth-config actions (mixed into ``WizardScreen``; uses its form,
    ``auth_errors``, ``pending_secrets`` and panes)."""

    def _render_auth(self) -> None:
        pane = cast("AuthPane", self.pane(AUTH))
        pane.render_list(self.form, self.auth_errors)
        warnings = request_warnings(self.form, None)
        pane.query_one("#auth-warnings", Static).update("\n".join(f"⚠ {w}" for w in warnings if w.startswith("auth")))

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
        idx = cast("AuthPane", self.pane(AUTH)).selected_index(self.form)
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
        idx = cast("AuthPane", self.pane(AUTH)).selected_index(self.form)
        if idx is None:
            return
        del self.form.auths[idx]
        # pending secrets and errors are indexed: shift the ones after idx
        self.pending_secrets = {_shift(p, idx) for p in self.pending_secrets if auth_index(p) != idx}
        self.auth_errors = {}
        self._render_auth()
        self.save_draft()


def auth_index(path: str) -> int | None:
    """``i`` for a field path under ``auth_configs[i]``, else None."""
    if path.startswith("auth_configs["):
        try:
            return int(path[len("auth_configs["):].split("]", 1)[0])
        except ValueError:
            return None
    return None


def _shift(path: str, removed: int) -> str:
    idx = auth_index(path)
    if idx is None or idx < removed:
        return path
    return path.replace(f"auth_configs[{idx}]", f"auth_configs[{idx - 1}]", 1)
