"""The resume-or-discard offer for a wizard draft left by the last run (saved on a step
change, on SIGHUP/SIGTERM or before an internal error's report: ``screens/exit_signals.py``)."""

from __future__ import annotations

import asyncio
from typing import Any


def maybe_offer_draft(app: Any, session: Any) -> Any:
    """If a wizard draft exists, offer to resume or discard it.

    Call it once when the accounts screen is first shown. The draft file is read (and a
    discarded one deleted) in a thread, never on the event loop: the offer appears once
    the read is done. Returns the worker doing it."""
    return app.run_worker(_offer_draft(app, session), group="wizard-draft-offer",
                          exclusive=True, exit_on_error=False)


async def _offer_draft(app: Any, session: Any) -> bool:
    from ccm_tui.screens.wizard.modals import ResumeDraftScreen
    from ccm_tui.screens.wizard.screen import WizardScreen
    from ccm_tui.service.drafts import WRITER, draft_path, load_draft

    def read() -> tuple[Any, bool]:
        draft = load_draft()
        if draft is not None:
            return draft, True
        # A file that is there but cannot be loaded (damaged, not JSON, of the wrong shape):
        # never a crash at start, and never silently left in the way.
        try:
            return None, draft_path().is_file()
        except OSError:
            return None, False

    draft, present = await asyncio.to_thread(read)

    def answer(choice: str | None) -> None:
        if choice == "resume" and draft is not None:
            app.push_screen(WizardScreen(session, draft=draft))
        elif choice == "discard":
            app.run_worker(WRITER.discard, thread=True, group="wizard-draft-discard",
                           exit_on_error=False)
            app.notify("Draft discarded.")

    if not present:
        return False
    if draft is None:
        app.push_screen(ResumeDraftScreen(str(draft_path()), readable=False), answer)
    else:
        app.push_screen(ResumeDraftScreen(draft.describe(), len(draft.secrets_to_ask)), answer)
    return True
