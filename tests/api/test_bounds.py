"""Bounded answers: a listing that never ends, an answer that trickles, an answer that never
stops growing, and JSON nested too deep each end with one clear error — in the client, in
create's reconciliation and in the CLI (one line on stderr, exit code 1).

Every server here is a LoopbackCcm on 127.0.0.1; every slow case runs with a deadline of
1.5 s and is asserted to end within a small margin of it.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from ccm_tui.api.client import CcmClient, Limits, Timeouts
from ccm_tui.api.errors import (
    MalformedResponse,
    RequestTimeout,
    ResponseTooLarge,
    ServerError,
    TooManyItems,
)
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.cli import main
from ccm_tui.models import AccountRequest
from ccm_tui.service.accounts import create_account

from .helpers import TOKEN, Script
from .helpers import make_client as script_client
from .loopback_ccm import EMAIL, PASSWORD, LoopbackCcm

DEADLINE = 1.5
MARGIN = 2.0  # scheduling slack on a loaded 2-core machine
MIB = 1024 * 1024


@pytest.fixture
def ccm():
    with LoopbackCcm() as server:
        yield server


async def logged_in(ccm: LoopbackCcm, **kw) -> CcmClient:
    kw.setdefault("retry", NO_RETRY)
    client = CcmClient(ccm.url, **kw)
    await client.login(EMAIL, PASSWORD)
    return client


# ----------------------------------------------------------------------------- client


async def test_a_listing_that_never_ends_stops_at_the_item_cap(ccm):
    ccm.list_mode = "endless"
    client = await logged_in(ccm, limits=Limits(max_list_items=1_000))
    with pytest.raises(TooManyItems) as info:
        await client.list_accounts(page_size=100)
    await client.aclose()
    assert "more than 1,000 accounts" in info.value.message
    assert "max_list_items" in info.value.message
    assert ccm.pages_served == 11  # 1,100 received > 1,000: not one page more


@pytest.mark.parametrize("pages", ["iter_account_pages", "iter_account_columns"])
async def test_the_console_listing_stops_at_the_item_cap_too(ccm, pages):
    """The table reads only the columns of each page (iter_account_columns), `accounts
    list` models (iter_account_pages): the same cap applies to both."""
    ccm.list_mode = "endless"
    client = await logged_in(ccm, limits=Limits(max_list_items=250))
    seen = 0
    with pytest.raises(TooManyItems):
        async for page in getattr(client, pages)(page_size=50):
            seen += len(page)
    await client.aclose()
    assert seen == 250 and ccm.pages_served == 6


@pytest.mark.parametrize("mode", ["trickle", "silent"])
async def test_an_answer_trickling_one_byte_a_second_ends_at_the_deadline(ccm, mode):
    """Also when not even the status line comes: the deadline is shorter than read_timeout."""
    ccm.list_mode = mode
    client = await logged_in(ccm, timeouts=Timeouts(read=10.0, deadline=DEADLINE))
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as info:
        await client.list_accounts()
    elapsed = time.monotonic() - started
    await client.aclose()
    assert DEADLINE - 0.1 <= elapsed < DEADLINE + MARGIN
    assert info.value.phase == "deadline"
    assert "within 1.5 s (request_deadline)" in info.value.message
    assert client.history.last(1)[0].error.startswith("RequestTimeout")


async def test_an_endless_answer_is_read_only_up_to_the_size_cap(ccm):
    ccm.list_mode = "huge"
    client = await logged_in(ccm, limits=Limits(max_response_bytes=MIB))
    with pytest.raises(ResponseTooLarge) as info:
        await client.list_accounts()
    await client.aclose()
    assert "larger than 1 MiB" in info.value.message and "max_response_mb" in info.value.message
    # The server could only write what the client read plus the socket buffers.
    assert ccm.bytes_streamed < 32 * MIB


async def test_a_declared_length_over_the_cap_is_refused_before_reading():
    big = httpx.Response(200, headers={"Content-Length": str(5 * MIB)}, content=b" " * (5 * MIB))
    client, _ = script_client(Script().on("GET /v1/accounts/x", big), retry=NO_RETRY,
                              token=TOKEN, limits=Limits(max_response_bytes=MIB))
    with pytest.raises(ResponseTooLarge):
        await client.get_account("x")
    await client.aclose()


async def test_json_nested_too_deep_is_an_unreadable_answer(ccm):
    ccm.list_mode = "deep"
    client = await logged_in(ccm)
    with pytest.raises(MalformedResponse) as info:
        await client.list_accounts()
    await client.aclose()
    assert info.value.message == ("the server sent an unreadable answer (JSON nested more than "
                                  "64 levels deep) to GET /v1/accounts")


async def test_json_deep_but_parseable_is_refused_at_the_depth_limit():
    body = '{"items": [{"acct_id": "a", "x": ' + "[" * 70 + "]" * 70 + "}]}"
    script = Script().on("GET /v1/accounts", httpx.Response(200, text=body))
    client, _ = script_client(script, retry=NO_RETRY, token=TOKEN)
    with pytest.raises(MalformedResponse, match="nested more than 64 levels"):
        await client.list_accounts()
    await client.aclose()


async def test_an_error_body_nested_too_deep_still_gives_the_status():
    script = Script().on("GET /v1/accounts/x", httpx.Response(500, text="[" * 100_000))
    client, _ = script_client(script, retry=NO_RETRY, token=TOKEN)
    with pytest.raises(ServerError) as info:
        await client.get_account("x")
    await client.aclose()
    assert info.value.status == 500 and len(info.value.message) <= 300


# ----------------------------------------------------------------------------- create


@pytest.mark.parametrize(("mode", "state"), [("deep_created", "created"),
                                             ("deep_not_created", "not_created")])
async def test_create_with_an_unreadable_success_answer_is_reconciled(ccm, mode, state):
    ccm.create_mode = mode
    client = await logged_in(ccm)
    outcome = await create_account(client, AccountRequest(name="Deep Co"), recheck_delay=0)
    await client.aclose()
    assert outcome.state == state
    assert outcome.reconciled is True
    assert ccm.creates == 1  # looked up, never posted twice
    if state == "created":
        assert outcome.account is not None and outcome.account.name == "Deep Co"
        assert "confirmed by the account list" in outcome.message
    else:
        assert "retry is safe" in outcome.message


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_env(ccm, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('default_profile = "t"\n[profiles.t]\nread_timeout = 10\n'
                      f"request_deadline = {DEADLINE}\nmax_list_items = 500\n"
                      "max_response_mb = 1\n")
    monkeypatch.setenv("CCM_TUI_CONFIG", str(config))
    monkeypatch.setenv("CCM_URL", ccm.url)
    monkeypatch.setenv("CCM_EMAIL", EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", PASSWORD)
    return ccm


async def run_cli(capsys, *argv: str) -> tuple[int, str, str, float]:
    started = time.monotonic()
    code = await asyncio.to_thread(main, list(argv))  # main() runs its own event loop
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err, elapsed


@pytest.mark.parametrize(("mode", "line"), [
    ("endless", ("error: stopped reading the account list after 1 page(s): the server sent more "
                "than 500 accounts (max_list_items; raise it in the profile if this server "
                "really holds that many)")),
    ("trickle", "did not finish answering GET /v1/accounts within 1.5 s (request_deadline)"),
    ("huge", ("error: HTTP 200: the server sent an unreadable answer (larger than 1 MiB, the "
             "max_response_mb limit; reading stopped there) to GET /v1/accounts")),
    ("deep", ("error: HTTP 200: the server sent an unreadable answer (JSON nested more than 64 "
             "levels deep) to GET /v1/accounts")),
])
async def test_cli_list_ends_with_one_clear_line_and_exit_1(cli_env, capsys, mode, line):
    cli_env.list_mode = mode
    code, out, err, elapsed = await run_cli(capsys, "accounts", "list")
    assert code == 1
    assert out == ""
    [only] = err.strip().splitlines()
    assert only.startswith("error: ") and line in only
    assert elapsed < DEADLINE + 10  # every case is bounded (the trickle by the deadline)
    if mode == "trickle":
        assert elapsed < DEADLINE + MARGIN + 1


async def test_cli_create_with_deep_answer_reports_what_the_list_shows(cli_env, capsys,
                                                                       tmp_path: Path):
    acct = tmp_path / "acct.json"
    acct.write_text('{"name": "Deep Co"}')
    cli_env.create_mode = "deep_not_created"
    code, _, err, _ = await run_cli(capsys, "accounts", "create", "--from", str(acct))
    assert code == 1
    [only] = err.strip().splitlines()
    assert only.startswith("error: account 'Deep Co' was not created")
    assert "unreadable" in only and "retry is safe" in only

    cli_env.create_mode = "deep_created"
    code, out, err, _ = await run_cli(capsys, "accounts", "create", "--from", str(acct))
    assert code == 0, err
    assert "created account Deep Co" in out and "confirmed by listing" in out
    assert cli_env.creates == 2
