"""service/listing: the one paging loop of the table and `accounts list`, and the JSON lines
`accounts list --json` prints (secrets masked, unsafe characters escaped, depth bounded)."""

from __future__ import annotations

import json

import pytest

from ccm_tui.api.errors import MalformedResponse
from ccm_tui.service.listing import ListedPage, account_field_pages, account_pages
from ccm_tui.service.redact import MASK, redact


def _page(*items: dict) -> ListedPage:
    body = json.dumps({"items": list(items)}).encode()
    return ListedPage([(item, body, i) for i, item in enumerate(items)])


PLAIN = {"acct_id": "a1", "name": "Plain", "roles": ["READER"],
         "auth_configs": {"c1": {"password": {"require_2fa": False}}}}


@pytest.mark.parametrize("secret", [
    {"oauth": {"client_secret": "s3cr3t-value"}},
    {"oauth": {"tls": {"required": {"Client_Key": "s3cr3t-value"}}}},
    {"x": {" PASSWORD ": "s3cr3t-value"}},
    {"pem": "-----BEGIN PRIVATE KEY-----\ns3cr3t-value\n-----END PRIVATE KEY-----"},
])
def test_json_lines_mask_what_redact_masks_and_nothing_else(secret):
    odd = {"acct_id": "a2", "name": "Odd", "auth_configs": {"c2": secret}}
    lines = _page(PLAIN, odd).json_lines()
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert [json.loads(line) for line in lines] == [PLAIN, redact(odd)]
    assert "s3cr3t-value" not in "".join(lines) and MASK in lines[1]


def test_json_lines_escape_unsafe_characters():
    item = {"acct_id": "a3", "name": "evil\x1b]52;c;x\x07 \u202e name"}
    [line] = _page(item).json_lines()
    assert "\x1b" not in line and "\u202e" not in line and "\x07" not in line
    assert json.loads(line) == item


def test_json_lines_refuse_an_item_nested_past_the_bound():
    deep: object = "bottom"
    for _ in range(80):
        deep = [deep]
    with pytest.raises(MalformedResponse, match="nested more than"):
        _page(PLAIN, {"acct_id": "a4", "name": "Deep", "x": deep}).json_lines()


async def test_one_paging_loop_serves_rows_models_and_json(asgi_session):
    client = asgi_session.client
    for i in range(3):
        await client._call("POST", "/v1/accounts", json={"name": f"L{i}"})
    pages = [p async for p in account_pages(client, first_page_size=2)]
    assert [len(p) for p in pages][0] == 2
    rows = [r.name for p in pages for r in p.rows()]
    models = [a.name for p in pages for a in p.accounts()]
    lines = [json.loads(line)["name"] for p in pages for line in p.json_lines()]
    assert rows == models == lines and {"L0", "L1", "L2"} <= set(rows)


async def test_the_tables_pages_hold_the_rows_the_whole_items_give(asgi_session):
    """account_field_pages (the console's table, the start-up helper) reads only the table's
    columns: the same pages and rows as account_pages, and each row still opens the exact
    account the server sent."""
    client = asgi_session.client
    for i in range(3):
        await client._call("POST", "/v1/accounts", json={"name": f"F{i} \u00e9\u6771"})
    whole = [p async for p in account_pages(client, first_page_size=2)]
    fields = [p async for p in account_field_pages(client, first_page_size=2)]
    assert [len(p) for p in fields] == [len(p) for p in whole] and len(fields) >= 2
    assert [p.fields() for p in fields] == [p.fields() for p in whole]
    rows = [r for p in fields for r in p.rows()]
    assert rows == [r for p in whole for r in p.rows()]
    assert [r.account.name for r in rows] == [a.name for p in whole for a in p.accounts()]


@pytest.mark.parametrize("name", [
    "del\x7f in an otherwise ASCII page",  # DEL is ASCII: the ASCII shortcut must not skip it
    "c1 \x9b[31m and bidi \u202e",
    "zero width\u200b",
])
def test_json_lines_escape_unsafe_characters_in_a_page_of_plain_ones(name):
    """The page-wide shortcuts (an ASCII page needs no escape scan) still escape the one
    odd item among plain ones."""
    items = [dict(PLAIN, acct_id=f"p{i}", name=f"plain {i}") for i in range(50)]
    odd = {"acct_id": "odd", "name": name}
    lines = _page(*items, odd).json_lines()
    assert all(ord(ch) != 0x7f and not 0x80 <= ord(ch) <= 0x9f and ch not in "\u202e\u200b"
               for ch in lines[-1])
    assert json.loads(lines[-1]) == odd and lines[:-1] == [json.dumps(i, ensure_ascii=False)
                                                           for i in items]


@pytest.mark.parametrize("word", sorted(__import__("ccm_tui.redaction").redaction.SECRET_KEYS))
def test_json_lines_mask_every_secret_key_word_among_plain_items(word):
    """Each word redact() masks is still found by the page's quick search (which looks for
    fewer words: ``token`` for ``access_token``, ...), in any case."""
    items = [dict(PLAIN, acct_id=f"p{i}") for i in range(20)]
    odd = {"acct_id": "odd", "name": "Odd", "x": {word.upper(): "s3cr3t-value"}}
    lines = _page(*items, odd).json_lines()
    assert "s3cr3t-value" not in "".join(lines) and MASK in lines[-1]
    assert json.loads(lines[-1]) == redact(odd)


