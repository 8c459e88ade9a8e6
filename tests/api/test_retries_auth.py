"""Read retries (backoff, Retry-After), token refresh, 401 re-auth, select fallback, paging."""

from __future__ import annotations

import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from ccm_tui.api.errors import AuthRequired, NotFound, RateLimited, ServerError
from ccm_tui.api.policy import RetryPolicy, parse_retry_after
from ccm_tui.models import AccountRequest

from .helpers import PASSWORD, TOKEN, Script, auth_ok, make_client

ACCOUNTS = {"items": [{"acct_id": "a1", "name": "one"}]}


async def test_5xx_then_success_retries_with_exponential_backoff():
    script = Script().queue(
        "GET /v1/accounts",
        httpx.Response(503, json={"message": "busy"}),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(200, json=ACCOUNTS),
    )
    client, sleeps = make_client(script, token=TOKEN)
    accounts = await client.list_accounts()
    assert [a.name for a in accounts] == ["one"]
    assert sleeps == [0.5, 1.0]
    assert [r.status for r in client.history] == [503, 502, 200]
    assert [r.attempt for r in client.history] == [1, 2, 3]
    await client.aclose()


async def test_retries_are_bounded_and_the_last_error_surfaces():
    script = Script().on("GET /v1/accounts", httpx.Response(500, json={"message": "db down"}))
    client, sleeps = make_client(script, token=TOKEN)
    with pytest.raises(ServerError, match="db down"):
        await client.list_accounts()
    assert script.count("GET /v1/accounts") == 3
    assert len(sleeps) == 2
    await client.aclose()


async def test_retry_after_seconds_is_honoured():
    script = Script().queue(
        "GET /v1/accounts",
        httpx.Response(429, headers={"Retry-After": "2"}, json={"message": "slow down"}),
        httpx.Response(200, json=ACCOUNTS),
    )
    client, sleeps = make_client(script, token=TOKEN)
    await client.list_accounts()
    assert sleeps == [2.0]
    await client.aclose()


async def test_retry_after_http_date_is_honoured():
    when = datetime.now(timezone.utc) + timedelta(seconds=4)
    script = Script().queue(
        "GET /v1/sys/version",
        httpx.Response(503, headers={"Retry-After": format_datetime(when, usegmt=True)}),
        httpx.Response(200, json={"version": "2.0"}),
    )
    client, sleeps = make_client(script)
    assert await client.version() == "2.0"
    assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 4.5
    await client.aclose()


async def test_retry_after_beyond_cap_is_reported_not_waited():
    script = Script().on("GET /v1/accounts", httpx.Response(429, headers={"Retry-After": "3600"}))
    client, sleeps = make_client(script, token=TOKEN)
    with pytest.raises(RateLimited) as info:
        await client.list_accounts()
    assert info.value.retry_after == 3600
    assert sleeps == []
    await client.aclose()


def test_parse_retry_after_forms():
    assert parse_retry_after("5") == 5
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_backoff_is_capped_and_jittered():
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=True)
    for attempt in range(1, 10):
        delay = policy.backoff(attempt)
        cap = min(5.0, 2 ** (attempt - 1))
        assert cap / 2 <= delay <= cap


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_create_is_never_retried(status):
    script = Script().on("POST /v1/accounts", httpx.Response(status, headers={"Retry-After": "1"}))
    client, sleeps = make_client(script, token=TOKEN)
    with pytest.raises(Exception):
        await client.create_account(AccountRequest(name="a"))
    assert script.count("POST /v1/accounts") == 1
    assert sleeps == []
    await client.aclose()


async def test_login_sends_basic_and_then_bearer_csrf_and_user_agent():
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok()).on(
        "GET /v1/accounts", httpx.Response(200, json=ACCOUNTS)
    )
    client, _ = make_client(script)
    await client.login("ops@example.com", PASSWORD)
    await client.list_accounts()
    login_req, list_req = script.seen
    assert login_req.headers["authorization"].startswith("Basic ")
    assert list_req.headers["authorization"] == f"Bearer {TOKEN}"
    assert list_req.headers["x-csrf-header"] == "true"
    assert list_req.headers["user-agent"].startswith("ccm-tui/")
    assert client.is_authenticated and client.token_expires_at is not None
    await client.aclose()


async def test_wrong_password_is_a_clear_auth_error_without_secret():
    script = Script().on("POST /v1/sys/auth", httpx.Response(401, json={"message": "Unauthorized"}))
    client, _ = make_client(script)
    with pytest.raises(AuthRequired) as info:
        await client.login("ops@example.com", PASSWORD)
    assert "email or password is wrong" in str(info.value)
    assert PASSWORD not in str(info.value)
    assert script.count("POST /v1/sys/auth") == 1
    await client.aclose()


