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
