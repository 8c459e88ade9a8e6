"""Members of the selected account: GET /v1/users, POST /v1/users/invite, PATCH /v1/users/{id},
DELETE /v1/users/{id}/accounts — scoping, roles, the last-manager rule, faults."""

from __future__ import annotations

import httpx
import pytest

MISSING_UUID = "00000000-0000-4000-8000-000000000000"


def _person(emulator, email, first=None, last=None):
    user = {"user_id": emulator.ids.new(), "user_email": email, "status": "ACTIVE",
            "email_verified": True, "created_at": emulator.now()}
    if first:
        user["first_name"] = first
    if last:
        user["last_name"] = last
    return user


@pytest.fixture
async def account(client, emulator):
    """A fresh account (the demo user is its MANAGER), selected, with three other members."""
    r = await client.post("/v1/accounts", json={"name": "Team"})
    acct_id = r.json()["acct_id"]
    r = await client.post(f"/v1/sys/session/select_account/{acct_id}")
    assert r.status_code == 200
    store = emulator.store
    members = {
        "writer": store.add_member(acct_id, _person(emulator, "wanda@example.com", "Wanda", "Writer"), ["WRITER"]),
        "reader": store.add_member(acct_id, _person(emulator, "rex@example.com", "Rex", "Reader"), ["READER"]),
        "pending": store.add_member(acct_id, _person(emulator, "penny@example.com"), ["READER"], "PENDING"),
    }
    return acct_id, members


async def test_list_needs_a_selected_account(client):
    r = await client.get("/v1/users")
    assert r.status_code == 403 and "select" in r.json()["message"]


async def test_list_shows_members_with_roles_and_membership_status(client, emulator, account):
    r = await client.get("/v1/users")
    assert r.status_code == 200
    body = r.json()
    by_email = {u["user_email"]: u for u in body["items"]}
    assert set(by_email) == {emulator.email, "wanda@example.com", "rex@example.com", "penny@example.com"}
    assert by_email[emulator.email]["roles"] == ["MANAGER", "WRITER", "READER"]
    assert by_email["penny@example.com"]["user_account_status"] == "PENDING"
    assert by_email["wanda@example.com"]["first_name"] == "Wanda"
    assert body["metadata"]["total_count"] == 4


async def test_list_pages_searches_and_sorts(client, emulator, account):
    r = await client.get("/v1/users", params={"limit": 2, "offset": 0, "sort_by": "user_email:ASC"})
    first = [u["user_email"] for u in r.json()["items"]]
    r = await client.get("/v1/users", params={"limit": 2, "offset": 2, "sort_by": "user_email:ASC"})
    second = [u["user_email"] for u in r.json()["items"]]
    assert first + second == sorted([emulator.email, "wanda@example.com", "rex@example.com",
                                     "penny@example.com"])
    r = await client.get("/v1/users", params={"sort_by": "user_email:DESC"})
    assert [u["user_email"] for u in r.json()["items"]][0] == "wanda@example.com"
    r = await client.get("/v1/users", params={"all_search": "WRITER wanda"})
    assert r.json()["items"] == []  # roles are not searched, the whole text is one term
    r = await client.get("/v1/users", params={"all_search": "rea"})  # last name "Reader"
    assert [u["user_email"] for u in r.json()["items"]] == ["rex@example.com"]
    assert r.json()["metadata"]["filtered_count"] == 1
    for bad in ({"limit": "0"}, {"offset": "-1"}, {"sort_by": "password:ASC"}):
        r = await client.get("/v1/users", params=bad)
        assert r.status_code == 400 and next(iter(bad)) in r.json()["message"]


async def test_invite_new_email_creates_a_pending_member_and_the_user(client, emulator, account):
    acct_id, _ = account
    body = {"user_email": "new.person@example.com", "roles": ["WRITER"], "first_name": "New"}
    r = await client.post("/v1/users/invite", json=body)
    assert r.status_code == 201
    user = r.json()
    assert user["user_email"] == "new.person@example.com" and user["roles"] == ["WRITER"]
    assert user["user_account_status"] == "PENDING" and user["first_name"] == "New"
    assert emulator.last_body("POST", "/v1/users/invite") == body
    assert emulator.store.find_user_by_email("new.person@example.com")["user_id"] == user["user_id"]
    assert emulator.store.membership(user["user_id"], acct_id) == (["WRITER"], "PENDING")


