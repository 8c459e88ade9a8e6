"""service/packing: the page bodies a large list keeps, compressed, give back exactly what
the server sent; short ones are kept as they are."""

from __future__ import annotations

import json
import sys

from ccm_tui.service.accounts import page_fields, rows_from_fields
from ccm_tui.service.packing import PACK_FROM, pack, unpack


def _page_body(n: int) -> tuple[list[dict], bytes]:
    items = [{"acct_id": f"00000000-0000-4000-8000-{i:012d}", "name": f"acct-{i:05d} ☃",
              "roles": ["MANAGER"], "status": "ACTIVE", "description": "x" * (i % 7)}
             for i in range(n)]
    return items, json.dumps({"items": items}, ensure_ascii=False).encode()


def test_a_large_body_is_packed_smaller_and_unpacks_to_the_same_bytes():
    _, body = _page_body(1000)
    assert len(body) >= PACK_FROM
    packed = pack(body)
    assert len(packed) * 3 < len(body)
    assert unpack(packed) == body


def test_a_short_body_is_kept_as_it_is():
    _, body = _page_body(3)
    assert pack(body) is body
    assert unpack(body) is body


def test_an_opened_row_of_a_packed_page_is_the_item_the_server_sent():
    items, body = _page_body(1200)
    triples = [(item, body, i) for i, item in enumerate(items)]
    [(page_body, fields)] = page_fields(triples)
    rows = rows_from_fields(page_body, fields)
    assert len(rows) == 1200
    for i in (0, 777, 1199):
        account = rows[i].account
        assert account.acct_id == items[i]["acct_id"]
        assert account.name == items[i]["name"]
        assert account.description == items[i]["description"]


def test_without_zstandard_bodies_are_packed_with_zlib_and_still_read(monkeypatch):
    """A platform with no zstandard wheel (installed without its dependencies): zlib packs,
    and what either packed reads back the same."""
    _, body = _page_body(1000)
    packed_zstd = pack(body)
    monkeypatch.setitem(sys.modules, "zstandard", None)  # the import fails at once
    packed_zlib = pack(body)
    assert packed_zlib.startswith(b"\x78\x01") and len(packed_zlib) * 3 < len(body)
    assert unpack(packed_zlib) == body
    monkeypatch.undo()
    assert unpack(packed_zstd) == body and unpack(packed_zlib) == body
