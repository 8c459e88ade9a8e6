"""The demo data set (``create_app(demo_data=True)``): varied, stable, secret-free, and
independent of the bulk ``seed_accounts`` names."""

from __future__ import annotations

import json

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, ManualClock, create_app


async def _listing(app) -> list[dict]:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        r = await client.post("/v1/sys/auth", auth=httpx.BasicAuth(DEMO_EMAIL, DEMO_PASSWORD))
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        r = await client.get("/v1/accounts", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return r.json()["items"]


async def test_demo_accounts_are_varied_as_a_newcomer_should_see():
    items = await _listing(create_app(demo_data=True, clock=ManualClock(1_750_000_000), id_seed=3))
    by_name = {a["name"]: a for a in items}
    assert {"Payments (prod)", "Payments (staging)", "Data science sandbox", "Confidential AI pilot",
            "Legacy billing"} <= set(by_name)
    assert not any(n.startswith("seed-account") for n in by_name)
    assert by_name["Confidential AI pilot"]["component"] == "CONFIDENTIAL_AI"
    assert by_name["Legacy billing"]["account_status"] == "Deactivated"
    assert {"READER"} in [set(a["roles"]) for a in items if a["status"] == "PENDING"]
    assert any(a["roles"] == ["WRITER"] for a in items)
    kinds = {next(iter(c)) for a in items for c in a["auth_configs"].values()}
    assert kinds == {"password", "oauth", "cluster_auth_ref"}
    oauth = [c["oauth"] for a in items for c in a["auth_configs"].values() if "oauth" in c]
    assert all("required" in o["tls"] for o in oauth)
    created = sorted(a["created_at"] for a in items)
    assert created[-1] - created[0] > 90 * 86_400  # spread over months
    assert "client_secret" not in json.dumps(items)


async def test_demo_data_is_stable_with_a_fixed_clock_and_seed():
    async def snapshot():
        return await _listing(create_app(demo_data=True, clock=ManualClock(1_750_000_000), id_seed=3))

    assert await snapshot() == await snapshot()


async def test_bulk_seed_names_unchanged_and_combinable():
    items = await _listing(create_app(demo_data=True, seed_accounts=3))
    names = [a["name"] for a in items]
    assert names[-3:] == ["seed-account-00001", "seed-account-00002", "seed-account-00003"]
    assert len(names) == 3 + len([n for n in names if not n.startswith("seed-account")])
    assert [a["name"] for a in await _listing(create_app(seed_accounts=2))] == [
        "seed-account-00001", "seed-account-00002"]
