"""Fault injection: latency, injected statuses with Retry-After, malformed bodies, dropped and
delayed answers after a committed create, the HTTP control endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from ccm_tui.emulator import create_app
from ccm_tui.emulator.faults import route_matches


def test_faults_are_off_by_default(emulator):
    assert not emulator.faults.active


@pytest.mark.parametrize(
    ("route", "method", "path", "ok"),
    [
        ("POST /v1/accounts", "POST", "/v1/accounts", True),
        ("POST /v1/accounts", "GET", "/v1/accounts", False),
        ("GET /v1/accounts/{account-id}", "GET", "/v1/accounts/abc", True),
        ("GET /v1/accounts/{account-id}", "GET", "/v1/accounts", False),
        ("* /v1/accounts", "PATCH", "/v1/accounts", True),
        ("/v1/user", "GET", "/v1/user", True),
        (None, "DELETE", "/anything", True),
    ],
)
def test_route_patterns(route, method, path, ok):
    assert route_matches(route, method, path) is ok


async def test_latency_on_one_route(client, emulator):
    emulator.faults.latency(0.3, route="GET /v1/user")
    t = time.perf_counter()
    await client.get("/v1/sys/version")
    assert time.perf_counter() - t < 0.25
    t = time.perf_counter()
    assert (await client.get("/v1/user")).status_code == 200
    assert time.perf_counter() - t >= 0.3
    emulator.faults.latency(0, route="GET /v1/user")
    assert not emulator.faults.active


async def _until(condition, timeout: float = 5.0) -> None:
    """Let the loop turn until ``condition()`` holds (the request reached the server)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def test_hold_keeps_a_route_waiting_until_released(client, emulator):
    import asyncio

    emulator.faults.hold("GET /v1/user")
    assert emulator.faults.active
    held = asyncio.ensure_future(client.get("/v1/user"))
    await _until(lambda: any(r.path == "/v1/user" for r in emulator.received))
    # A later request on another route is answered in full while the held one still waits.
    assert (await client.get("/v1/sys/version")).status_code == 200
    assert not held.done()
    emulator.faults.release("GET /v1/user")
    assert (await asyncio.wait_for(held, 5)).status_code == 200
    assert not emulator.faults.active


async def test_hold_after_lets_the_first_requests_through(client, emulator):
    import asyncio

    emulator.faults.hold("GET /v1/user", after=1)
    assert (await asyncio.wait_for(client.get("/v1/user"), 5)).status_code == 200
    held = asyncio.ensure_future(client.get("/v1/user"))
    await _until(lambda: sum(r.path == "/v1/user" for r in emulator.received) == 2)
    assert (await client.get("/v1/sys/version")).status_code == 200
    assert not held.done()
    emulator.faults.clear()  # clear releases what is held, too
    assert (await asyncio.wait_for(held, 5)).status_code == 200


async def test_fail_next_after_n_lets_the_first_calls_through(client, emulator):
    emulator.faults.fail_next("GET /v1/accounts", 503, count=1, after=2)
    emulator.faults.malformed_next("GET /v1/user", after=1)
    assert [(await client.get("/v1/accounts")).status_code for _ in range(4)] == [200, 200, 503, 200]
    assert (await client.get("/v1/user")).json()  # the first one goes through
    with pytest.raises(ValueError):  # the second one is cut short
        (await client.get("/v1/user")).json()
    assert not emulator.faults.active
    with pytest.raises(ValueError, match="after"):
        emulator.faults.fail_next("GET /v1/accounts", 503, after=-1)


async def test_fail_next_with_retry_after_then_recovers(client, emulator):
    emulator.faults.fail_next("GET /v1/accounts", 503, count=2, retry_after=3)
    for _ in range(2):
        r = await client.get("/v1/accounts")
        assert r.status_code == 503 and r.headers["retry-after"] == "3"
        assert "503" in r.json()["message"]
    assert (await client.get("/v1/accounts")).status_code == 200


async def test_fail_next_commits_nothing_and_custom_bodies(client, emulator):
    emulator.faults.fail_next("POST /v1/accounts", 502, body="<h1>Bad Gateway</h1>", content_type="text/html")
    r = await client.post("/v1/accounts", json={"name": "x"})
    assert r.status_code == 502 and r.text == "<h1>Bad Gateway</h1>"
    assert r.headers["content-type"].startswith("text/html")
    assert emulator.store.count_accounts() == 0
    emulator.faults.fail_next("POST /v1/accounts", 429, body="slow down")
    r = await client.post("/v1/accounts", json={"name": "x"})
    assert r.status_code == 429 and r.json() == "slow down"
    assert (await client.post("/v1/accounts", json={"name": "x"})).status_code == 200


