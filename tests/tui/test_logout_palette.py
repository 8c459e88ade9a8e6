"""Log out and the command palette, through the real palette (ctrl+p, typed words, Enter):
log out in ``--demo`` returns to the login without a crash and the header forgets the old
server and user; ctrl+p pressed twice during start-up opens one palette, never crashes."""

from __future__ import annotations

import threading
import time

import httpx

from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.screens.login import LoginScreen
from ccm_tui.startup import StartPlan
from tui_helpers import SERVER, accounts_ready, palette_run, screen_text, until

SIZE = (80, 24)


async def test_log_out_from_the_palette_in_demo_returns_to_the_login():
    from ccm_tui.app import create_app

    plan = StartPlan(settings=None, demo=True)
    app = create_app(demo=True, launch_demo=plan.launch_demo)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: accounts_ready(app), timeout=15)
            logged_out_at = time.time()
            await palette_run(pilot, "Log out")
            await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.session is None
                        and "Logged out" in "\n".join(str(n.message) for n in app._notifications))  # noqa: SLF001
            assert app.is_running and app._exception is None  # noqa: SLF001
            header = screen_text(app).splitlines()[0]
            assert "account:" not in header and "expires" not in header
            # the demo's password is said again, after the log-out, for logging back in
            await until(pilot, lambda: any(
                f"Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}" in str(n.message)
                and n.raised_at >= logged_out_at for n in app._notifications))  # noqa: SLF001
            # and logging in again works
            await pilot.press(*DEMO_PASSWORD, "enter")
            await until(pilot, lambda: accounts_ready(app), timeout=10)
            assert "Payments" in screen_text(app)
        assert app.return_code in (0, None)
    finally:
        plan.close()


async def test_log_out_against_a_server_clears_the_header(det_transport, det_emulator):
    from ccm_tui.app import create_app
    from tui_helpers import add_account

    add_account(det_emulator, "alpha")
    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=det_transport, password=DEMO_PASSWORD)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("s")  # select alpha: the header names it
        await until(pilot, lambda: "account: alpha" in screen_text(app).splitlines()[0])
        await palette_run(pilot, "Log out")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.session is None)
        await pilot.pause()
        header = screen_text(app).splitlines()[0]
        assert "account:" not in header and "expires" not in header, header
        assert "not logged in" in header, header


async def test_ctrl_p_twice_during_start_up_opens_one_palette():
    from textual.command import CommandPalette

    from ccm_tui.app import create_app

    plan = StartPlan(settings=None, demo=True)
    gate = threading.Event()

    def launch():
        gate.wait(5)
        return plan.launch_demo()

    app = create_app(demo=True, launch_demo=launch)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            gate.set()
            await until(pilot, lambda: app.session is not None, timeout=15)
            await pilot.press("ctrl+p")  # returns once the key was handled: no second palette
            assert app._exception is None  # noqa: SLF001
            assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
            await pilot.press("escape")
            await until(pilot, lambda: accounts_ready(app), timeout=10)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press("escape")
            await until(pilot, lambda: accounts_ready(app))
    finally:
        gate.set()
        plan.close()


async def test_an_internal_error_exit_prints_one_line_and_no_textual_advice(capsys, make_app):
    """Several errors during the exit (a crash, then screens failing as they close) print
    our one report and never Textual's "Run with textual run --dev" note."""
    import pytest

    app = make_app()
    with pytest.raises(RuntimeError):  # run_test hands the first error to the test
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: accounts_ready(app))
            for _ in range(3):
                app._handle_exception(RuntimeError("boom"))  # noqa: SLF001
    err = capsys.readouterr().err
    assert "ccm-tui stopped on an internal error (RuntimeError)" in err
    assert err.count("stopped on an internal error") == 1
    assert "textual run" not in err and "NOTE" not in err