async def test_cookies_are_kept():
    def login(req):
        resp = auth_ok()
        resp.headers["set-cookie"] = "session=abc; Path=/"
        return resp

    script = Script().on("POST /v1/sys/auth", login).on("GET /v1/user", httpx.Response(200, json={"user_id": "u"}))
    client, _ = make_client(script)
    await client.login("a@b.c", PASSWORD)
    await client.current_user()
    assert "session=abc" in script.seen[-1].headers.get("cookie", "")
    await client.aclose()


async def test_token_is_refreshed_before_it_expires():
    now = [1_000_000.0]
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok(ttl=120, now=now[0]))
    script.on("POST /v1/sys/session/refresh", lambda r: httpx.Response(
        200, json={"session_info": {"session_token_expires_at": int(now[0] + 900)}}))
    script.on("GET /v1/accounts", httpx.Response(200, json=ACCOUNTS))
    client, _ = make_client(script, clock=lambda: now[0])
    await client.login("a@b.c", PASSWORD)
    await client.list_accounts()
    assert script.count("POST /v1/sys/session/refresh") == 0
    now[0] += 61  # 59 s left: under the 60 s margin
    await client.list_accounts()
    assert script.count("POST /v1/sys/session/refresh") == 1
    assert client.token_expires_at == int(now[0] + 900)
    paths = [f"{r.method} {r.url.path}" for r in script.seen]
    assert paths[-2:] == ["POST /v1/sys/session/refresh", "GET /v1/accounts"]
    await client.aclose()


async def test_401_on_read_relogs_in_once_with_remembered_password():
    tokens = iter(["t1-xxxxxxxx", "t2-xxxxxxxx"])
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok(token=next(tokens)))
    script.on("GET /v1/accounts", lambda r: httpx.Response(200, json=ACCOUNTS)
              if r.headers["authorization"] == "Bearer t2-xxxxxxxx"
              else httpx.Response(401, json={"message": "token expired"}))
    client, _ = make_client(script)
    await client.login("a@b.c", PASSWORD)
    assert [a.acct_id for a in await client.list_accounts()] == ["a1"]
    assert script.count("POST /v1/sys/auth") == 2
    assert script.count("GET /v1/accounts") == 2
    await client.aclose()


async def test_401_uses_the_reauth_callback_and_gives_up_when_it_declines():
    script = Script().on("GET /v1/accounts", httpx.Response(401, json={"message": "expired"}))
    calls = []

    async def reauth() -> bool:
        calls.append(1)
        return False

    client, _ = make_client(script, token=TOKEN, reauth=reauth)
    with pytest.raises(AuthRequired):
        await client.list_accounts()
    assert calls == [1]
    assert script.count("GET /v1/accounts") == 1
    await client.aclose()


async def test_reauth_callback_that_logs_in_lets_the_read_continue():
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok(token="fresh-token-1"))
    script.on("GET /v1/accounts", lambda r: httpx.Response(200, json=ACCOUNTS)
              if r.headers.get("authorization") == "Bearer fresh-token-1"
              else httpx.Response(401))
    holder = {}

    async def reauth() -> bool:
        await holder["c"].login("a@b.c", "typed-again")
        return True

    client, _ = make_client(script, token="old-token-1", reauth=reauth)
    holder["c"] = client
    assert len(await client.list_accounts()) == 1
    await client.aclose()


async def test_create_401_is_not_retried_by_the_client():
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok())
    script.on("POST /v1/accounts", httpx.Response(401))
    client, _ = make_client(script)
    await client.login("a@b.c", PASSWORD)
    with pytest.raises(AuthRequired):
        await client.create_account(AccountRequest(name="a"))
    assert script.count("POST /v1/accounts") == 1
    assert script.count("POST /v1/sys/auth") == 1
    await client.aclose()


async def test_login_with_token_validates_and_rejects_clearly():
    script = Script().on("GET /v1/user", lambda r: httpx.Response(200, json={"user_id": "u", "user_email": "x@y.z"})
                         if r.headers.get("authorization") == f"Bearer {TOKEN}" else httpx.Response(401))
    client, _ = make_client(script)
    user = await client.login_with_token(TOKEN)
    assert user.user_email == "x@y.z"
    with pytest.raises(AuthRequired, match="token rejected or expired"):
        await client.login_with_token("wrong-token")
    assert not client.is_authenticated
    await client.aclose()


async def test_select_account_new_path():
    script = Script().on("POST /v1/sys/session/select_account/a1", httpx.Response(
        200, json={"session_info": {"selected_account_id": "a1", "session_token_expires_at": 5}}))
    client, _ = make_client(script, token=TOKEN)
    info = await client.select_account("a1")
    assert info.selected_account_id == "a1"
    assert client.session_info.selected_account_id == "a1"
    await client.aclose()