@pytest.mark.parametrize(("kind", "ctype"), [("json", "application/json"), ("html", "text/html"),
                                             ("text", "text/plain")])
async def test_malformed_next(client, emulator, kind, ctype):
    emulator.faults.malformed_next("GET /v1/accounts", kind=kind)
    r = await client.get("/v1/accounts")
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    with pytest.raises(ValueError):
        body = r.json()
        assert isinstance(body, dict) and "items" in body  # never reached: not parseable
    assert (await client.get("/v1/accounts")).json() == {"items": []}


async def test_drop_after_commit_in_process(client, emulator):
    emulator.faults.drop_after_commit()
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/v1/accounts", json={"name": "dropped"})
    assert [a["name"] for a in emulator.store.all_accounts()] == ["dropped"]
    # only once; a failed create (400) does not use up the fault
    assert (await client.post("/v1/accounts", json={"name": "next"})).status_code == 200


@contextmanager
def _live_client(server, demo_credentials, **kw) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, **kw) as c:
        r = c.post("/v1/sys/auth", auth=demo_credentials)
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def test_drop_after_commit_over_a_real_socket(live_emulator, demo_credentials):
    emulator = live_emulator.emulator
    emulator.faults.drop_after_commit(count=1)
    with _live_client(live_emulator, demo_credentials) as c:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            c.post("/v1/accounts", json={"name": "committed-then-dropped"})
        names = [a["name"] for a in c.get("/v1/accounts").json()["items"]]
        assert names == ["committed-then-dropped"]
        r = c.post("/v1/accounts", json={"name": "committed-then-dropped"})
        assert r.status_code == 409


def test_failed_create_does_not_consume_drop(live_emulator, demo_credentials):
    live_emulator.emulator.faults.drop_after_commit()
    with _live_client(live_emulator, demo_credentials) as c:
        assert c.post("/v1/accounts", json={}).status_code == 400
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            c.post("/v1/accounts", json={"name": "ok"})


def test_delay_after_commit_times_out_client_but_commits(live_emulator, demo_credentials):
    live_emulator.emulator.faults.delay_after_commit(1.0)
    with _live_client(live_emulator, demo_credentials, timeout=httpx.Timeout(5, read=0.3)) as c:
        with pytest.raises(httpx.ReadTimeout):
            c.post("/v1/accounts", json={"name": "slow"})
        assert [a["name"] for a in live_emulator.emulator.store.all_accounts()] == ["slow"]


def test_control_endpoint_over_http(live_emulator, demo_credentials):
    with _live_client(live_emulator, demo_credentials) as c:
        r = c.post("/_emulator/faults", json=[
            {"action": "fail_next", "route": "GET /v1/user", "status": 500},
            {"action": "settings", "duplicate_status": 400, "select_account_v2": False},
        ])
        assert r.status_code == 200 and r.json() == {"active": True}
        assert c.get("/v1/user").status_code == 500
        c.post("/v1/accounts", json={"name": "d"})
        assert c.post("/v1/accounts", json={"name": "d"}).status_code == 400
        r = c.post("/_emulator/faults", json={"action": "explode"})
        assert r.status_code == 400 and "action" in r.json()["message"]
        r = c.post("/_emulator/faults", json={"action": "latency", "secs": 1})
        assert r.status_code == 400 and "latency" in r.json()["message"]
        assert c.post("/_emulator/faults", json={"action": "clear"}).json() == {"active": False}
        r = c.post("/_emulator/faults", json={"action": "hold", "route": "GET /v1/user"})
        assert r.json() == {"active": True}
        r = c.post("/_emulator/faults", json={"action": "release", "route": "GET /v1/user"})
        assert r.json() == {"active": False} and c.get("/v1/user").status_code == 200
        # control requests are not recorded as CCM traffic
        assert all(not rec.path.startswith("/_emulator") for rec in live_emulator.emulator.received)


async def test_control_endpoint_can_be_disabled():
    app = create_app(control=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/_emulator/faults", json={"action": "clear"})
        assert r.status_code == 404
