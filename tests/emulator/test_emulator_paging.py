"""GET /v1/accounts: cursor paging, sorting, scope, parameter errors, seeding, determinism."""

from __future__ import annotations

import threading

import httpx
import pytest

from ccm_tui.emulator import DEFAULT_PAGE_SIZE, DEMO_EMAIL, DEMO_PASSWORD, ManualClock, create_app

BASE = "http://ccm.test"


async def _pages(client, **params) -> list[list[dict]]:
    pages, previous = [], None
    while True:
        q = dict(params)
        if previous:
            q["previous_id"] = previous
        r = await client.get("/v1/accounts", params=q)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        if not items:
            return pages
        pages.append(items)
        previous = items[-1]["acct_id"]


@pytest.fixture
async def seeded():
    clock = ManualClock(1_700_000_000)
    app = create_app(seed_accounts=23, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        yield c, app.state.emulator


async def test_cursor_paging_visits_every_account_once(seeded):
    client, emulator = seeded
    pages = await _pages(client, limit=5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    names = [a["name"] for p in pages for a in p]
    assert names == [f"seed-account-{i:05d}" for i in range(1, 24)]
    assert all(a["roles"] == ["MANAGER", "WRITER", "READER"] for p in pages for a in p)


async def test_default_page_size_is_100():
    app = create_app(seed_accounts=DEFAULT_PAGE_SIZE + 5)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        assert len((await c.get("/v1/accounts")).json()["items"]) == 100
        assert [len(p) for p in await _pages(c)] == [100, 5]


@pytest.mark.parametrize(
    ("sort_by", "key", "reverse"),
    [("name:DESC", "name", True), ("name:ASC", "name", False), ("created_at:DESC", "created_at", True),
     ("acct_id", "acct_id", False)],
)
async def test_sort_by_with_paging(seeded, sort_by, key, reverse):
    client, _ = seeded
    got = [a[key] for p in await _pages(client, limit=4, sort_by=sort_by) for a in p]
    assert len(got) == 23 and got == sorted(got, reverse=reverse)


async def test_multi_key_sort(seeded):
    client, _ = seeded
    rows = [a for p in await _pages(client, limit=6, sort_by="account_status:DESC,name:DESC") for a in p]
    keys = [(a["account_status"], a["name"]) for a in rows]
    assert keys == sorted(keys, reverse=True)
    assert {a["account_status"] for a in rows} == {"Active", "Deactivated"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": "0"}, "limit"), ({"limit": "ten"}, "limit"), ({"sort_by": "color:ASC"}, "sort_by"),
     ({"sort_by": "name:UP"}, "sort_by"), ({"scope": "ALL"}, "scope"), ({"previous_id": "abc"}, "previous_id"),
     ({"previous_id": "00000000-0000-4000-8000-000000000000"}, "previous_id")],
)
async def test_bad_query_parameters_400(seeded, params, field):
    client, _ = seeded
    r = await client.get("/v1/accounts", params=params)
    assert r.status_code == 400 and f"`{field}`" in r.json()["message"]


async def test_scope_system_lists_accounts_without_membership(seeded):
    client, emulator = seeded
    first = emulator.store.all_accounts()[0]["acct_id"]
    emulator.store.set_membership(emulator.user["user_id"], first, None)
    user = (await client.get("/v1/accounts", params={"limit": 100})).json()["items"]
    system = (await client.get("/v1/accounts", params={"limit": 100, "scope": "SYSTEM"})).json()["items"]
    assert len(user) == 22 and len(system) == 23
    assert "roles" not in system[0] and system[0]["acct_id"] == first


async def test_listed_items_are_what_get_returns_and_follow_every_change(seeded):
    """A page is joined from texts stored with each account: it must say what GET says
    (totals aside), before and after a PATCH, and drop a deleted account."""
    client, emulator = seeded
    first, second = (await client.get("/v1/accounts", params={"limit": 2})).json()["items"]
    assert first == (await client.get(f"/v1/accounts/{first['acct_id']}")).json()
    r = await client.patch(f"/v1/accounts/{first['acct_id']}",
                           json={"name": "renamed \u00e9\u6f22", "account_status": "Deactivated",
                                 "add_auth_configs": [{"password": {"require_2fa": True,
                                                                    "administrators_only": False}}]})
    assert r.status_code == 200, r.text
    emulator.store.set_membership(emulator.user["user_id"], first["acct_id"], ["READER"], "PENDING")
    assert (await client.delete(f"/v1/accounts/{second['acct_id']}")).status_code == 204
    listed = (await client.get("/v1/accounts", params={"limit": 2})).json()["items"]
    got = (await client.get(f"/v1/accounts/{first['acct_id']}")).json()
    assert listed[0] == got
    assert got["name"] == "renamed \u00e9\u6f22" and got["account_status"] == "Deactivated"
    assert got["roles"] == ["READER"] and got["status"] == "PENDING"
    assert len(got["auth_configs"]) == 2
    assert listed[1]["acct_id"] not in (first["acct_id"], second["acct_id"])


@pytest.mark.parametrize("drop_listing", [True, False], ids=["no-listing", "no-member-items"])
async def test_database_file_from_an_older_version_still_lists(tmp_path, drop_listing):
    """An emulator database written before accounts kept their list item text, or before
    the per-membership items (member_items and its triggers): migrated on open."""
    import sqlite3

    db = str(tmp_path / "old.sqlite")
    store = create_app(db_path=db, seed_accounts=3).state.emulator.store
    store.set_membership("someone-else", store.all_accounts()[0]["acct_id"], ["READER"])
    store.close()
    con = sqlite3.connect(db)
    for (trigger,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {trigger}")
    con.execute("DROP TABLE member_items")
    if drop_listing:
        con.execute("ALTER TABLE accounts DROP COLUMN listing")
    con.commit()
    con.close()
    app = create_app(db_path=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        items = (await c.get("/v1/accounts")).json()["items"]
        assert [a["name"] for a in items] == [f"seed-account-{i:05d}" for i in (1, 2, 3)]
        assert items[0] == (await c.get(f"/v1/accounts/{items[0]['acct_id']}")).json()
        after_first = (await c.get("/v1/accounts", params={"previous_id": items[0]["acct_id"]})
                       ).json()["items"]
        assert after_first == items[1:]
        # written after the migration: the list follows (the triggers are in place)
        r = await c.patch(f"/v1/accounts/{items[1]['acct_id']}", json={"name": "renamed"})
        assert r.status_code == 200, r.text
        assert [a["name"] for a in (await c.get("/v1/accounts")).json()["items"]] == [
            "seed-account-00001", "renamed", "seed-account-00003"]
    app.state.emulator.store.close()


def test_seeding_10000_accounts_stores_them_all():
    app = create_app(seed_accounts=10_000)
    assert app.state.emulator.store.count_accounts() == 10_000


def test_id_seed_makes_ids_deterministic():
    def ids(seed):
        emu = create_app(id_seed=seed, seed_accounts=3, clock=ManualClock(0)).state.emulator
        return emu.user["user_id"], [a["acct_id"] for a in emu.store.all_accounts()]

    assert ids(7) == ids(7)
    assert ids(7) != ids(8)
    assert ids(None) != ids(None)


async def test_file_database_persists_and_seeds_once(tmp_path):
    db = str(tmp_path / "ccm.sqlite")
    app = create_app(db_path=db, seed_accounts=2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        assert (await c.post("/v1/accounts", json={"name": "kept"})).status_code == 200
    app.state.emulator.store.close()
    again = create_app(db_path=db, seed_accounts=2)
    names = [a["name"] for a in again.state.emulator.store.all_accounts()]
    assert names == ["seed-account-00001", "seed-account-00002", "kept"]
    # no secret is written to the database file
    again.state.emulator.store.close()
    assert DEMO_PASSWORD.encode() not in (tmp_path / "ccm.sqlite").read_bytes()


def test_store_is_safe_across_threads(live_emulator, demo_credentials):
    """Creates over HTTP (server thread) while the test thread reads the store."""
    with httpx.Client(base_url=live_emulator.url, auth=None) as c:
        c.post("/v1/sys/auth", auth=demo_credentials)
        errors: list[BaseException] = []

        def reader():
            try:
                for _ in range(200):
                    live_emulator.emulator.store.all_accounts()
            except BaseException as exc:  # pragma: no cover - the failure we look for
                errors.append(exc)

        t = threading.Thread(target=reader)
        t.start()
        for i in range(30):
            assert c.post("/v1/accounts", json={"name": f"t{i}"}).status_code == 200
        t.join()
        assert not errors
        assert live_emulator.emulator.store.count_accounts() == 30


def test_default_page_follows_every_write_to_accounts_and_memberships():
    """The default page (read from the per-membership items the triggers keep) is, after
    every kind of write, what the accounts and memberships themselves say: the same items as
    the join, for the owner and for another member, paged from any account."""
    import json

    from ccm_tui.emulator.accounts import to_response

    emu = create_app(seed_accounts=6, clock=ManualClock(1_700_000_000)).state.emulator
    store, owner = emu.store, emu.user["user_id"]
    ids = [a["acct_id"] for a in store.all_accounts()]
    other = store.add_member(ids[0], {"user_id": "u-other", "user_email": "o@example.com"},
                             ["READER"], "PENDING")["user_id"]
    store.add_member(ids[3], {"user_id": "u-other", "user_email": "o@example.com"}, ["WRITER"])

    def check() -> None:
        for user in (owner, other):
            for previous in (None, *[a["acct_id"] for a in store.all_accounts()]):
                # list_accounts: the join of accounts and memberships, decoded per row
                expected = [to_response(a, r, s) for a, r, s in store.list_accounts(
                    user, limit=1000, previous_id=previous)]
                fast = json.loads(store.list_items_json(user, limit=1000, previous_id=previous))
                assert fast == expected, (user, previous)
                assert json.loads(store.list_items_json(user, limit=2, previous_id=previous)
                                  ) == expected[:2]

    check()
    acct = store.get_account(ids[1])
    store.update_account(dict(acct, name="renamed \u00e9", account_status="Deactivated"))
    store.set_membership(owner, ids[2], ["READER"], "PENDING")  # INSERT OR REPLACE
    store.set_membership(owner, ids[4], None)  # no longer a member
    store.update_member(ids[0], other, roles=["MANAGER"], status="ACTIVE")
    store.remove_member(ids[3], other)
    assert store.delete_account(ids[5])
    new = dict(acct, acct_id="00000000-0000-4000-8000-000000000001", name="new one")
    store.insert_account(new, other, ["MANAGER"])
    check()
    store.set_membership(owner, ids[4], ["WRITER"])  # a member again
    check()
    assert [i["name"] for i in json.loads(store.list_items_json(other))] == [
        "seed-account-00001", "new one"]
