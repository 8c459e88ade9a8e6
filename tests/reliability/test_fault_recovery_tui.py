"""Recovering from faults in the console, over a live loopback emulator: retry from the review
after a 500 and after the server came back, DNS failure, a token that expired while the
operator was typing (silent re-login, and the re-login prompt of a pasted-token session), and
Escape during submit followed by reconciliation."""

from __future__ import annotations

import pytest
from reliability_helpers import CREATE, READ_TIMEOUT, named, posts, requests_of
from reliability_helpers import open_live_session as _session
from textual.widgets import Input
from tui_fault_helpers import NAME, REVIEW, banner, make_app, on_details, submit, to_review
from wizard_helpers import SIZE, wait_for


async def test_retry_from_review_after_a_500_creates_once(server, live_session):
    emulator = server.emulator
    app = make_app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await to_review(pilot)
        emulator.faults.fail_next(CREATE, 500)
        await submit(pilot, wiz)
        assert "500" in banner(wiz)
        await pilot.press("enter")  # Enter submits again from the review
        await wait_for(pilot, lambda: on_details(app))
    assert len(named(emulator, NAME)) == 1 and posts(emulator) == 2


async def test_server_down_then_back_retry_offered_nothing_lost(server, live_session):
    from ccm_tui.emulator import EmulatorServer

    emulator = server.emulator
    app = make_app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await to_review(pilot)
        server.stop()  # connection refused from now on
        await submit(pilot, wiz)
        shown = banner(wiz)
        assert wiz.step == REVIEW and wiz.form.name == NAME
        assert "connection refused" in shown and "not created" in shown
        again = EmulatorServer(host="127.0.0.1", port=server.port, app=server.app).start()
        try:
            await pilot.press("enter")  # the review offers Enter to submit again
            await wait_for(pilot, lambda: on_details(app), timeout=8)
        finally:
            again.stop()
    assert len(named(emulator, NAME)) == 1


async def test_dns_failure_keeps_the_review(server, home):
    """A session whose server name does not resolve (.invalid never does)."""
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.service.session import Session, make_client

    settings = ConnectionSettings(url="http://ccm.invalid:1", email="ops@example.com",
                                  insecure=True, read_timeout=READ_TIMEOUT, connect_timeout=2)
    session = Session(settings, make_client(settings, token="not-a-real-token"), None)
    app = make_app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await to_review(pilot)
            await submit(pilot, wiz)
            shown = banner(wiz)
            assert wiz.step == REVIEW and wiz.form.name == NAME
            assert "host name not found (DNS)" in shown and "not created" in shown
            assert "unexpectedly" not in shown
    finally:
        await session.client.aclose()


async def test_token_expired_while_typing_silent_relogin(server, clock, live_session):
    """The operator takes longer than the token's life on the review: the 401 is answered by
    a silent re-login with the remembered password; one account, everything intact."""
    emulator = server.emulator
    app = make_app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await to_review(pilot)
        clock.advance(emulator.token_ttl + 5)  # typing... the token dies on the server
        await submit(pilot, wiz)
        await wait_for(pilot, lambda: on_details(app))
    assert len(named(emulator, NAME)) == 1
    assert requests_of(emulator, "POST", "/v1/sys/auth") == 2


async def test_token_expired_while_typing_relogin_prompt(server, clock, home):
    """A pasted-token session cannot log in by itself: the wizard asks for the password and
    then carries on with everything intact — and checks first, so no duplicate."""
    from ccm_tui.emulator import DEMO_PASSWORD
    from ccm_tui.screens.wizard.modals import Relogin

    emulator = server.emulator
    first = await _session(server)
    token = first.client.access_token.get_secret_value()
    session = await _session(server, token=token)
    app = make_app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await to_review(pilot)
            clock.advance(emulator.token_ttl + 5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, Relogin), timeout=8)
            app.screen.query_one("#relogin-password", Input).value = DEMO_PASSWORD
            await pilot.press("enter")
            await wait_for(pilot, lambda: on_details(app), timeout=8)
    finally:
        await session.client.aclose()
        await first.client.aclose()
    assert len(named(emulator, NAME)) == 1
    assert posts(emulator) == 2  # the refused one, then the real one


