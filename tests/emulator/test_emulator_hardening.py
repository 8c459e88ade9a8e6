"""The emulator under malformed input: every bad request gets a 4xx naming the problem (never a
5xx), oversized bodies get 413, the fault control endpoint needs a bearer token and JSON, and a
failure in the middle of a store transaction leaves the store usable."""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer
from ccm_tui.emulator.core import MAX_BODY_BYTES

BASE = "http://ccm.test"
JSON = {"content-type": "application/json"}
PASSWORD_CONFIG = {"password": {"require_2fa": False, "administrators_only": False}}


@dataclass
class Bad:
    label: str
    method: str
    path: str
    body: Any = None  # bytes sent as is, anything else JSON-encoded by us (never by httpx)
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    params: dict[str, str] | None = None
    auth: str = "bearer"  # bearer | none | cookie | wrong
    says: str = ""  # a phrase the message must contain


def _raw(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def _create(body: Any, says: str = "", label: str | None = None, **kw: Any) -> Bad:
    return Bad(label or f"create {str(body)[:90]}", "POST", "/v1/accounts", body, says=says, **kw)


def _patch(body: Any, says: str = "", label: str | None = None) -> Bad:
    return Bad(label or f"patch {str(body)[:90]}", "PATCH", "/v1/accounts/{acct}", body, says=says)


def _list(params: dict[str, str], says: str = "") -> Bad:
    return Bad(f"list {str(params)[:60]}", "GET", "/v1/accounts", params=params, says=says)


def _fault(body: Any, says: str = "", label: str = "", **kw: Any) -> Bad:
    return Bad(label or f"faults {str(body)[:90]}", "POST", "/_emulator/faults", body, says=says,
               **kw)


async def _chunks(n: int) -> AsyncIterator[bytes]:
    for _ in range(n):
        yield b" " * 65536


#: Stands for a chunked body (no Content-Length) just over the limit, made fresh per request.
CHUNKED_OVER_LIMIT = object()
UNKNOWN = str(uuid.uuid4())

MATRIX: list[Bad] = [
    # -- not JSON, or JSON CCM's parser refuses
    _create(b"{", "not valid JSON", label="truncated JSON"),
    _create(b"not json", "not valid JSON", headers={}, label="text without a content type"),
    _create(b"[" * 100_000, "nested too deeply", label="100k-deep array"),
    _create(b'{"a":' * 70 + b"1" + b"}" * 70, "nested too deeply", label="70-deep object"),
    _create(b'{"name": ' + b"7" * 5000 + b"}", "too many digits", label="5000-digit number"),
    _create(b'{"name": "a", "x": ' + b"9" * 5000 + b"}", "too many digits",
            label="5000-digit number in an unknown field"),
    _create(b'{"name": 1e999}', "out of range", label="float overflow"),
    _create(b'{"name": "a", "auth_configs": [{"password": {"require_2fa": false, '
            b'"administrators_only": false, "x": -1e999}}]}', "out of range",
            label="infinity hidden in an auth config"),
    _create(b'{"name": NaN}', "NaN is not a JSON number", label="NaN"),
    _create(b'{"name": Infinity}', "Infinity is not a JSON number", label="Infinity"),
    _create(b'{"name": "\\ud800"}', "`name`: holds a lone surrogate", label="lone surrogate name"),
    _create(b'{"name": "a", "auth_configs": [{"cluster_auth_ref": {"target_id": "\\udfff"}}]}',
            "lone surrogate", label="lone surrogate deep inside"),
    _create(b'{"name": "a", "\\udc00": 1}', "lone surrogate", label="lone surrogate key"),
    _create(b'{"name": "\xff\xfe"}', "not UTF-8", label="invalid UTF-8"),
    _create('{"name": "utf-16"}'.encode("utf-16"), "not UTF-8", label="UTF-16 JSON"),
    # -- wrong shapes and types
    _create([], "JSON object"),
    _create("a string", "JSON object"),
    _create(None, "JSON object", label="JSON null body"),
    _create(b"", "missing", label="empty body"),
    _create({}, "missing field `name`"),
    _create({"name": 5}, "`name`"),
    _create({"name": ["a"]}, "`name`"),
    _create({"name": None}, "`name`"),
    _create({"name": "x", "component": 5}, "`component`"),
    _create({"name": "x", "component": "NOPE"}, "`component`"),
    _create({"name": "x", "auth_configs": {}}, "`auth_configs`"),
    _create({"name": "x", "auth_configs": [5]}, "`auth_configs[0]`"),
    _create({"name": "x", "auth_configs": [{}]}, "set exactly one"),
    _create({"name": "x", "auth_configs": [{"password": {}}]}, "`auth_configs[0].password."),
    _create({"name": "x", "auth_configs": [{"password": {"require_2fa": "yes",
                                                          "administrators_only": False}}]},
            "`auth_configs[0].password.require_2fa`"),
    _create({"name": "x", "node_enrollment": True}, "`node_enrollment`"),
    _create({"name": "x", "custom_logo": 5}, "`custom_logo`"),
    _create({"name": "x", "custom_logo": "!!not base64!!"}, "`custom_logo`"),
    # -- names the client refuses (models.rules.check_name)
    _create({"name": ""}, "`name`: must not be empty"),
    _create({"name": "   "}, "`name`: must not be empty"),
    _create({"name": "a\u0000b"}, "`name`: must not contain control"),
    _create({"name": "a\x1b[31mred"}, "`name`: must not contain control"),
    _create({"name": "\u202eevil"}, "`name`: must not contain control or invisible"),
    _create({"name": "a\u200bb"}, "`name`: must not contain control or invisible"),
    _create({"name": "x" * 256}, "`name`: is 256 characters long; at most 255"),
    # -- sizes and media types
    _create(b'{"name": "' + b"x" * (50 << 20) + b'"}', "at most 1048576 bytes",
            label="50 MB name (Content-Length)"),
    _create(CHUNKED_OVER_LIMIT, "at most 1048576 bytes", label="chunked body over limit"),
    _create({"name": "x"}, "application/json", headers={"content-type": "text/plain"},
            label="text/plain"),
    _create(b"name=x", "application/json",
            headers={"content-type": "application/x-www-form-urlencoded"}, label="form body"),
    # -- credentials
    _create({"name": "x"}, "Authorization: Bearer", auth="none", label="no credentials"),
    _create({"name": "x"}, "log in again", auth="wrong", label="unknown bearer token"),
    Bad("Basic with bad base64", "POST", "/v1/sys/auth", auth="none",
        headers={"Authorization": "Basic %%%"}, says="Basic"),
    Bad("Basic with non-UTF-8", "POST", "/v1/sys/auth", auth="none",
        headers={"Authorization": "Basic " + base64.b64encode(b"\xff:\xfe").decode()},
        says="Basic"),
    Bad("discover with lone surrogate", "POST", "/v1/sys/auth/discover",
        b'{"user_email": "\\ud800"}', auth="none", says="lone surrogate"),
    # -- query strings
    _list({"limit": "99999999999999999999"}, "`limit`"),
    _list({"limit": "9" * 5000}, "`limit`"),
    _list({"limit": "0"}, "`limit`"),
    _list({"limit": "-1"}, "`limit`"),
    _list({"limit": "1001"}, "from 1 to 1000"),
    _list({"limit": "abc"}, "`limit`"),
    _list({"sort_by": ",".join(["name"] * 2000)}, "`name` is repeated"),
    _list({"sort_by": ",".join(["acct_id:DESC", "name"] * 600)}, "`acct_id` is repeated"),
    _list({"sort_by": "password:ASC"}, "`sort_by`"),
    _list({"sort_by": "name:SIDEWAYS"}, "`sort_by`"),
    _list({"scope": "EVERYONE"}, "`scope`"),
    _list({"previous_id": "not-a-uuid"}, "`previous_id`"),
    _list({"previous_id": UNKNOWN}, "`previous_id`"),
    Bad("with_totals=maybe", "GET", "/v1/accounts/{acct}", params={"with_totals": "maybe"},
        says="`with_totals`"),
    # -- ids in paths
    Bad("GET a non-uuid id", "GET", "/v1/accounts/not-a-uuid", says="not found"),
    Bad("GET percent-encoded surrogate", "GET", "/v1/accounts/%ED%A0%80", says="not found"),
    Bad("GET an unknown uuid", "GET", f"/v1/accounts/{UNKNOWN}", says="not found"),
    Bad("PATCH a non-uuid id", "PATCH", "/v1/accounts/not-a-uuid", {"name": "a"}, says="not found"),
    Bad("DELETE a dot-dot id", "DELETE", "/v1/accounts/..%2F..%2Fetc", says="no such endpoint"),
    Bad("DELETE an unknown uuid", "DELETE", f"/v1/accounts/{UNKNOWN}", says="not found"),
    Bad("select a non-uuid", "POST", "/v1/sys/session/select_account/x'--", says="not found"),
    # -- updates
    _patch({"name": "\u0007"}, "`name`: must not contain control"),
    _patch({"name": "x" * 300}, "`name`: is 300 characters long"),
    _patch({"azure_cvm_pcr_priority": [1, 2]}, "`azure_cvm_pcr_priority`"),
    _patch({"azure_cvm_pcr_priority": [True] * 23}, "`azure_cvm_pcr_priority`"),
    _patch({"del_auth_configs": ["nope"]}, "`del_auth_configs[0]`"),
    _patch({"mod_auth_configs": {UNKNOWN: PASSWORD_CONFIG}}, "`mod_auth_configs`"),
    _patch({"enabled": "yes"}, "`enabled`"),
    _patch({"account_status": "Gone"}, "`account_status`"),
    _patch(b"[" * 5000, "nested too deeply", label="patch 5000-deep"),
    # -- the fault control endpoint
    _fault({"action": "clear"}, "Bearer", auth="none", label="faults without credentials"),
    _fault({"action": "clear"}, "Bearer", auth="cookie", label="faults with the cookie only"),
    _fault({"action": "clear"}, "Bearer", auth="wrong", label="faults with an unknown token"),
    _fault(b'{"action": "clear"}', "application/json", headers={"content-type": "text/plain"},
           label="faults as text/plain (a cross-site form)"),
    _fault(b'{"action": "clear"}', "application/json", headers={}, label="faults without type"),
    _fault({"action": "explode"}, "`action`"),
    _fault({"action": "fail_next", "route": ["GET /v1/user"], "status": 500}, "`route`"),
    _fault({"action": "fail_next", "route": "GET /v1/user", "status": "500"}, "`status`"),
    _fault({"action": "fail_next", "route": "GET /v1/user", "status": 503,
            "retry_after": "1\r\nSet-Cookie: x=y"}, "`retry_after`"),
    _fault({"action": "fail_next", "route": "GET /v1/user", "status": 503,
            "content_type": "text/html\n"}, "`content_type`"),
    _fault({"action": "latency", "seconds": 1e9}, "`seconds`"),
    _fault({"action": "settings", "duplicate_status": 400.0}, "`duplicate_status`"),
    _fault([{"action": "clear"}, 5], "JSON object"),
]


async def _login(c: httpx.AsyncClient) -> str:
    r = await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


async def _send(c: httpx.AsyncClient, bad: Bad, token: str, acct: str) -> httpx.Response:
    headers = dict(bad.headers)
    c.cookies.clear()
    if bad.auth == "bearer":
        headers.setdefault("Authorization", f"Bearer {token}")
    elif bad.auth == "wrong":
        headers["Authorization"] = "Bearer not-a-token"
    elif bad.auth == "cookie":
        c.cookies.set("ccm_session", token)
    content: Any
    if bad.body is CHUNKED_OVER_LIMIT:
        content = _chunks(MAX_BODY_BYTES // 65536 + 2)
    elif isinstance(bad.body, bytes):
        content = bad.body
    elif bad.body is None and bad.method in ("GET", "DELETE"):
        content = None
    else:
        content = _raw(bad.body)
    return await c.request(bad.method, bad.path.replace("{acct}", acct), content=content,
                           headers=headers, params=bad.params)


async def _run_matrix(c: httpx.AsyncClient, emulator: Any) -> None:
    token = await _login(c)
    auth = {"Authorization": f"Bearer {token}"}
    c.cookies.clear()
    existing = (await c.post("/v1/accounts", json={"name": "existing"}, headers=auth)).json()
    wrong: list[str] = []
    for bad in MATRIX:
        r = await _send(c, bad, token, existing["acct_id"])
        try:
            message = r.json()["message"]
        except (ValueError, KeyError, TypeError):
            message = None
        if not 400 <= r.status_code < 500 or not isinstance(message, str) or bad.says not in message:
            wrong.append(f"{bad.label}: {r.status_code} {r.text[:200]!r}")
    assert wrong == [], "\n".join(wrong)
    assert not emulator.faults.active  # no refused control command left a fault behind
    # nothing malformed was stored, and the emulator still works: a normal create succeeds
    assert [a["name"] for a in emulator.store.all_accounts()] == ["existing"]
    r = await c.post("/v1/accounts", json={"name": "after the matrix"}, headers=auth)
    assert r.status_code == 200, r.text
    r = await c.get("/v1/accounts", headers=auth)
    assert [a["name"] for a in r.json()["items"]] == ["existing", "after the matrix"]
    # and the control endpoint still works for its owner
    r = await c.post("/_emulator/faults", json={"action": "clear"}, headers=auth)
    assert r.status_code == 200 and r.json() == {"active": False}


def test_the_matrix_is_large_enough():
    assert len(MATRIX) >= 40
    assert len({b.label for b in MATRIX}) == len(MATRIX)


async def test_malformed_request_matrix_in_process(asgi_transport, emulator):
    async with httpx.AsyncClient(transport=asgi_transport, base_url=BASE) as c:
        await _run_matrix(c, emulator)


async def test_malformed_request_matrix_over_a_socket(live_emulator):
    """The same over uvicorn: h11's own parsing, chunked bodies and 413 on a real connection."""
    async with httpx.AsyncClient(base_url=live_emulator.url, timeout=30) as c:
        await _run_matrix(c, live_emulator.emulator)


async def test_413_names_the_size_and_the_limit_and_can_be_lowered(client, emulator):
    emulator.max_body_bytes = 100
    body = _raw({"name": "x" * 200})
    r = await client.post("/v1/accounts", content=body, headers=JSON)
    assert r.status_code == 413
    assert r.json()["message"] == (
        f"the request body is {len(body)} bytes; at most 100 bytes are accepted")
    assert emulator.store.count_accounts() == 0
    r = await client.post("/v1/accounts", json={"name": "x" * 50})
    assert r.status_code == 200


async def test_faults_endpoint_works_with_token_and_json(client, emulator):
    r = await client.post("/_emulator/faults", json={"action": "fail_next",
                                                    "route": "GET /v1/user", "status": 503})
    assert r.status_code == 200 and r.json() == {"active": True}
    assert (await client.get("/v1/user")).status_code == 503  # the one injected 5xx


def _account(name: str, acct_id: str | None = None) -> dict[str, Any]:
    return {"acct_id": acct_id or str(uuid.uuid4()), "name": name, "created_at": 1,
            "account_status": "Active"}


def test_a_failure_mid_transaction_rolls_back_and_the_store_stays_usable(emulator):
    store = emulator.store
    owner = emulator.user["user_id"]
    # the account row is inserted, then the membership insert fails (a lone surrogate cannot
    # be encoded for SQLite): nothing of the half-done create may remain
    with pytest.raises(UnicodeEncodeError):
        store.insert_account(_account("half-done"), "\ud800")
    assert store.count_accounts() == 0 and store.find_by_name("half-done") is None
    store.insert_account(_account("next"), owner)  # no "transaction already open" error
    assert [a["name"] for a in store.all_accounts()] == ["next"]

    with pytest.raises(UnicodeEncodeError):
        store.insert_many([_account("seed-1"), _account("seed-\udfff")], owner)
    with pytest.raises(UnicodeEncodeError):
        store.update_account({**store.all_accounts()[0], "name": "\ud800"})
    assert [a["name"] for a in store.all_accounts()] == ["next"]
    assert not store._db.in_transaction


async def test_a_failing_statement_inside_a_create_leaves_later_creates_working(
        emulator_app, emulator, monkeypatch):
    """Over HTTP: a create whose second statement fails (an injected SQL error) answers 500
    once; the account is not half-stored and the next create succeeds."""
    from ccm_tui.emulator import store as store_module

    transport = httpx.ASGITransport(app=emulator_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        c.headers["Authorization"] = f"Bearer {await _login(c)}"
        monkeypatch.setattr(store_module, "_INSERT_MEMBERSHIP",
                            "INSERT INTO no_such_table VALUES (?, ?, ?)")
        r = await c.post("/v1/accounts", json={"name": "doomed"})
        assert r.status_code == 500  # the injected failure, once
        monkeypatch.undo()
        assert emulator.store.find_by_name("doomed") is None
        for name in ("doomed", "second"):
            r = await c.post("/v1/accounts", json={"name": name})
            assert r.status_code == 200, r.text
        r = await c.get("/v1/accounts")
        assert [a["name"] for a in r.json()["items"]] == ["doomed", "second"]


def test_a_stale_open_transaction_is_rolled_back_by_the_next_one(emulator):
    """Belt and braces: even if some other code left BEGIN open, the next store transaction
    starts cleanly instead of failing with "cannot start a transaction within a transaction"."""
    store = emulator.store
    store._db.execute("BEGIN")
    store._db.execute("INSERT INTO accounts (acct_id, name, created_at, account_status, data) "
                      "VALUES ('x', 'stale', 1, 'Active', '{}')")
    store.insert_account(_account("fresh"), emulator.user["user_id"])
    assert [a["name"] for a in store.all_accounts()] == ["fresh"]
    with pytest.raises(sqlite3.IntegrityError):  # the store's own errors still surface
        store._db.execute("INSERT INTO accounts (acct_id, name, created_at, account_status, "
                          "data) VALUES ('y', 'fresh', 1, 'Active', '{}')")


def test_emulator_server_refuses_names_like_the_client():
    """The rule is the client's own: a name AccountRequest refuses is refused by the emulator."""
    from pydantic import ValidationError

    from ccm_tui.models import AccountRequest

    names = ["", " ", "a\tb", "\u202e", "\u2066x", "\ufeffx", "x" * 256, "a\u0085b"]
    with EmulatorServer() as server, httpx.Client(base_url=server.url) as c:
        token = c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD)).json()["access_token"]
        c.cookies.clear()
        for name in names:
            with pytest.raises(ValidationError):
                AccountRequest.model_validate({"name": name})
            r = c.post("/v1/accounts", json={"name": name},
                       headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 400 and "`name`" in r.json()["message"], (name, r.text)
        assert server.emulator.store.count_accounts() == 0


def test_faults_endpoint_refuses_a_rebound_host_name(live_emulator, demo_credentials):
    """DNS rebinding: a page at evil.example re-pointed to 127.0.0.1 is same-origin with the
    emulator and knows the demo password, so it could log in; its requests still carry
    Host: evil.example, which the control endpoint refuses."""
    with httpx.Client(base_url=live_emulator.url) as c:
        token = c.post("/v1/sys/auth", auth=demo_credentials).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = c.post("/_emulator/faults", json={"action": "latency", "seconds": 5},
                   headers={**auth, "Host": f"evil.example:{live_emulator.port}"})
        assert r.status_code == 403 and "evil.example" in r.json()["message"]
        assert not live_emulator.emulator.faults.active
        for host in (f"127.0.0.1:{live_emulator.port}", f"localhost:{live_emulator.port}"):
            r = c.post("/_emulator/faults", json={"action": "clear"}, headers={**auth, "Host": host})
            assert r.status_code == 200, r.text


async def test_recorded_bodies_are_bounded_in_bytes_too(client, emulator):
    """emulator.received keeps at most received_max_bytes of bodies; the newest always."""
    emulator.received_max_bytes = 10_000
    for i in range(6):
        r = await client.post("/v1/accounts", content=_raw({"name": f"n{i}", "pad": "x" * 3000}),
                              headers=JSON)
        assert r.status_code == 200
    kept = [rec.body["name"] for rec in emulator.received if rec.path == "/v1/accounts"]
    assert kept == ["n3", "n4", "n5"]  # three bodies of ~3 KB fit in 10 KB
    assert emulator.last_body("POST", "/v1/accounts")["name"] == "n5"
