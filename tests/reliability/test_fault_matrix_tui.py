"""Faults at submit, in the console: the wizard driven with Pilot, its CcmClient talking real
HTTP to a LIVE loopback emulator (no ASGITransport), one fault injected per row. Every row:
nothing the operator typed is lost, the outcome is said on screen, never two accounts, and no
worker error ("Submit failed unexpectedly") — the TUI's equivalent of a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from textual.widgets import Input

from conftest import READ_TIMEOUT, open_live_session as _session
from reliability_helpers import CREATE, LIST, named, posts, requests_of
from wizard_helpers import SIZE, error_text, open_wizard, wait_for

NAME = "Wizard Fault Co"
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
REVIEW, BASICS = 4, 0


def _app(session):
    from ccm_tui.app import create_app

    return create_app(session=session)


async def _to_review(pilot, name: str = NAME):
    wiz = await open_wizard(pilot)
    # Typing is covered by the wizard's own tests; filling the field keeps 20+ rows quick.
    wiz.query_one("#name", Input).value = name
    for _ in range(4):
        await pilot.press("enter")
        await pilot.pause()
    assert wiz.step == REVIEW
    return wiz


async def _submit(pilot, wiz, timeout: float = 8.0) -> None:
    await pilot.press("enter")
    await wait_for(pilot, lambda: wiz.outcome is not None and not wiz.in_flight
                   or not wiz.is_attached, timeout)
    await pilot.pause()


def _banner(wiz) -> str:
    return wiz.pane(REVIEW).query_one("#review-error").text


def _details(app) -> bool:
    from ccm_tui.screens.details import AccountDetailsScreen

    return isinstance(app.screen, AccountDetailsScreen)


def _precreate(emulator: Any) -> None:
    from ccm_tui.emulator.accounts import new_account

    acct = new_account({"name": NAME}, ids=emulator.ids, now=emulator.now())
    emulator.store.insert_account(acct, emulator.user["user_id"], roles=["MANAGER"])


def _dup_400(emulator: Any) -> None:
    _precreate(emulator)
    emulator.duplicate_status = 400


@dataclass(frozen=True)
class Row:
    id: str
    inject: Callable[[Any], None]
    lands: str  # "review" (banner), "field" (beside a field), "basics" (name kept), "details"
    says: tuple[str, ...]
    accounts: int
    field: str = ""
    reconciles: bool = False


F = lambda emu: emu.faults  # noqa: E731

ROWS = [
    Row("500", lambda e: F(e).fail_next(CREATE, 500, body={"message": "database on fire"}),
        "review", ("500", "database on fire", "not created"), 0),
    Row("502-reconciled", lambda e: F(e).fail_next(CREATE, 502),
        "review", ("502", "was not created", "account list"), 0, reconciles=True),
    Row("502-html-error-page", lambda e: F(e).fail_next(CREATE, 502, body=HTML_502,
                                                        content_type="text/html"),
        "review", ("502", "502 Bad Gateway", "was not created"), 0, reconciles=True),
    Row("503-retry-after", lambda e: F(e).fail_next(CREATE, 503, retry_after=7),
        "review", ("503", "wait 7 s", "not created"), 0),
    Row("504-reconciled", lambda e: F(e).fail_next(CREATE, 504),
        "review", ("504", "was not created", "account list"), 0, reconciles=True),
    Row("429", lambda e: F(e).fail_next(CREATE, 429, retry_after=3),
        "review", ("429", "wait 3 s", "not created"), 0),
    Row("400-names-a-field", lambda e: F(e).fail_next(
        CREATE, 400, body={"message": "invalid value for field `component`: not allowed here"}),
        "field", ("not allowed here",), 0, field="component"),
    Row("409-name-taken", _precreate, "basics", ("already exists",), 1),
    Row("400-name-taken", _dup_400, "basics", ("already exists",), 1),
    Row("403", lambda e: F(e).fail_next(CREATE, 403, body={"message": "forbidden"}),
        "review", ("your role does not allow this", "403"), 0),
    Row("timeout-after-commit", lambda e: F(e).delay_after_commit(READ_TIMEOUT * 3),
        "details", (), 1, reconciles=True),
    Row("connection-closed-after-commit", lambda e: F(e).drop_after_commit(),
        "details", (), 1, reconciles=True),
    Row("slower-than-read-timeout", lambda e: F(e).latency(READ_TIMEOUT + 0.3, route=CREATE),
        "details", (), 1, reconciles=True),
    Row("200-malformed-json", lambda e: F(e).malformed_next(CREATE, kind="json"),
        "review", ("unreadable", "was not created"), 0, reconciles=True),
    Row("200-html-page", lambda e: F(e).malformed_next(CREATE, kind="html"),
        "review", ("unreadable", "was not created"), 0, reconciles=True),
    Row("dropped-and-list-fails-cannot-tell", lambda e: (
        F(e).drop_after_commit(), F(e).fail_next(LIST, 500, count=10)),
        "review", ("Could not tell whether the account was created",), 1),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"tui{i + 1:02d}-{r.id}" for i, r in enumerate(ROWS)])
async def test_wizard_submit_under_fault(row: Row, server, live_session):
    emulator = server.emulator
    app = _app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot)
        row.inject(emulator)
        await _submit(pilot, wiz)
        if row.lands == "details":
            await wait_for(pilot, lambda: _details(app))
        else:
            assert wiz.is_attached and app.screen is wiz
            assert wiz.form.name == NAME  # nothing typed is lost
            if row.lands == "basics":
                assert wiz.step == BASICS
                assert wiz.query_one("#name", Input).value == NAME
                shown = error_text(wiz, "name")
            else:
                assert wiz.step == REVIEW
                shown = error_text(wiz, row.field) if row.field else _banner(wiz)
            assert "unexpectedly" not in shown and "Traceback" not in shown
            for phrase in row.says:
                assert phrase in shown, f"{phrase!r} missing from {shown!r}"
    assert len(named(emulator, NAME)) == row.accounts
    assert posts(emulator) == 1
    if row.reconciles:
        assert requests_of(emulator, "GET", "/v1/accounts") >= 2  # the screen's load + the check


async def test_retry_from_review_after_a_500_creates_once(server, live_session):
    emulator = server.emulator
    app = _app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot)
        emulator.faults.fail_next(CREATE, 500)
        await _submit(pilot, wiz)
        assert "500" in _banner(wiz)
        await pilot.press("enter")  # Enter submits again from the review
        await wait_for(pilot, lambda: _details(app))
    assert len(named(emulator, NAME)) == 1 and posts(emulator) == 2


async def test_server_down_then_back_retry_offered_nothing_lost(server, live_session):
    from ccm_tui.emulator import EmulatorServer

    emulator = server.emulator
    app = _app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot)
        server.stop()  # connection refused from now on
        await _submit(pilot, wiz)
        banner = _banner(wiz)
        assert wiz.step == REVIEW and wiz.form.name == NAME
        assert "connection refused" in banner and "not created" in banner
        again = EmulatorServer(host="127.0.0.1", port=server.port, app=server.app).start()
        try:
            await pilot.press("enter")  # the review offers Enter to submit again
            await wait_for(pilot, lambda: _details(app), timeout=8)
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
    app = _app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await _to_review(pilot)
            await _submit(pilot, wiz)
            banner = _banner(wiz)
            assert wiz.step == REVIEW and wiz.form.name == NAME
            assert "host name not found (DNS)" in banner and "not created" in banner
            assert "unexpectedly" not in banner
    finally:
        await session.client.aclose()


async def test_token_expired_while_typing_silent_relogin(server, clock, live_session):
    """The operator takes longer than the token's life on the review: the 401 is answered by
    a silent re-login with the remembered password; one account, everything intact."""
    emulator = server.emulator
    app = _app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot)
        clock.advance(emulator.token_ttl + 5)  # typing... the token dies on the server
        await _submit(pilot, wiz)
        await wait_for(pilot, lambda: _details(app))
    assert len(named(emulator, NAME)) == 1
    assert requests_of(emulator, "POST", "/v1/sys/auth") == 2


async def test_token_expired_while_typing_relogin_prompt(server, clock, home):
    """A pasted-token session cannot log in by itself: the wizard asks for the password and
    then carries on with everything intact — and checks first, so no duplicate."""
    from ccm_tui.screens.wizard.modals import Relogin

    from ccm_tui.emulator import DEMO_PASSWORD

    emulator = server.emulator
    first = await _session(server)
    token = first.client.access_token.get_secret_value()
    session = await _session(server, token=token)
    app = _app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await _to_review(pilot)
            clock.advance(emulator.token_ttl + 5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, Relogin), timeout=8)
            app.screen.query_one("#relogin-password", Input).value = DEMO_PASSWORD
            await pilot.press("enter")
            await wait_for(pilot, lambda: _details(app), timeout=8)
    finally:
        await session.client.aclose()
        await first.client.aclose()
    assert len(named(emulator, NAME)) == 1
    assert posts(emulator) == 2  # the refused one, then the real one


@pytest.mark.parametrize("committed", [True, False], ids=["reached-server", "refused-late"])
async def test_escape_during_submit_cancels_then_reconciles(committed, server, home):
    """Escape while the create is in flight cancels it; the list then says truthfully whether
    the server had created the account."""
    emulator = server.emulator
    session = await _session(server, read_timeout=10)
    app = _app(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            wiz = await _to_review(pilot)
            if committed:
                emulator.faults.delay_after_commit(1.5)
            else:
                emulator.faults.latency(1.0, route=CREATE)
                emulator.faults.fail_next(CREATE, 500)
            await pilot.press("enter")
            await wait_for(pilot, lambda: wiz.step == 5 and wiz.in_flight)
            await wait_for(pilot, lambda: posts(emulator) == 1)
            await pilot.press("escape")
            if committed:
                await wait_for(pilot, lambda: _details(app))
            else:
                await wait_for(pilot, lambda: not wiz.in_flight and wiz.step == REVIEW)
                banner = _banner(wiz)
                assert "Cancelled" in banner and "not created" in banner
                assert wiz.form.name == NAME
    finally:
        await session.client.aclose()
    assert len(named(emulator, NAME)) == (1 if committed else 0)
