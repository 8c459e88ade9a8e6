"""create_account end to end against the emulator: success, refusals, and reconciliation
after ambiguous failures — never two accounts, and the outcome tells the truth."""

from __future__ import annotations

import pytest

from ccm_tui.api.errors import AuthRequired, NameTaken
from ccm_tui.models import AccountRequest
from ccm_tui.service.accounts import Phase, create_account, reconcile_create


async def count_named(client, name: str) -> int:
    return sum(1 for a in await client.list_accounts() if a.name == name)


async def test_create_then_list_shows_it_with_roles(asgi_session):
    phases = []
    out = await create_account(asgi_session.client, AccountRequest(name="Acme Prod"), on_phase=phases.append)
    assert out.state == "created" and not out.reconciled
    assert out.account.name == "Acme Prod"
    assert phases == [Phase.VALIDATING, Phase.CONNECTING, Phase.SENDING, Phase.WAITING, Phase.DONE]
    listed = {a.name: a for a in await asgi_session.client.list_accounts()}
    assert set(listed["Acme Prod"].role_names) == {"MANAGER", "WRITER", "READER"}


async def test_duplicate_name_is_name_taken_on_the_name_field(asgi_session):
    client = asgi_session.client
    assert (await create_account(client, AccountRequest(name="dup"))).state == "created"
    out = await create_account(client, AccountRequest(name="dup"))
    assert out.state == "not_created"
    assert out.field == "name"
    assert out.message == "an account named 'dup' already exists"
    assert isinstance(out.error, NameTaken)
    assert await count_named(client, "dup") == 1


async def test_403_says_role_does_not_allow_and_is_not_retried(asgi_session, emulator):
    emulator.faults.fail_next("POST /v1/accounts", 403, body={"message": "forbidden"})
    out = await create_account(asgi_session.client, AccountRequest(name="x403"))
    assert out.state == "not_created"
    assert out.message.startswith("your role does not allow this")
    assert await count_named(asgi_session.client, "x403") == 0


async def test_400_naming_a_field_sets_the_field(asgi_session, emulator):
    emulator.faults.fail_next("POST /v1/accounts", 400,
                              body={"message": "field `component` has an unknown value"})
    out = await create_account(asgi_session.client, AccountRequest(name="x400"))
    assert out.state == "not_created"
    assert out.field == "component"
    assert "HTTP 400" in out.message


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_non_ambiguous_server_errors_are_not_created_with_status(asgi_session, emulator, status):
    emulator.faults.fail_next("POST /v1/accounts", status, retry_after=3)
    out = await create_account(asgi_session.client, AccountRequest(name=f"s{status}"))
    assert out.state == "not_created"
    assert f"HTTP {status}" in out.message
    assert not out.reconciled
    assert await count_named(asgi_session.client, f"s{status}") == 0
    # the POST was sent exactly once (never retried automatically)
    assert sum(1 for r in asgi_session.client.history if r.method == "POST" and r.path == "/v1/accounts") == 1


@pytest.mark.parametrize("status", [502, 504])
async def test_gateway_error_with_nothing_committed_reconciles_to_not_created(asgi_session, emulator, status):
    emulator.faults.fail_next("POST /v1/accounts", status)
    phases = []
    out = await create_account(asgi_session.client, AccountRequest(name=f"g{status}"), on_phase=phases.append)
    assert out.state == "not_created"
    assert out.reconciled
    assert Phase.RECONCILING in phases
    assert "was not created" in out.message and "retry is safe" in out.message


async def test_dropped_connection_after_commit_reconciles_to_created_asgi(asgi_session, emulator):
    emulator.faults.drop_after_commit()
    out = await create_account(asgi_session.client, AccountRequest(name="dropped"))
    assert out.state == "created" and out.reconciled
    assert out.account.name == "dropped"
    assert await count_named(asgi_session.client, "dropped") == 1


async def test_dropped_connection_after_commit_reconciles_to_created_live(live_session, live_emulator):
    live_emulator.emulator.faults.drop_after_commit()
    out = await create_account(live_session.client, AccountRequest(name="dropped-live"))
    assert out.state == "created" and out.reconciled, out.message
    assert await count_named(live_session.client, "dropped-live") == 1


async def test_timeout_after_commit_reconciles_to_created_live(live_session, live_emulator):
    live_emulator.emulator.faults.delay_after_commit(1.5)
    out = await create_account(live_session.client, AccountRequest(name="slow"), recheck_delay=0.05)
    assert out.state == "created" and out.reconciled, out.message
    assert "did not answer in time" in out.message
    assert await count_named(live_session.client, "slow") == 1


async def test_gateway_error_live_reconciles_to_not_created(live_session, live_emulator):
    live_emulator.emulator.faults.fail_next("POST /v1/accounts", 504)
    out = await create_account(live_session.client, AccountRequest(name="gw"))
    assert out.state == "not_created" and out.reconciled


async def test_malformed_success_is_reconciled(asgi_session, emulator):
    emulator.faults.malformed_next("POST /v1/accounts", kind="html")
    out = await create_account(asgi_session.client, AccountRequest(name="weird"))
    # the fault answers without committing: the list tells the truth either way
    assert out.state in ("created", "not_created") and out.reconciled
    assert (await count_named(asgi_session.client, "weird")) == (1 if out.state == "created" else 0)


async def test_reconciliation_failure_is_unknown_and_says_so(asgi_session, emulator):
    emulator.faults.drop_after_commit()
    emulator.faults.fail_next("GET /v1/accounts", 500, count=10)
    out = await create_account(asgi_session.client, AccountRequest(name="dunno"))
    assert out.state == "unknown"
    assert "cannot tell whether 'dunno' was created" in out.message
    assert "check the list" in out.message


