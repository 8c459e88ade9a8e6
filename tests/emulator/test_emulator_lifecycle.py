"""PATCH and DELETE as the account lifecycle uses them: logo removal, status, name clashes in
both flavours, READER refused, and commit faults that make the answer ambiguous."""

from __future__ import annotations

import base64

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, create_app

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 32).decode()


async def _new(client, name: str, **extra) -> dict:
    r = await client.post("/v1/accounts", json={"name": name, **extra})
    assert r.status_code == 200, r.text
    return r.json()


async def test_empty_logo_removes_it_and_other_fields_stay(client):
    acct = await _new(client, "logo", custom_logo=PNG)
    assert acct["custom_logo"] == PNG
    r = await client.patch(f"/v1/accounts/{acct['acct_id']}", json={"custom_logo": ""})
    assert r.status_code == 200, r.text
    assert "custom_logo" not in r.json()
    again = (await client.get(f"/v1/accounts/{acct['acct_id']}")).json()
    assert "custom_logo" not in again and again["name"] == "logo"
    assert again["auth_configs"] == acct["auth_configs"]


async def test_deactivate_then_reactivate_is_listed(client):
    acct_id = (await _new(client, "st"))["acct_id"]
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"account_status": "Deactivated"})
    assert r.json()["account_status"] == "Deactivated"
    listed = (await client.get("/v1/accounts")).json()["items"]
    assert [a["account_status"] for a in listed if a["acct_id"] == acct_id] == ["Deactivated"]
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"account_status": "Active"})
    assert r.json()["account_status"] == "Active"


async def test_rename_to_taken_name_400_flavour(client, emulator):
    await _new(client, "taken")
    acct_id = (await _new(client, "mine"))["acct_id"]
    emulator.duplicate_status = 400
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"name": "taken"})
    assert r.status_code == 400 and "already exists" in r.json()["message"]
    assert (await client.get(f"/v1/accounts/{acct_id}")).json()["name"] == "mine"


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_drop_after_commit_on_patch_and_delete(client, emulator, method):
    acct_id = (await _new(client, "dropme"))["acct_id"]
    route = f"{method} /v1/accounts/{{account-id}}"
    emulator.faults.drop_after_commit(route=route)
    with pytest.raises(httpx.RemoteProtocolError):
        if method == "PATCH":
            await client.patch(f"/v1/accounts/{acct_id}", json={"name": "dropped"})
        else:
            await client.delete(f"/v1/accounts/{acct_id}")
    after = await client.get(f"/v1/accounts/{acct_id}")
    if method == "PATCH":
        assert after.json()["name"] == "dropped"  # committed before the connection broke
    else:
        assert after.status_code == 404
    # the rule was used up, and a create is not affected by a PATCH/DELETE rule
    assert not emulator.faults.active


async def test_create_rule_does_not_fire_on_patch(client, emulator):
    acct_id = (await _new(client, "c"))["acct_id"]
    emulator.faults.drop_after_commit()
    r = await client.patch(f"/v1/accounts/{acct_id}", json={"name": "c2"})
    assert r.status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/v1/accounts", json={"name": "d"})


async def test_fault_endpoint_accepts_a_route_for_commit_faults(client, emulator):
    acct_id = (await _new(client, "viahttp"))["acct_id"]
    r = await client.post("/_emulator/faults", json={
        "action": "drop_after_commit", "route": "DELETE /v1/accounts/{account-id}"})
    assert r.status_code in (200, 204), r.text
    with pytest.raises(httpx.RemoteProtocolError):
        await client.delete(f"/v1/accounts/{acct_id}")
    assert (await client.get(f"/v1/accounts/{acct_id}")).status_code == 404


async def test_demo_has_an_active_reader_only_account_it_cannot_change():
    app = create_app(demo_data=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        r = await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        items = (await c.get("/v1/accounts")).json()["items"]
        readers = [a for a in items if a["roles"] == ["READER"] and a["status"] == "ACTIVE"]
        assert readers, "demo data needs an ACTIVE READER-only account"
        acct_id = readers[0]["acct_id"]
        r = await c.patch(f"/v1/accounts/{acct_id}", json={"name": "nope"})
        assert r.status_code == 403
        assert (await c.delete(f"/v1/accounts/{acct_id}")).status_code == 403
        assert (await c.get(f"/v1/accounts/{acct_id}")).json()["name"] == readers[0]["name"]
    app.state.emulator.store.close()
