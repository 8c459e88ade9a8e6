"""Session endpoints: login, discover, refresh, terminate, select account, user, expiry."""

from __future__ import annotations

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, SESSION_COOKIE, ManualClock, create_app

BASE = "http://ccm.test"


async def test_version_needs_no_auth(anon):
    r = await anon.get("/v1/sys/version")
    assert r.status_code == 200 and isinstance(r.json()["version"], str)


async def test_login_returns_token_and_session_info(anon, emulator):
    r = await anon.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
    assert r.status_code == 200
    body = r.json()
    info = body["session_info"]
    assert body["access_token"]
    assert info["subject_id"] == emulator.user["user_id"]
    now = emulator.now()
    assert info["session_token_expires_at"] == pytest.approx(now + 900, abs=2)
    assert info["session_expires_at"] == pytest.approx(now + 8 * 3600, abs=2)
    assert "selected_account_id" not in info
    assert r.cookies.get(SESSION_COOKIE) == body["access_token"]


@pytest.mark.parametrize(
    "auth", [(DEMO_EMAIL, "wrong"), ("other@example.com", DEMO_PASSWORD), ("", "")]
)
async def test_wrong_credentials_401_with_message(anon, auth):
    r = await anon.post("/v1/sys/auth", auth=auth)
    assert r.status_code == 401
    assert "invalid email or password" in r.json()["message"]


async def test_missing_basic_header_401(anon):
    r = await anon.post("/v1/sys/auth")
    assert r.status_code == 401 and "Basic" in r.json()["message"]
    r = await anon.post("/v1/sys/auth", headers={"Authorization": "Basic !!notbase64"})
    assert r.status_code == 401


async def test_configured_credentials(emulator_app):
    app = create_app(email="ops@corp.example", password="s3cret-pass")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        assert (await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))).status_code == 401
        assert (await c.post("/v1/sys/auth", auth=("ops@corp.example", "s3cret-pass"))).status_code == 200


async def test_discover(anon):
    r = await anon.post("/v1/sys/auth/discover", json={"user_email": "x@example.com"})
    assert r.status_code == 200 and r.json() == {"auth_methods": [{"password": {}}]}
    r = await anon.post("/v1/sys/auth/discover", json={"user_email": 5})
    assert r.status_code == 400 and "`user_email`" in r.json()["message"]
    r = await anon.post("/v1/sys/auth/discover", content=b"not json")
    assert r.status_code == 400 and "JSON" in r.json()["message"]


@pytest.mark.parametrize("path", ["/v1/user", "/v1/accounts"])
async def test_missing_and_bad_tokens_401(anon, path):
    r = await anon.get(path)
    assert r.status_code == 401 and "Authorization: Bearer" in r.json()["message"]
    r = await anon.get(path, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and "expired" in r.json()["message"]


async def test_cookie_and_spec_header_are_accepted(anon):
    r = await anon.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
    token = r.json()["access_token"]
    assert (await anon.get("/v1/user")).status_code == 200  # the cookie the login set
    anon.cookies.clear()
    assert (await anon.get("/v1/user")).status_code == 401
    assert (await anon.get("/v1/user", headers={"Authentication": f"Bearer {token}"})).status_code == 200


async def test_token_expires_and_refresh_extends_same_token():
    clock = ManualClock(1_700_000_000)
    app = create_app(clock=clock, token_ttl=60, session_ttl=300)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        r = await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        token = r.json()["access_token"]
        assert r.json()["session_info"]["session_token_expires_at"] == 1_700_000_060
        c.cookies.clear()
        h = {"Authorization": f"Bearer {token}"}
        clock.advance(59)
        assert (await c.get("/v1/user", headers=h)).status_code == 200
        r = await c.post("/v1/sys/session/refresh", headers=h)
        assert r.status_code == 200
        assert r.json()["session_info"]["session_token_expires_at"] == 1_700_000_119
        clock.advance(59)  # past the first expiry, within the refreshed one
        assert (await c.get("/v1/user", headers=h)).status_code == 200
        clock.advance(2)
        r = await c.get("/v1/user", headers=h)
        assert r.status_code == 401 and "expired" in r.json()["message"]
        assert (await c.post("/v1/sys/session/refresh", headers=h)).status_code == 401


async def test_refresh_never_outlives_the_session():
    clock = ManualClock(1_000)
    app = create_app(clock=clock, token_ttl=60, session_ttl=100)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        r = await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        clock.advance(50)
        r = await c.post("/v1/sys/session/refresh")
        assert r.json()["session_info"]["session_token_expires_at"] == 1_100
        clock.advance(50)
        assert (await c.get("/v1/user")).status_code == 401


async def test_terminate_ends_the_session(client):
    r = await client.post("/v1/sys/session/terminate")
    assert r.status_code == 204 and r.content == b""
    assert (await client.get("/v1/user")).status_code == 401


async def test_select_account_new_and_legacy_paths(client, emulator):
    acct = (await client.post("/v1/accounts", json={"name": "sel"})).json()["acct_id"]
    r = await client.post(f"/v1/sys/session/select_account/{acct}")
    assert r.status_code == 200 and r.json()["session_info"]["selected_account_id"] == acct
    r = await client.post("/v1/sys/session/select_account/00000000-0000-4000-8000-000000000000")
    assert r.status_code == 404
    emulator.select_account_v2 = False
    assert (await client.post(f"/v1/sys/session/select_account/{acct}")).status_code == 404
    r = await client.post(f"/v1/accounts/select_account/{acct}")
    assert r.status_code == 204
    assert (await client.post("/v1/accounts/select_account/nope")).status_code == 404


async def test_user_and_user_accounts(client, emulator):
    user = (await client.get("/v1/user")).json()
    assert user["user_email"] == DEMO_EMAIL and user["user_id"] == emulator.user["user_id"]
    assert isinstance(user["last_logged_in_at"], int)
    acct = (await client.post("/v1/accounts", json={"name": "mine"})).json()["acct_id"]
    r = await client.get(f"/v1/users/{user['user_id']}/accounts")
    assert r.json() == {acct: {"roles": ["MANAGER", "WRITER", "READER"], "status": "ACTIVE"}}
    r = await client.get("/v1/users/00000000-0000-4000-8000-000000000000/accounts")
    assert r.status_code == 404


async def test_unknown_endpoint_and_method_are_json(client):
    r = await client.get("/v1/nothing")
    assert r.status_code == 404 and "no such endpoint" in r.json()["message"]
    r = await client.put("/v1/accounts")
    assert r.status_code == 405 and "PUT" in r.json()["message"]
