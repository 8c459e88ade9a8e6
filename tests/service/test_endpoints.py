"""The other session and account endpoints against the emulator (in-process)."""

from __future__ import annotations

import asyncio

import pytest

from ccm_tui.api.errors import AuthRequired, NotFound
from ccm_tui.models import AccountRequest, AccountUpdateRequest
from ccm_tui.service.accounts import create_account, reconcile_create


async def test_account_lifecycle_and_session_calls(asgi_session, demo_credentials):
    client = asgi_session.client
    assert await client.version()
    methods = await client.discover(demo_credentials[0])
    assert any("password" in m for m in methods)

    created = await client.create_account(AccountRequest(name="life"))
    got = await client.get_account(created.acct_id, with_totals=True)
    assert got.name == "life" and got.totals is not None

    info = await client.select_account(created.acct_id)
    assert client.session_info.selected_account_id == created.acct_id
    assert info is None or info.selected_account_id == created.acct_id

    memberships = await client.user_accounts(asgi_session.user.user_id)
    assert created.acct_id in memberships

    renamed = await client.update_account(created.acct_id, AccountUpdateRequest(name="life2"))
    assert renamed.name == "life2"

    before = client.token_expires_at
    refreshed = await client.refresh()
    assert refreshed.session_token_expires_at >= before

    await client.delete_account(created.acct_id)
    with pytest.raises(NotFound):
        await client.get_account(created.acct_id)

    await client.terminate()
    assert not client.is_authenticated


async def test_paging_across_several_pages(asgi_transport, demo_credentials):
    from ccm_tui.api.client import CcmClient

    client = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await client.login(*demo_credentials)
    for i in range(23):
        await client.create_account(AccountRequest(name=f"p{i:02d}"))
    pages = [p async for p in client.iter_account_pages(page_size=5)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    all_names = sorted(a.name for p in pages for a in p)
    assert all_names == [f"p{i:02d}" for i in range(23)]
    gets = [r for r in client.history if r.method == "GET" and r.path.startswith("/v1/accounts")]
    assert len(gets) == 5 and "previous_id=" in gets[1].path
    await client.aclose()


async def test_cancel_during_create_then_reconcile_tells_the_truth(live_session, live_emulator):
    live_emulator.emulator.faults.delay_after_commit(1.0)
    task = asyncio.create_task(create_account(live_session.client, AccountRequest(name="cancelled")))
    # Cancel while the answer is held back (1 s): the server has committed the account.
    deadline = asyncio.get_running_loop().time() + 30
    while live_emulator.emulator.store.find_by_name("cancelled") is None:
        assert not task.done(), task
        assert asyncio.get_running_loop().time() < deadline, "the POST never reached the server"
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    found = await reconcile_create(live_session.client, "cancelled")
    assert found is not None and found.name == "cancelled"
    assert await reconcile_create(live_session.client, "never-sent") is None


async def test_expired_token_with_password_login_is_renewed_transparently(asgi_transport, emulator, demo_credentials):
    from ccm_tui.api.client import CcmClient

    client = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await client.login(*demo_credentials)
    emulator.faults.fail_next("GET /v1/accounts", 401)
    assert await client.list_accounts() == []
    assert sum(1 for r in client.history if r.path == "/v1/sys/auth") == 2
    await client.aclose()

    pasted = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    login = CcmClient("http://127.0.0.1:9", transport=asgi_transport)
    await login.login(*demo_credentials)
    await pasted.login_with_token(login.access_token)
    emulator.faults.fail_next("GET /v1/accounts", 401)
    with pytest.raises(AuthRequired):
        await pasted.list_accounts()
    await pasted.aclose()
    await login.aclose()


async def test_reads_survive_transient_503_with_retry_after(asgi_session, emulator):
    emulator.faults.fail_next("GET /v1/accounts", 503, count=2, retry_after=0)
    assert await asgi_session.client.list_accounts() == []
    statuses = [r.status for r in asgi_session.client.history if r.path.startswith("/v1/accounts")]
    assert statuses == [503, 503, 200]


async def test_malformed_list_is_a_readable_error(asgi_session, emulator):
    from ccm_tui.api.errors import MalformedResponse

    emulator.faults.malformed_next("GET /v1/accounts", kind="html")
    with pytest.raises(MalformedResponse, match=r"unreadable answer \(an HTML page\)"):
        await asgi_session.client.list_accounts()
