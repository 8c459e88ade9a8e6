"""The shared fixtures work: in-process and live emulator answer a login and a create."""

from __future__ import annotations

import httpx


async def test_asgi_create_and_list(client, emulator):
    r = await client.post("/v1/accounts", json={"name": "first"})
    assert r.status_code == 200
    acct = r.json()
    assert acct["roles"] == ["MANAGER", "WRITER", "READER"]
    assert acct["status"] == "ACTIVE" and acct["account_status"] == "Active"
    r = await client.get("/v1/accounts")
    assert [a["name"] for a in r.json()["items"]] == ["first"]
    assert emulator.last_body("POST", "/v1/accounts") == {"name": "first"}


def test_live_server_login(live_emulator, demo_credentials):
    assert live_emulator.url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=live_emulator.url) as c:
        assert c.get("/v1/sys/version").json()["version"]
        r = c.post("/v1/sys/auth", auth=demo_credentials)
        assert r.status_code == 200
        token = r.json()["access_token"]
        r = c.get("/v1/user", headers={"Authorization": f"Bearer {token}"})
        assert r.json()["user_email"] == demo_credentials[0]
