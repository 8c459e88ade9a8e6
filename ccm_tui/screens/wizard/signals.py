"""SIGHUP / SIGTERM while the console runs: save an open wizard's draft, exit cleanly;
and the resume-or-discard offer on the next start."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

_INSTALLED_ATTR = "_ccm_draft_signals_installed"


def save_open_wizard_drafts(app: Any) -> int:
    """Save the draft of every wizard on the screen stack; returns how many were saved."""
    from ccm_tui.screens.wizard.screen import WizardScreen

    saved = 0
    for screen in list(getattr(app, "screen_stack", [])):
        if isinstance(screen, WizardScreen):
            screen.save_draft_now()  # the process is about to end: on disk before returning
            saved += 1
    return saved


def install_draft_signal_handlers(app: Any) -> bool:
    """Install SIGHUP/SIGTERM handlers on the running loop (idempotent).

    The handler saves any open wizard's draft and asks the app to exit normally, so the
    terminal is restored and the exit status is 0. Returns False where signals cannot be
    installed (not the main thread, Windows)."""
    if getattr(app, _INSTALLED_ATTR, False):
        return True
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False

    def handler(signum: int) -> None:
        try:
            save_open_wizard_drafts(app)
        finally:
            app.exit()

    try:
        for sig in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(sig, handler, int(sig))
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        return False
    setattr(app, _INSTALLED_ATTR, True)
    return True


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
