"""Palette commands of the current screen (ctrl+p): the screen offers them, the app lists them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand


def screen_commands(app: Any, screen: Any) -> Iterable[SystemCommand]:
    offer = getattr(screen, "palette_commands", None)
    if offer is not None:
        for title, help_text, callback in offer():
            yield SystemCommand(title, help_text, callback)
    if getattr(app, "session", None) is not None and _may_log_out(screen):
        from ccm_tui.screens.logout import start_logout

        yield SystemCommand("Log out", "End the session on the server and forget the remembered "
                            "token", lambda: start_logout(app))


def _may_log_out(screen: Any) -> bool:
    """Not from inside the wizard (it keeps a draft and may be submitting) or a dialog."""
    from textual.screen import ModalScreen

    return not isinstance(screen, ModalScreen) and type(screen).__name__ != "WizardScreen"
