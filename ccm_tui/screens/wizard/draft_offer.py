"""The resume-or-discard offer for a wizard draft left by the last run (saved on a step
change, on SIGHUP/SIGTERM or before an internal error's report: ``screens/exit_signals.py``)."""

from __future__ import annotations

from typing import Any


def maybe_offer_draft(app: Any, session: Any) -> bool:
    """If a wizard draft exists, offer to resume or discard it. Returns True if offered.

    Call it once when the accounts screen is first shown."""
    from ccm_tui.screens.wizard.modals import ResumeDraftScreen
    from ccm_tui.screens.wizard.screen import WizardScreen
    from ccm_tui.service.drafts import discard_draft, draft_path, load_draft

    draft = load_draft()

    def answer(choice: str | None) -> None:
        if choice == "resume" and draft is not None:
            app.push_screen(WizardScreen(session, draft=draft))
        elif choice == "discard":
            discard_draft()
            app.notify("Draft discarded.")

    if draft is None:
        # A file that is there but cannot be loaded (damaged, not JSON, of the wrong shape):
        # never a crash at start, and never silently left in the way.
        try:
            present = draft_path().is_file()
        except OSError:
            present = False
        if not present:
            return False
        app.push_screen(ResumeDraftScreen(str(draft_path()), readable=False), answer)
        return True
    app.push_screen(ResumeDraftScreen(draft.describe(), len(draft.secrets_to_ask)), answer)
    return True