def test_json_lines_mask_a_base64_private_key():
    import base64

    pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    for shift in range(3):  # each alignment of "-----BEGIN" in the base64 text
        blob = base64.b64encode(("x" * shift + pem).encode()).decode()
        odd = {"acct_id": "odd", "name": "Odd", "tls": {"ca": blob}}
        [_, line] = _page(PLAIN, odd).json_lines()
        assert blob not in line and json.loads(line) == redact(odd)


def test_json_lines_text_is_what_json_dumps_gives():
    """The reused encoder writes what json.dumps(ensure_ascii=False) writes."""
    odd = {"acct_id": "a5", "name": "caf\u00e9 \u6f22 \"q\" \\ \n", "n": [1, 2.5, -0.0, 1e300,
           None, True, False], "nested": {"": {}, "l": [[], [{}]]}, "big": 10**30}
    [line] = _page(odd).json_lines()
    assert line == json.dumps(odd, ensure_ascii=False)


def test_json_block_writes_what_the_lines_write():
    """accounts list --json writes each page as one block: the same text as its lines, also
    for a page with a secret (masked) and an unsafe character (escaped)."""
    import io

    from ccm_tui.cli.output import JsonArrayWriter

    pages = [_page(PLAIN, {"acct_id": "a2", "name": "e\u202evil", "x": {"token": "s3cr3t"}}),
             _page(), _page(dict(PLAIN, acct_id="a3"))]
    by_lines, by_block = io.StringIO(), io.StringIO()
    with JsonArrayWriter(by_lines) as w:
        for p in pages:
            w.write_texts(p.json_lines())
    with JsonArrayWriter(by_block) as w:
        for p in pages:
            w.write_block(p.json_block(",\n  "), len(p))
    assert by_block.getvalue() == by_lines.getvalue()
    assert "s3cr3t" not in by_block.getvalue() and "\u202e" not in by_block.getvalue()
    assert len(json.loads(by_block.getvalue())) == 3


async def test_the_next_page_is_requested_before_a_page_is_handed_over(live_emulator,
                                                                        live_session,
                                                                        monkeypatch):
    """While the caller works on a page without awaiting (as encoding it does), the server
    already has the request for the next one: the two overlap."""
    import time

    from ccm_tui.emulator.accounts import seed_accounts

    emulator = live_emulator.app.state.emulator
    emulator.store.insert_many(seed_accounts(5, ids=emulator.ids, now=emulator.now()),
                               emulator.user["user_id"])
    monkeypatch.setattr("ccm_tui.api.client.LIST_PAGE_SIZE", 2)

    def next_page_asked() -> bool:
        return any(r.method == "GET" and r.path == "/v1/accounts" and "previous_id" in r.query
                   for r in list(emulator.received))

    pages = account_pages(live_session.client)
    try:
        first = await pages.__anext__()
        assert len(first) == 2
        # No await from here: the event loop does not turn while the page is worked on.
        deadline = time.monotonic() + 10
        while not next_page_asked() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert next_page_asked()
        rest = [p async for p in pages]
    finally:
        await pages.aclose()
    assert [len(p) for p in rest] == [2, 1]


def test_paging_gc_frees_cycles_every_few_pages_and_restores_the_collector():
    """The collector is off during the loop but for a collection every ``every`` pages,
    which frees what cycles hold (a response's body); it is left as it was found, also
    when the loop fails."""
    import gc
    import weakref

    from ccm_tui.service.listing import paging_gc

    class Body:
        pass

    assert gc.isenabled()
    held: list[weakref.ref] = []
    with pytest.raises(RuntimeError), paging_gc(every=3) as page_done:
        for _ in range(7):
            body = Body()
            cycle: list = [body]
            cycle.append(cycle)  # garbage only a collection frees
            held.append(weakref.ref(body))
            del body, cycle
            page_done()
            assert not gc.isenabled()
            alive = sum(r() is not None for r in held)
            assert alive == len(held) % 3  # freed at every third page, not before
        raise RuntimeError("the list failed part way")
    assert gc.isenabled() and gc.get_freeze_count() == 0


async def test_a_started_listing_asks_for_its_first_page_before_it_is_iterated(
        asgi_session, emulator):
    """service.listing.started: the accounts screen starts its first request when it is made,
    so the request travels while the screen composes and mounts."""
    import asyncio

    from ccm_tui.service.listing import started

    client = asgi_session.client
    for i in range(3):
        await client._call("POST", "/v1/accounts", json={"name": f"S{i}"})

    def lists_asked() -> int:
        return sum(1 for r in emulator.received if (r.method, r.path) == ("GET", "/v1/accounts"))

    before = lists_asked()
    pages = started(account_pages(client, first_page_size=2))
    for _ in range(200):  # the loop turns (the screen's compose and mount), nobody iterates
        if lists_asked() > before:
            break
        await asyncio.sleep(0.01)
    assert lists_asked() > before  # (the second page follows at once: the first was full)
    names = [r.name async for p in pages for r in p.rows()]
    assert {"S0", "S1", "S2"} <= set(names) and len(names) == len(set(names))


async def test_closing_a_started_listing_early_cancels_what_is_out(asgi_session, emulator):
    """Esc while the first page is still held on the server: the load ends at once, and
    closing the listing neither hangs nor raises."""
    import asyncio

    from ccm_tui.service.listing import started

    emulator.faults.hold("GET /v1/accounts")
    pages = started(account_pages(asgi_session.client))
    iterating = pages.__anext__()
    task = asyncio.ensure_future(iterating)
    for _ in range(500):  # until the first page's request is held on the server
        if any(r.path == "/v1/accounts" for r in emulator.received):
            break
        await asyncio.sleep(0.01)
    task.cancel()  # Esc while the first page is held on the server
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(pages.aclose(), 5)
    emulator.faults.clear()
