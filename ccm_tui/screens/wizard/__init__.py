"""The create-account wizard: ``WizardScreen(session, draft=None)``.

Also for the console: ``maybe_offer_draft(app, session)`` (call when the accounts screen is
first shown), ``install_draft_signal_handlers(app)`` (SIGHUP/SIGTERM save the draft and exit
cleanly; the wizard installs it on mount too), and ``ResumeDraftScreen``.
"""

from ccm_tui.screens.wizard.modals import ResumeDraftScreen
from ccm_tui.screens.wizard.screen import WizardScreen
from ccm_tui.screens.wizard.signals import (
    install_draft_signal_handlers,
    maybe_offer_draft,
    save_open_wizard_drafts,
)

__all__ = [
    "ResumeDraftScreen",
    "WizardScreen",
    "install_draft_signal_handlers",
    "maybe_offer_draft",
    "save_open_wizard_drafts",
]
