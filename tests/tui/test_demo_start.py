"""``--demo``: the first frame says the demo server is starting (nothing of the emulator is
imported or started before it); the server then starts in a thread, the console logs in and
shows the demo accounts; a failed start is explained."""

from __future__ import annotations

import threading

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.startup import StartPlan, prepare_start
from tui_helpers import accounts_ready, screen_text, until


def notifications(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)  # noqa: SLF001


def test_prepare_start_does_not_start_the_emulator(tmp_path):
    plan = prepare_start(demo=True, profile=None, server=None, email=None, token=None,
                         ca_bundle=None, insecure=False, env={"CCM_DEMO_ACCOUNTS": "3"})
    try:
        assert plan.demo and plan.server is None and plan.settings is None
        assert plan.demo_accounts == 3
    finally:
        plan.close()


async def test_first_frame_says_starting_then_the_demo_accounts_show(tmp_path):
    from ccm_tui.app import create_app

    plan = StartPlan(settings=None, demo=True)
    gate = threading.Event()

    def launch():
        gate.wait(5)  # hold the server back until the first frame was checked
        return plan.launch_demo()

    app = create_app(demo=True, launch_demo=launch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "Starting the demo server…" in screen_text(app)
            gate.set()
            await until(pilot, lambda: accounts_ready(app), timeout=15)
            text = screen_text(app)
            assert "DEMO" in text.splitlines()[0] and DEMO_EMAIL in text.splitlines()[0]
            assert "Payments (prod)" in text  # the demo data set
            assert notifications(app).count(DEMO_PASSWORD) == 1
            assert plan.server is not None and app.settings.url == plan.server.url
    finally:
        gate.set()
        plan.close()
    assert plan.server is None


async def test_a_failed_demo_start_is_explained():
    from ccm_tui.app import create_app

    def launch():
        raise OSError("no free port")

    app = create_app(demo=True, launch_demo=launch)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Could not start" in screen_text(app))
        assert "Could not start the demo server: OSError: no free port" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert not app.is_running


async def test_the_demo_servers_own_login_shows_the_rows_without_one_here(monkeypatch):
    """With the demo server spawned as ``ccm-tui --demo`` spawns it, the rows come from the
    login and pages it sends after READY: the console never logs in itself (its
    open_session is made to fail here), yet the table, details and the demo's toast show."""
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("the console reads the demo server's login only on Linux")
    from ccm_tui.app import create_app

    def no_login_here(*_args, **_kwargs):
        raise AssertionError("the console logged in itself")

    monkeypatch.setattr("ccm_tui.service.session.open_session", no_login_here)
    plan = StartPlan(settings=None, demo=True)
    plan.spawn_demo()
    app = create_app(demo=True, launch_demo=plan.launch_demo, demo_login=plan.take_prefetch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: accounts_ready(app), timeout=30)
            assert "Payments (prod)" in screen_text(app)
            assert notifications(app).count(app.demo_credentials[1]) == 1
            await pilot.press("enter")  # details: the console's own client, made later
            await until(pilot, lambda: "my roles" in screen_text(app), timeout=15)
    finally:
        plan.close()
