"""SIGHUP/SIGTERM belong to the app (issue 11 #6): installed once when the app starts (before
any wizard), removed when it ends; a signal while the wizard is open keeps the draft and ends
the app normally. The real-terminal version is test_wizard_sighup.py."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest
from wizard_helpers import SIZE, open_wizard, type_text, wait_for

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


async def test_the_app_installs_the_exit_signals_and_sigterm_keeps_the_draft(make_app, home):
    from tui_helpers import accounts_ready

    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.service.drafts import draft_path

    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: accounts_ready(app))
        # The app's own, before any wizard was opened.
        for sig in (signal.SIGHUP, signal.SIGTERM):
            assert signal.getsignal(sig) != signal.SIG_DFL, sig
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Terminated")
        await wait_for(pilot, lambda: wiz.form.name == "Terminated"
                       or wiz.query_one("#name").value == "Terminated")
        assert not draft_path().exists()  # nothing saved yet: no step change
        os.kill(os.getpid(), signal.SIGTERM)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while app.return_code is None and loop.time() < deadline:
            await asyncio.sleep(0.02)
        assert app.return_code == 0  # a normal exit, asked for by the handler
    assert json.loads(draft_path().read_text())["form"]["name"] == "Terminated"
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # removed with the app
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