async def test_relogin_prompt_wrong_password_asks_again_and_escape_gives_up(server, clock, home):
    """The dialog says why a password failed and asks again; Escape gives up: back on the
    review saying nothing was created, and the refused create was never sent again."""
    from ccm_tui.screens.wizard.modals import Relogin

    emulator = server.emulator
    first = await _session(server)
    session = await _session(server, token=first.client.access_token.get_secret_value())
    app = make_app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await to_review(pilot)
            clock.advance(emulator.token_ttl + 5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, Relogin), timeout=8)
            app.screen.query_one("#relogin-password", Input).value = "not-the-password"
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, Relogin)
                           and "password is wrong" in str(app.screen.query_one("#err-relogin").render()),
                           timeout=8)
            await pilot.press("escape")
            await wait_for(pilot, lambda: wiz.step == REVIEW and "not created" in banner(wiz),
                           timeout=8)
            assert wiz.form.name == NAME
    finally:
        await session.client.aclose()
        await first.client.aclose()
    assert named(emulator, NAME) == [] and posts(emulator) == 1


@pytest.mark.parametrize("committed", [True, False], ids=["reached-server", "refused-late"])
async def test_escape_during_submit_cancels_then_reconciles(committed, server, home):
    """Escape while the create is in flight cancels it; the list then says truthfully whether
    the server had created the account."""
    emulator = server.emulator
    session = await _session(server, read_timeout=3)
    app = make_app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await to_review(pilot)
            if committed:
                # Committed, then the answer waits far longer than the Esc takes to arrive
                # (an answer that came first would open the details, and the Esc close them).
                emulator.faults.delay_after_commit(4.0)
            else:
                emulator.faults.hold(CREATE)  # answered (500) only after the Esc
                emulator.faults.fail_next(CREATE, 500)
            await pilot.press("enter")
            await wait_for(pilot, lambda: wiz.step == 5 and wiz.in_flight)
            await wait_for(pilot, lambda: posts(emulator) == 1)
            await pilot.press("escape")
            emulator.faults.release(CREATE)
            if committed:
                await wait_for(pilot, lambda: on_details(app))
            else:
                await wait_for(pilot, lambda: not wiz.in_flight and wiz.step == REVIEW)
                shown = banner(wiz)
                assert "Cancelled" in shown and "not created" in shown
                assert wiz.form.name == NAME
    finally:
        await session.client.aclose()
    assert len(named(emulator, NAME)) == (1 if committed else 0)


async def test_escape_before_a_slow_server_commits_says_checking_then_created(server, home):
    """Issue 10 #1: the create is held on the server, Esc at once. The server creates the
    account only later; the wizard must not say "not created" meanwhile: it says it does not
    know yet, keeps checking, and opens the account once the list holds it."""
    from ccm_tui.screens.wizard.steps import SUBMIT

    emulator = server.emulator
    session = await _session(server, read_timeout=8)
    app = make_app(session)
    seen: list[str] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await to_review(pilot)
            emulator.faults.hold(CREATE)
            await pilot.press("enter")
            await wait_for(pilot, lambda: posts(emulator) == 1)  # the request is on the server
            await pilot.press("escape")
            status = lambda: str(wiz.pane(SUBMIT).query_one("#submit-status").render())  # noqa: E731
            await wait_for(pilot, lambda: "not known yet" in status())
            assert len(named(emulator, NAME)) == 0  # the server has not committed yet
            await wait_for(pilot, lambda: "Checking the account list" in status())  # looked once
            emulator.faults.release(CREATE)  # now the server goes on and commits

            def settled() -> bool:
                seen.append(f"{wiz.step}:{banner(wiz) if wiz.is_attached else ''}")
                return on_details(app)

            await wait_for(pilot, settled, timeout=10)
    finally:
        await session.client.aclose()
    assert len(named(emulator, NAME)) == 1
    assert not any("not created" in s for s in seen), seen  # never claimed before it knew
