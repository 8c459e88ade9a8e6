"""The create-account wizard: ``WizardScreen(session, draft=None)``.

Also for the console: ``maybe_offer_draft(app, session)`` (call when the accounts screen is
first shown) and ``ResumeDraftScreen``. SIGHUP/SIGTERM are the app's (``screens/exit_signals.py``):
the wizard keeps its draft through its ``keep_work_before_exit`` hook.
"""

from ccm_tui.screens.wizard.draft_offer import maybe_offer_draft
from ccm_tui.screens.wizard.modals import ResumeDraftScreen
from ccm_tui.screens.wizard.screen import WizardScreen

__all__ = [
    "ResumeDraftScreen",
    "WizardScreen",
    "maybe_offer_draft",
]
