"""GET /v1/accounts is answered by a plain ASGI handler past Starlette's router (the route a
client pages through 50,000 accounts with). It must answer exactly as the routed endpoint
does, and the bounds, the recording and every fault must still apply to it."""

from __future__ import annotations

import json
import threading
import uuid

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, ManualClock, create_app

BASE = "http://ccm.test"


def _app(direct: bool):
    return create_app(seed_accounts=7, clock=ManualClock(1_700_000_000), id_seed=14,
                      direct_routes=direct)


async def _answers(direct: bool) -> list[tuple[int, str | None, bytes]]:
    app = _app(direct)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        token = (await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))).json()[
            "access_token"]
        jar = dict(c.cookies)
        assert jar  # the login's session cookie
        ids = [a["acct_id"] for a in (await c.get("/v1/accounts")).json()["items"]]
        bearer = {"Authorization": f"Bearer {token}"}
        queries: list[tuple[list[tuple[str, str]], dict[str, str]]] = [
            ([], bearer),
            ([("limit", "2")], bearer),
            ([("limit", "2"), ("previous_id", ids[2])], bearer),
            ([("previous_id", ids[-1])], bearer),  # past the end: an empty page
            ([("limit", "1000")], bearer),
            ([("limit", "1001")], bearer),
            ([("limit", "0")], bearer),
            ([("limit", " 3 ")], bearer),
            ([("limit", "x")], bearer),
            ([("limit", "2"), ("limit", "3")], bearer),  # the last one counts, as routed
            ([("previous_id", "not-a-uuid")], bearer),
            ([("previous_id", str(uuid.UUID(int=5)))], bearer),
            ([("sort_by", "name:DESC"), ("limit", "3")], bearer),
            ([("sort_by", "bogus")], bearer),
            ([("scope", "SYSTEM")], bearer),
            ([("scope", "ALL")], bearer),
            ([], {}),  # the session cookie of the login
            ([], {"Authorization": "Bearer nope"}),
        ]
        out = []
        for params, headers in queries:
            c.cookies.clear()
            if not headers:
                c.cookies.update(jar)
            r = await c.get("/v1/accounts", params=params, headers=headers)
            out.append((r.status_code, r.headers.get("content-type"), r.content))
        c.cookies.clear()
        r = await c.get("/v1/accounts")  # no token at all
        out.append((r.status_code, r.headers.get("content-type"), r.content))
        app.state.emulator.store.close()
        return out


async def test_the_direct_handler_answers_as_the_routed_endpoint():
    direct, routed = await _answers(True), await _answers(False)
    assert [status for status, _, _ in direct] == [
        200, 200, 200, 200, 200, 400, 400, 200, 400, 200, 400, 400, 200, 400, 200, 400, 200, 401,
        401]
    assert direct == routed


@pytest.fixture
def live_client(live_emulator):
    with httpx.Client(base_url=live_emulator.url, timeout=10) as c:
        r = c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c, live_emulator.emulator


def test_hold_and_release_the_list_over_a_socket(live_client):
    c, emulator = live_client
    c.post("/v1/accounts", json={"name": "held-one"}).raise_for_status()
    emulator.faults.hold("GET /v1/accounts")
    answers: list[httpx.Response] = []
    started = threading.Event()

    def fetch() -> None:
        started.set()
        with httpx.Client(base_url=str(c.base_url), headers=c.headers, timeout=10) as other:
            answers.append(other.get("/v1/accounts", params={"limit": 5}))

    worker = threading.Thread(target=fetch)
    worker.start()
    started.wait(5)
    assert c.get("/v1/user").status_code == 200  # other routes go on meanwhile
    worker.join(0.3)
    assert worker.is_alive() and not answers  # still held
    emulator.faults.release("GET /v1/accounts")
    worker.join(10)
    assert [a["name"] for a in answers[0].json()["items"]] == ["held-one"]
    assert not emulator.faults.active


def test_faults_recording_and_bounds_apply_to_the_list_over_a_socket(live_client):
    c, emulator = live_client
    emulator.faults.fail_next("GET /v1/accounts", 503, retry_after=2)
    r = c.get("/v1/accounts", params={"limit": 3})
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    emulator.faults.malformed_next("GET /v1/accounts", kind="html")
    assert c.get("/v1/accounts").headers["content-type"].startswith("text/html")
    assert c.get("/v1/accounts").json() == {"items": []}  # both faults used up
    gets = [rec for rec in emulator.received if (rec.method, rec.path) == ("GET", "/v1/accounts")]
    assert [rec.query for rec in gets] == ["limit=3", "", ""]
    emulator.max_body_bytes = 10
    r = c.request("GET", "/v1/accounts", content=b"x" * 11)
    assert r.status_code == 413
    r = c.get("/v1/accounts", params={"limit": 1001})
    assert r.status_code == 400 and "from 1 to 1000" in r.json()["message"]


async def test_the_default_page_joined_by_sqlite_matches_the_sorted_page_built_in_python():
    """The default page comes joined by SQLite (group_concat); asked in the same order
    through the sorted path (rows joined in Python), every page has the same bytes, also
    after deletes leave holes and with names beyond ASCII."""
    app = create_app(seed_accounts=30, clock=ManualClock(1_700_000_000))
    emulator = app.state.emulator
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        for name in ("Zürich ünïcödé", "東京", "emoji 🚀", "quote \" and \\ back"):
            assert (await c.post("/v1/accounts", json={"name": name})).status_code == 200
        ids = [a["acct_id"] for a in (await c.get("/v1/accounts", params={"limit": 100})).json()[
            "items"]]
        for gone in ids[3:9]:
            assert (await c.delete(f"/v1/accounts/{gone}")).status_code == 204
    store, user = emulator.store, emulator.user["user_id"]
    for previous in (None, ids[0], ids[2], ids[9], ids[-5], ids[-1]):
        for limit in (1, 7, 1000):
            default = store.list_body(user, limit=limit, previous_id=previous)
            sorted_ = store.list_body(user, limit=limit, previous_id=previous,
                                      sort=[("created_at", False)])
            assert default == sorted_
    assert store.list_body(user, previous_id=ids[-1]) == b'{"items":[]}'
    names = [a["name"] for a in json.loads(store.list_body(user, limit=1000))["items"]]
    assert len(names) == 28 and names[-4:] == ["Zürich ünïcödé", "東京", "emoji 🚀",
                                                "quote \" and \\ back"]
    store.close()
