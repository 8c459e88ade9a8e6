"""`accounts list --json` over several pages: what the fast paths (the next page requested
while this one is encoded, the collector run every few pages) must not change — a hostile
string or a secret on a later page still comes out escaped and masked, a failure on page 3
still prints nothing but the error (exit 1), and the collector is left as it was found."""

from __future__ import annotations

import gc
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cli_helpers import run

from ccm_tui.api.client import CcmClient
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.cli.accounts import _list_json
from ccm_tui.redaction import redact
from ccm_tui.safetext import json_text


@pytest.fixture
def seven(ccm):
    """The live emulator holding 7 accounts: 4 pages of 2."""
    from ccm_tui.emulator.accounts import seed_accounts

    ccm.store.insert_many(seed_accounts(7, ids=ccm.ids, now=ccm.now()), ccm.user["user_id"])
    return ccm


def _plain(i: int) -> dict:
    return {"acct_id": f"{i:08d}-0000-4000-8000-000000000000", "name": f"plain {i}",
            "roles": ["READER"], "auth_configs": {"c": {"password": {"require_2fa": False}}}}


def _fake_ccm(accounts: list[dict]) -> httpx.MockTransport:
    """GET /v1/accounts with ``limit`` and ``previous_id``, as CCM pages it."""

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        limit = int(query["limit"][0])
        start = 0
        if "previous_id" in query:
            start = 1 + [a["acct_id"] for a in accounts].index(query["previous_id"][0])
        return httpx.Response(200, json={"items": accounts[start:start + limit]})

    return httpx.MockTransport(handler)


def _expected(accounts: list[dict]) -> str:
    """The documented output, built the slow way: each account redacted, as one line of
    safe JSON text, in an array indented by 2."""
    lines = [json_text(redact(a), indent=None) for a in accounts]
    return "[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n"


async def test_a_hostile_name_and_a_secret_on_page_3_come_out_escaped_and_masked(
        small_pages, capsys):
    odd = {"acct_id": "odd", "name": "evil\x1b]52;c;aGk=\x07 \u202eeman \x9b31m\u200b",
           "auth_configs": {"c": {"oauth": {"client_secret": "s3cr3t-value"}}},
           "x": {"Access_Token": "t0ken-value"}}
    accounts = [_plain(1), _plain(2), _plain(3), _plain(4), odd, _plain(6), _plain(7)]
    client = CcmClient("https://ccm.test", transport=_fake_ccm(accounts), token="t",
                       retry=NO_RETRY)
    try:
        assert await _list_json(client) == 0
    finally:
        await client.aclose()
    out = capsys.readouterr().out
    assert out == _expected(accounts)
    assert "s3cr3t-value" not in out and "t0ken-value" not in out
    assert not any(ch in out for ch in "\x1b\x07\u202e\x9b\u200b")
    listed = json.loads(out)
    assert listed[4]["name"] == odd["name"] and len(listed) == len(accounts)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def _third_list_request_fails(emulator, *, malformed: bool = False) -> None:
    """Every GET /v1/accounts from the third on fails: a 503 (retried, then reported), or a
    body that is not JSON."""
    if malformed:
        emulator.faults.malformed_next("GET /v1/accounts", count=100, after=2)
    else:
        emulator.faults.fail_next("GET /v1/accounts", 503, count=100, after=2, retry_after=0)


@pytest.mark.parametrize("malformed", [False, True], ids=["503", "not-json"])
def test_a_failure_on_page_3_prints_nothing_but_the_error(seven, small_pages, monkeypatch,
                                                          capsys, malformed):
    code, out, _ = run(capsys, "accounts", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 7  # page 3 exists
    _third_list_request_fails(seven, malformed=malformed)
    code, out, err = run(capsys, "accounts", "list", "--json")
    assert code == 1
    assert out == ""  # no partial list: the pages read before the failure are not printed
    [line] = err.splitlines()
    assert line == ("error: HTTP 200: the server sent an unreadable answer (not JSON) to GET "
                    "/v1/accounts" if malformed else "error: HTTP 503: injected fault: HTTP 503")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_many_pages_print_what_one_page_would(seven, small_pages, monkeypatch, capsys):
    code, paged, _ = run(capsys, "accounts", "list", "--json")
    monkeypatch.setattr("ccm_tui.api.client.LIST_PAGE_SIZE", 1000)
    code2, whole, _ = run(capsys, "accounts", "list", "--json")
    assert code == code2 == 0 and paged == whole and len(json.loads(paged)) == 7