async def test_invite_existing_user_of_another_account_adds_a_membership(client, emulator, account):
    acct_id, _ = account
    r = await client.post("/v1/accounts", json={"name": "Other"})
    other = r.json()["acct_id"]
    outsider = emulator.store.add_member(other, _person(emulator, "olga@example.com"), ["READER"])
    r = await client.post("/v1/users/invite", json={"user_email": "OLGA@example.com", "roles": ["READER"]})
    assert r.status_code == 201 and r.json()["user_id"] == outsider["user_id"]
    assert emulator.store.membership(outsider["user_id"], acct_id) == (["READER"], "PENDING")


@pytest.mark.parametrize("status", [409, 400])
async def test_invite_of_a_member_says_so_and_changes_nothing(client, emulator, account, status):
    emulator.duplicate_status = status
    r = await client.post("/v1/users/invite", json={"user_email": "wanda@example.com", "roles": ["MANAGER"]})
    assert r.status_code == status
    assert "already a member" in r.json()["message"] and "WRITER" in r.json()["message"]
    acct_id, members = account
    assert emulator.store.membership(members["writer"]["user_id"], acct_id) == (["WRITER"], "ACTIVE")


@pytest.mark.parametrize("body,field", [
    ({"roles": ["READER"]}, "user_email"),
    ({"user_email": "a@example.com"}, "roles"),
    ({"user_email": "a@example.com", "roles": ["OWNER"]}, "roles[0]"),
    ({"user_email": "a@example.com", "roles": []}, "roles"),
    ({"user_email": "not-an-address", "roles": ["READER"]}, "user_email"),
])
async def test_invite_bad_body_is_a_400_naming_the_field(client, emulator, account, body, field):
    r = await client.post("/v1/users/invite", json=body)
    assert r.status_code == 400 and f"`{field}`" in r.json()["message"]
    assert emulator.store.find_user_by_email("a@example.com") is None


async def test_patch_changes_roles_status_and_names(client, emulator, account):
    acct_id, members = account
    uid = members["reader"]["user_id"]
    r = await client.patch(f"/v1/users/{uid}", json={"roles": ["MANAGER"]})
    assert r.status_code == 200 and r.json()["roles"] == ["MANAGER"]
    r = await client.patch(f"/v1/users/{uid}", json={"user_account_status": "DISABLED", "first_name": "Rexy"})
    assert r.json()["user_account_status"] == "DISABLED" and r.json()["first_name"] == "Rexy"
    assert emulator.store.membership(uid, acct_id) == (["MANAGER"], "DISABLED")
    r = await client.patch(f"/v1/users/{uid}", json={"user_account_status": "ACTIVE"})
    assert r.status_code == 200 and r.json()["user_account_status"] == "ACTIVE"


async def test_patch_refusals(client, emulator, account):
    _, members = account
    r = await client.patch(f"/v1/users/{MISSING_UUID}", json={"roles": ["READER"]})
    assert r.status_code == 404
    pending = members["pending"]["user_id"]
    r = await client.patch(f"/v1/users/{pending}", json={"user_account_status": "ACTIVE"})
    assert r.status_code == 400 and "invitation" in r.json()["message"]
    r = await client.patch(f"/v1/users/{members['writer']['user_id']}", json={"roles": "MANAGER"})
    assert r.status_code == 400 and "`roles`" in r.json()["message"]