async def test_401_during_create_relogs_reconciles_then_sends_once(asgi_session, emulator):
    emulator.faults.fail_next("POST /v1/accounts", 401, body={"message": "token expired"})
    out = await create_account(asgi_session.client, AccountRequest(name="after401"))
    assert out.state == "created", out.message
    assert await count_named(asgi_session.client, "after401") == 1
    posts = [r for r in asgi_session.client.history if r.method == "POST" and r.path == "/v1/accounts"]
    assert [r.status for r in posts] == [401, 200]


async def test_401_without_a_way_to_relogin_is_not_created(asgi_transport, emulator, demo_credentials):
    from ccm_tui.api.client import CcmClient

    login = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await login.login(*demo_credentials)
    token = login.access_token.get_secret_value()
    client = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await client.login_with_token(token)
    emulator.faults.fail_next("POST /v1/accounts", 401)
    out = await create_account(client, AccountRequest(name="no-reauth"))
    assert out.state == "not_created"
    assert "log in again" in out.message
    await client.aclose()
    await login.aclose()


async def _token_only_client(asgi_transport, demo_credentials):
    """A client that holds a pasted token and no password: it cannot log in by itself."""
    from ccm_tui.api.client import CcmClient

    login = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await login.login(*demo_credentials)
    client = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await client.login_with_token(login.access_token.get_secret_value())
    await login.aclose()
    return client


async def test_401_asks_for_the_password_until_one_works_then_sends_once(
        asgi_transport, emulator, demo_credentials):
    """The console's re-login dialog is a callback: a wrong password asks again with the
    reason; the right one logs in, the list is checked, and the account is created once."""
    email, password = demo_credentials
    client = await _token_only_client(asgi_transport, demo_credentials)
    emulator.faults.fail_next("POST /v1/accounts", 401)
    asked: list[str] = []
    answers = iter(["wrong-password", password])

    async def ask(problem: str) -> str | None:
        asked.append(problem)
        return next(answers)

    try:
        out = await create_account(client, AccountRequest(name="asked"), ask_password=ask,
                                   email=email)
        assert out.state == "created", out.message
        assert asked[0] == "" and "password is wrong" in asked[1] and len(asked) == 2
        assert "wrong-password" not in asked[1]
        assert await count_named(client, "asked") == 1
        posts = [r.status for r in client.history if r.method == "POST" and r.path == "/v1/accounts"]
        assert posts == [401, 200]
    finally:
        await client.aclose()


async def test_401_and_the_operator_gives_up_is_not_created_and_not_resent(
        asgi_transport, emulator, demo_credentials):
    client = await _token_only_client(asgi_transport, demo_credentials)
    emulator.faults.fail_next("POST /v1/accounts", 401)

    async def give_up(_problem: str) -> str | None:
        return None

    try:
        out = await create_account(client, AccountRequest(name="gave-up"), ask_password=give_up,
                                   email=demo_credentials[0])
        assert out.state == "not_created" and isinstance(out.error, AuthRequired)
        assert "not created" in out.message
        posts = [r for r in client.history if r.method == "POST" and r.path == "/v1/accounts"]
        assert len(posts) == 1
        assert await count_named(client, "gave-up") == 0
    finally:
        await client.aclose()


async def test_get_account_reads_one_account_with_its_totals(asgi_session):
    from ccm_tui.service.accounts import get_account

    created = await create_account(asgi_session.client, AccountRequest(name="one"))
    got = await get_account(asgi_session.client, created.account.acct_id)
    assert got.acct_id == created.account.acct_id and got.name == "one"
    assert got.totals is not None


async def test_server_down_is_not_created_with_clear_message():
    from ccm_tui.api.client import CcmClient
    from ccm_tui.api.policy import RetryPolicy
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = CcmClient(f"http://127.0.0.1:{port}", token="t-123456", retry=RetryPolicy(base_delay=0.01))
    out = await create_account(client, AccountRequest(name="down"))
    assert out.state == "not_created"
    assert f"cannot connect to 127.0.0.1:{port}" in out.message
    await client.aclose()


async def test_reconcile_create_finds_by_exact_name(asgi_session):
    client = asgi_session.client
    await create_account(client, AccountRequest(name="findme"))
    assert (await reconcile_create(client, "findme")).name == "findme"
    assert await reconcile_create(client, "FINDME") is None


async def test_confirm_create_says_absent_only_after_the_deadline(asgi_session):
    """After a cancel, "not created" may only be said once the server cannot still be working
    on the request: the list is read until ``deadline`` seconds after sending."""
    from ccm_tui.service.accounts import confirm_create

    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    out = await confirm_create(asgi_session.client, "never", sent_at=99.0, deadline=3.0,
                               interval=0.5, clock=lambda: now[0], sleep=sleep)
    assert out.account is None
    assert out.waited >= 3.0 and now[0] >= 102.0  # the last look came after the deadline
    assert out.checks == len(slept) + 1 == 5


async def test_confirm_create_finds_an_account_committed_late(asgi_session):
    from ccm_tui.service.accounts import confirm_create

    client = asgi_session.client
    now = [0.0]

    async def sleep(seconds: float) -> None:  # the server commits while we wait
        now[0] += seconds
        if now[0] >= 1.0 and await count_named(client, "late") == 0:
            await client.create_account(AccountRequest(name="late"))

    out = await confirm_create(client, "late", sent_at=0.0, deadline=30.0, interval=0.5,
                               clock=lambda: now[0], sleep=sleep)
    assert out.account is not None and out.account.name == "late"
    assert out.waited < 30.0
