"""Reading only the account table's columns of a list page (api/listcols, _Raw.columns) gives
what picking them out of the whole parse gives (_Raw.items) — the same values of the same
types, or the same error with the same message — for hostile pages as for ordinary ones. A
reader that skipped a value the whole parse refuses (a byte that is not UTF-8, a lone
surrogate) would show a page the rest of the console calls unreadable."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from ccm_tui.api import listcols
from ccm_tui.api.client import _Raw
from tests.api.test_fastjson import typed


@pytest.fixture(autouse=True)
def every_body_read_by_columns(monkeypatch):
    """The pages here are small: the size below which a page is parsed whole is lifted, so
    that the column reader is what these tests hold to the whole parse."""
    monkeypatch.setattr(listcols, "FROM_BYTES", 0)


def raw(body: bytes) -> _Raw:
    request = httpx.Request("GET", "https://ccm.example/v1/accounts")
    return _Raw(httpx.Response(200, content=body, request=request), "GET", "/v1/accounts")


def outcome(read, body: bytes) -> object:
    try:
        return ("ok", typed([list(c) for c in read(raw(body))]))
    except Exception as exc:  # noqa: BLE001 - the outcome compared is the error itself
        return ("raises", type(exc).__name__, str(exc))


def whole(r: _Raw) -> list[listcols.Columns]:
    return [listcols.of_item(item) for item in r.items()]


def columns(r: _Raw) -> list[listcols.Columns]:
    return r.columns()


def page(*items: bytes) -> bytes:
    return b'{"items": [' + b", ".join(items) + b"]}"


def item(extra: bytes = b"", **fields: bytes) -> bytes:
    parts = [b'"acct_id": "a1"', *(f'"{k}": '.encode() + v for k, v in fields.items())]
    if extra:
        parts.append(b'"x": ' + extra)
    return b"{" + b", ".join(parts) + b"}"


# A hostile value, put in turn where the table reads it (name, roles, created_at) and where
# it is skipped (an unknown key).
VALUES = [
    b'"\\ud800"', b'"\\udfff"', b'"\\ud83d\\ude00"', b'"\xed\xa0\x80"', b'"\xff"',
    b'"\xc0\x80"', b'"\xf4\x90\x80\x80"', b'"caf\xc3\xa9"', b'"\\u001b[31m[b]x"', b'"\\u0000"',
    b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"123456789012345678901234567890",
    b"18446744073709551616", b"-9223372036854775809", b"1.5e3", b"-0", b"-0.0", b"true",
    b"null", b"[1,]", b"01", b".5", b"1.", b'"a\x01"', b'"\\x"', b"nul", b"[1 2]",
    b'{"a": 1, "a": [2]}', b"[" * 1100 + b"]" * 1100, b"[" * 3000 + b"]" * 3000,
    b"[" * 40 + b"]" * 40, b'["MANAGER", "READER", "MANAGER"]', b'[["x"]]', b'{"k": "v"}',
]

BODIES = [
    b"", b"   ", b"null", b"[]", b"{}", b'{"items": null}', b'{"items": {}}', b'{"items": []}',
    b'\xef\xbb\xbf{"items": []}', '{"items": []}'.encode("utf-16"), b'{"items": []} x',
    page(b"[1]"), page(b"{}"), page(b'{"acct_id": 1}'), page(b'{"acct_id": null}'),
    page(b'{"acct_id": "a", "acct_id": 2}'), page(b'{"acct_id": 2, "acct_id": "a"}'),
    b'{"items": [{"acct_id": "a"}], "items": [{"acct_id": "b"}]}',
    b'{"items": [{"acct_id": "a"}], "items": null}', b'{"items": [{"acct_id": "a"}]',
    page(item(name=b'"n"', roles=b'["READER"]', status=b'"ACTIVE"',
              account_status=b'"Active"', component=b'"DEFAULT"', created_at=b"1764547200000")),
    page(item(name=b"null", roles=b"null", created_at=b"null")),
    *(page(item(name=v)) for v in VALUES),
    *(page(item(roles=v)) for v in VALUES),
    *(page(item(created_at=v)) for v in VALUES),
    *(page(item(extra=v)) for v in VALUES),
    *(page(item(), item(extra=v)) for v in VALUES),
    b'{"other": ' + VALUES[4] + b', "items": [{"acct_id": "a"}]}',
    b'{"other": ' + VALUES[0] + b', "items": [{"acct_id": "a"}]}',
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_hostile_pages_read_as_the_whole_parse_reads_them(body):
    assert outcome(columns, body) == outcome(whole, body)


def test_random_pages_read_alike():
    """Random items: the table's keys and unknown keys holding random values, some of the
    pages then cut short or given a byte that is not UTF-8."""
    from tests.api.test_fastjson import _random_value

    rng = random.Random(20261201)
    keys = [*listcols.COLUMNS[1:], "auth_configs", "extra", "acct_id"]
    checked = fast = 0
    for _ in range(1500):
        items = []
        for n in range(rng.randrange(1, 5)):
            obj: dict[str, object] = {"acct_id": f"id-{n}"}
            for _ in range(rng.randrange(6)):
                obj[rng.choice(keys)] = _random_value(rng)
            items.append(obj)
        text = json.dumps({"items": items}, ensure_ascii=rng.random() < 0.5, allow_nan=True)
        body = text.encode("utf-8", "surrogatepass")
        at = rng.randrange(len(body))
        for variant in (body, body[:at], body[:at] + b"\xff" + body[at:]):
            assert outcome(columns, variant) == outcome(whole, variant), variant[:200]
            checked += 1
            fast += listcols.decode(variant) is not None
    assert checked == 4500
    assert fast > 500  # the fast reader did read many of them


def test_an_ordinary_page_is_read_without_the_whole_parse(monkeypatch):
    """Plain pages (ASCII, or names in any script) take the fast reader: it is not a path
    that is never used."""
    items = [{"acct_id": f"2f1c9a4e-{i:04d}", "name": name, "roles": ["MANAGER"],
              "status": "ACTIVE", "created_at": 1764547200000 + i,
              "auth_configs": {"password": {}}, "logo": "iVBORw0KGgo="}
             for i, name in enumerate(["plain", "café", "東京", "😀 emoji"])]
    for ensure_ascii in (True, False):
        body = json.dumps({"items": items}, ensure_ascii=ensure_ascii).encode()
        got = listcols.decode(body)
        assert got == [listcols.of_item(i) for i in items]
        with monkeypatch.context() as patch:
            patch.setattr(_Raw, "items", lambda self: pytest.fail("parsed whole"))
            assert raw(body).columns() == got


def test_without_msgspec_the_whole_parse_reads_the_page(monkeypatch):
    monkeypatch.setattr(listcols, "_decoder", False)  # as where it cannot be imported
    body = page(item(name=b'"n"'), item(extra=b'"\\ud800"'))
    assert listcols.decode(body) is None
    assert outcome(columns, page(item(name=b'"n"'))) == ("ok", typed([["a1", "n", None, None,
                                                                     None, None, None]]))
    assert outcome(columns, body) == outcome(whole, body)
    assert outcome(columns, body)[0] == "raises"


def test_a_short_page_is_parsed_whole_and_msgspec_is_not_needed_for_it(monkeypatch):
    """The first page the console asks for (100 accounts, ~60 KB) is parsed whole: msgspec
    (~4 ms to import) is not on the way to the first rows. A page of 1000 is read by it."""
    monkeypatch.undo()  # the real threshold
    monkeypatch.setattr(listcols, "_decoder", None)
    monkeypatch.setattr(listcols, "_make_decoder", lambda: pytest.fail("msgspec wanted"))
    items = [{"acct_id": f"2f1c9a4e-3b7d-4c1e-9f0a-{i:012d}", "name": f"account {i}",
              "roles": ["MANAGER", "READER"], "status": "ACTIVE", "account_status": "Active",
              "component": "DEFAULT", "created_at": 1764547200000 + i,
              "auth_configs": {"c": {"password": {"require_2fa": False}}},
              "description": "x" * 300} for i in range(1000)]
    short = json.dumps({"items": items[:100]}).encode()
    assert len(short) < listcols.FROM_BYTES
    assert listcols.decode(short) is None
    assert raw(short).columns() == [listcols.of_item(i) for i in items[:100]]
    monkeypatch.undo()
    full = json.dumps({"items": items}).encode()
    assert len(full) >= listcols.FROM_BYTES
    assert listcols.decode(full) == [listcols.of_item(i) for i in items]