async def test_select_account_falls_back_to_older_path_on_404():
    script = Script().on("POST /v1/accounts/select_account/a1", httpx.Response(204))
    client, _ = make_client(script, token=TOKEN)
    assert await client.select_account("a1") is None
    assert client.session_info.selected_account_id == "a1"
    assert [r.url.path for r in script.seen] == [
        "/v1/sys/session/select_account/a1", "/v1/accounts/select_account/a1"]
    await client.aclose()


async def test_select_unknown_account_on_both_paths_is_not_found():
    client, _ = make_client(Script(), token=TOKEN)
    with pytest.raises(NotFound):
        await client.select_account("nope")
    await client.aclose()


async def test_paging_follows_previous_id_until_a_short_page():
    ids = [f"id{i:03d}" for i in range(7)]

    def page(req):
        limit = int(req.url.params["limit"])
        prev = req.url.params.get("previous_id")
        start = ids.index(prev) + 1 if prev else 0
        return httpx.Response(200, json={"items": [{"acct_id": i} for i in ids[start:start + limit]]})

    script = Script().on("GET /v1/accounts", page)
    client, _ = make_client(script, token=TOKEN)
    pages = [[a.acct_id for a in p] async for p in client.iter_account_pages(page_size=3)]
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]
    assert [r.url.params.get("previous_id") for r in script.seen] == [None, "id002", "id005"]
    await client.aclose()


async def test_paging_stops_when_the_server_ignores_the_cursor():
    script = Script().on("GET /v1/accounts", httpx.Response(200, json={"items": [{"acct_id": "a"}, {"acct_id": "b"}]}))
    client, _ = make_client(script, token=TOKEN)
    accounts = await client.list_accounts(page_size=2)
    assert [a.acct_id for a in accounts] == ["a", "b"]
    assert script.count("GET /v1/accounts") == 2
    await client.aclose()


async def test_request_records_hold_no_password_or_token():
    seen = []
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok())
    client, _ = make_client(script, on_request=seen.append)
    await client.login("a@b.c", PASSWORD)
    (record,) = seen
    assert (record.method, record.path, record.status, record.auth) == ("POST", "/v1/sys/auth", 200, "basic")
    text = repr(record) + record.log_line()
    assert PASSWORD not in text and TOKEN not in text
    await client.aclose()


async def test_concurrent_401s_share_one_relogin():
    import asyncio

    tokens = iter([f"tok-{i}-xxxxxxxx" for i in range(10)])
    script = Script().on("POST /v1/sys/auth", lambda r: auth_ok(token=next(tokens)))
    script.on("GET /v1/accounts", lambda r: httpx.Response(200, json=ACCOUNTS)
              if r.headers["authorization"] == "Bearer tok-1-xxxxxxxx" else httpx.Response(401))
    client, _ = make_client(script)
    await client.login("a@b.c", PASSWORD)
    results = await asyncio.gather(*(client.list_accounts() for _ in range(6)))
    assert all(len(r) == 1 for r in results)
    assert script.count("POST /v1/sys/auth") == 2  # the first login and ONE re-login
    await client.aclose()


async def test_reauth_callback_pasting_a_token_does_not_deadlock():
    import asyncio

    now = [1_000_000.0]
    script = Script().on("GET /v1/user", lambda r: httpx.Response(200, json={"user_id": "u"})
                         if r.headers.get("authorization") == "Bearer new-token-1" else httpx.Response(401))
    script.on("GET /v1/accounts", lambda r: httpx.Response(200, json=ACCOUNTS)
              if r.headers.get("authorization") == "Bearer new-token-1" else httpx.Response(401))
    script.on("POST /v1/sys/session/refresh", httpx.Response(401))
    holder = {}

    async def reauth() -> bool:  # the UI asks for a fresh token, in another task
        async def paste():
            await holder["c"].login_with_token("new-token-1")
            await holder["c"].current_user()
        await asyncio.create_task(paste())
        return True

    client, _ = make_client(script, token="old-token-1", reauth=reauth, clock=lambda: now[0])
    from ccm_tui.models import SessionInfo
    client.session_info = SessionInfo(session_token_expires_at=int(now[0] + 10))  # nearly expired
    holder["c"] = client
    result = await asyncio.wait_for(client.list_accounts(), timeout=5)
    assert len(result) == 1
    await client.aclose()


async def test_changed_password_falls_back_to_the_reauth_callback():
    logins = []

    def auth(req):
        logins.append(1)
        return auth_ok(token="first-token") if len(logins) == 1 else httpx.Response(401)

    script = Script().on("POST /v1/sys/auth", auth)
    script.on("GET /v1/accounts", httpx.Response(401))
    asked = []

    async def reauth() -> bool:
        asked.append(1)
        return False

    client, _ = make_client(script, reauth=reauth)
    await client.login("a@b.c", PASSWORD)
    with pytest.raises(AuthRequired):
        await client.list_accounts()
    assert len(logins) == 2 and asked == [1]
    await client.aclose()