async def test_last_active_manager_cannot_be_demoted_disabled_or_removed(client, emulator, account):
    acct_id, members = account
    me = emulator.user["user_id"]
    for method, path, body in [("PATCH", f"/v1/users/{me}", {"roles": ["WRITER"]}),
                               ("PATCH", f"/v1/users/{me}", {"user_account_status": "DISABLED"}),
                               ("DELETE", f"/v1/users/{me}/accounts", None)]:
        r = await client.request(method, path, json=body)
        assert r.status_code == 400, (method, body)
        assert "last ACTIVE MANAGER" in r.json()["message"]
    assert emulator.store.membership(me, acct_id) == (["MANAGER", "WRITER", "READER"], "ACTIVE")
    # with a second active manager the same demotion is allowed
    r = await client.patch(f"/v1/users/{members['writer']['user_id']}", json={"roles": ["MANAGER"]})
    assert r.status_code == 200
    r = await client.patch(f"/v1/users/{me}", json={"roles": ["WRITER"]})
    assert r.status_code == 200 and r.json()["roles"] == ["WRITER"]


async def test_non_managers_get_403_and_nothing_changes(client, emulator, account):
    acct_id, members = account
    me = emulator.user["user_id"]
    emulator.store.add_member(acct_id, _person(emulator, "boss@example.com"), ["MANAGER"])
    emulator.store.set_membership(me, acct_id, ["WRITER", "READER"])
    uid = members["reader"]["user_id"]
    assert (await client.get("/v1/users")).status_code == 200  # reading is for every role
    for method, path, body in [("POST", "/v1/users/invite", {"user_email": "x@example.com", "roles": ["READER"]}),
                               ("PATCH", f"/v1/users/{uid}", {"roles": ["WRITER"]}),
                               ("DELETE", f"/v1/users/{uid}/accounts", None)]:
        r = await client.request(method, path, json=body)
        assert r.status_code == 403 and "MANAGER" in r.json()["message"], method
    assert emulator.store.membership(uid, acct_id) == (["READER"], "ACTIVE")
    assert emulator.store.find_user_by_email("x@example.com") is None


async def test_remove_from_account_keeps_the_user(client, emulator, account):
    acct_id, members = account
    uid = members["writer"]["user_id"]
    r = await client.delete(f"/v1/users/{uid}/accounts")
    assert r.status_code == 204
    assert emulator.store.membership(uid, acct_id) is None
    assert emulator.store.get_user(uid) is not None
    assert (await client.delete(f"/v1/users/{uid}/accounts")).status_code == 404
    emails = [u["user_email"] for u in (await client.get("/v1/users")).json()["items"]]
    assert "wanda@example.com" not in emails


async def test_faults_apply_to_the_users_routes(client, emulator, account):
    emulator.faults.fail_next("POST /v1/users/invite", 502)
    r = await client.post("/v1/users/invite", json={"user_email": "f@example.com", "roles": ["READER"]})
    assert r.status_code == 502
    assert emulator.store.find_user_by_email("f@example.com") is None  # nothing committed
    emulator.faults.fail_next("GET /v1/users", 503, retry_after=1)
    r = await client.get("/v1/users")
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    emulator.faults.drop_after_commit(route="POST /v1/users/invite")
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/v1/users/invite", json={"user_email": "g@example.com", "roles": ["READER"]})
    assert emulator.store.find_user_by_email("g@example.com") is not None  # committed, answer lost
    assert not emulator.faults.active


async def test_demo_data_has_every_role_and_membership_status():
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, create_app

    app = create_app(demo_data=True)
    emu = app.state.emulator
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
        token = (await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))).json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        seen_roles, seen_status, never = set(), set(), 0
        for account in (await c.get("/v1/accounts")).json()["items"]:
            if account["status"] != "ACTIVE":
                continue
            await c.post(f"/v1/sys/session/select_account/{account['acct_id']}")
            items = (await c.get("/v1/users")).json()["items"]
            assert len(items) >= 2, account["name"]
            for u in items:
                seen_roles.update(u["roles"])
                seen_status.add(u["user_account_status"])
                never += "last_logged_in_at" not in u
    assert seen_roles == {"READER", "WRITER", "MANAGER"}
    assert seen_status == {"ACTIVE", "PENDING", "DISABLED"}
    assert never > 0
    staging = emu.store.find_by_name("Payments (staging)")["acct_id"]
    managers = [u for u in emu.store.list_members(staging)[0]
                if "MANAGER" in u["roles"] and u["user_account_status"] == "ACTIVE"]
    assert [u["user_email"] for u in managers] == [DEMO_EMAIL]  # the last-manager example
