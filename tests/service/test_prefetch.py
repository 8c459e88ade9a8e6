"""The start-up helper (service/prefetch.py): what the console makes of what the helper sends
— its login outcome, its pages, its request records — and of a helper that dies, lies or
hangs; and a session whose login the helper made (service/session.adopt_session).

The real fork is driven end to end on a pty in tests/tui/test_prefetch_pty.py. Here the
"helper" is a small child process writing chosen frames to a pipe, so every way a helper can
go wrong can be produced on purpose."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import time

import pytest

from ccm_tui.api.errors import AuthRequired, CcmError, HttpError
from ccm_tui.api.records import RequestRecord
from ccm_tui.config import ConnectionSettings
from ccm_tui.service import prefetch
from ccm_tui.service.listing import FIRST_PAGE_SIZE, ListedPage, account_pages
from ccm_tui.service.prefetch import ListingLost, Prefetch
from ccm_tui.service.session import adopt_session, open_session

URL = "http://127.0.0.1:9"


def frame(kind: str, value: object) -> bytes:
    data = pickle.dumps((kind, value))
    return len(data).to_bytes(8, "big") + data


def record(path: str) -> RequestRecord:
    return RequestRecord(method="GET", path=path, status=200, elapsed_ms=1.0)


def helper(data: bytes, *, then_sleep: float = 0.0, limit: int = 1 << 20,
           wait: float = 10.0) -> tuple[Prefetch, subprocess.Popen]:
    """A child that writes ``data`` to the pipe, then sleeps ``then_sleep`` s and exits."""
    code = ("import os, sys, time; data = sys.stdin.buffer.read(); "
            "os.write(1, data) if data else None; sys.stdout.flush(); "
            f"time.sleep({then_sleep})")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(data)
    child.stdin.close()
    fd = os.dup(child.stdout.fileno())
    child.stdout.close()
    return Prefetch(child.pid, fd, limit=limit, wait=wait), child


def gone(child: subprocess.Popen) -> bool:
    try:
        os.kill(child.pid, 0)
    except ProcessLookupError:
        return True
    return False


SESSION = {"token": "tok-123", "session_info": None, "user": None, "cookies": []}
BODY = b'{"items": [{"acct_id": "a1", "name": "one"}, {"acct_id": "a2", "name": "two"}]}'
ITEMS = ListedPage([({"acct_id": "a1", "name": "one"}, BODY, 0),
                    ({"acct_id": "a2", "name": "two"}, BODY, 1)]).fields()


async def test_login_then_pages_then_end():
    pre, child = helper(frame("record", record("/v1/sys/auth")) + frame("session", SESSION)
                        + frame("record", record("/v1/accounts?limit=100"))
                        + frame("rows", ITEMS) + frame("end", None))
    kind, value = await pre.login()
    assert (kind, value["token"]) == ("session", "tok-123")
    got = []
    pages = [page async for page in pre.pages()]
    assert [len(p) for p in pages] == [2]
    assert [row.name for row in pages[0].rows()] == ["one", "two"]
    pre.send_records_to(got.append)  # records before and after the login reach the log
    assert [r.path for r in got] == ["/v1/sys/auth", "/v1/accounts?limit=100"]
    assert pre.pid == 0 and child.poll() is not None  # reaped


async def test_the_outcome_can_be_polled_without_waiting():
    pre, _child = helper(b"", then_sleep=5)
    assert pre.poll_login() is None  # nothing yet: the caller shows "Connecting" and waits
    pre.close()
    pre2, _ = helper(frame("session", SESSION) + frame("end", None))
    deadline = time.monotonic() + 10
    while (outcome := pre2.poll_login()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outcome is not None and outcome[0] == "session"
    assert await pre2.login() == outcome  # the same outcome, read once
    assert [p async for p in pre2.pages()] == []


async def test_a_refused_login_is_the_helpers_error_not_a_second_try():
    refused = AuthRequired("login refused for a@b.c: email or password is wrong", status=401,
                           method="POST", path="/v1/sys/auth")
    pre, _ = helper(frame("error", refused))
    kind, value = await pre.login()
    assert kind == "error" and isinstance(value, AuthRequired)
    assert str(value) == str(refused) and value.status == 401


@pytest.mark.parametrize("data", [
    b"",  # died before saying anything
    frame("crash", "MemoryError"),  # failed in a way it could not send
    (10**12).to_bytes(8, "big") + b"x",  # a frame larger than the bound
    (5).to_bytes(8, "big") + b"junk!",  # not a pickle
    frame("session", {"token": None}),  # not a session
    frame("record", record("/v1/sys/auth"))[:-3],  # cut short
])
async def test_a_helper_lost_before_the_outcome_lets_the_console_log_in_itself(data):
    pre, child = helper(data)
    assert await pre.login() == ("lost", None)
    assert pre.pid == 0 and child.poll() is not None


async def test_a_helper_that_hangs_is_given_up_and_ended():
    pre, child = helper(b"", then_sleep=60, wait=0.3)
    started = time.monotonic()
    assert await pre.login() == ("lost", None)
    assert time.monotonic() - started < 5
    assert child.wait(5) is not None and gone(child)


async def test_a_listing_error_is_raised_where_the_table_reads_the_pages():
    error = HttpError("the server refused the request (HTTP 400: bad limit)", status=400,
                      method="GET", path="/v1/accounts")
    pre, _ = helper(frame("session", SESSION) + frame("rows", ITEMS) + frame("error", error))
    await pre.login()
    pages = pre.pages()
    assert len(await anext(pages)) == 2  # what arrived first is kept
    with pytest.raises(HttpError, match="bad limit"):
        await anext(pages)


async def test_a_helper_dying_mid_list_is_a_clear_error():
    pre, _ = helper(frame("session", SESSION) + frame("rows", ITEMS))
    await pre.login()
    pages = pre.pages()
    await anext(pages)
    with pytest.raises(ListingLost, match="press r"):
        await anext(pages)
    assert isinstance(ListingLost(), CcmError)


async def test_stopping_the_pages_early_ends_the_helper():
    pre, child = helper(frame("session", SESSION) + frame("rows", ITEMS), then_sleep=60)
    await pre.login()
    pages = pre.pages()
    await anext(pages)
    await pages.aclose()  # Esc while loading, or the console quitting
    assert child.wait(5) is not None and gone(child)


def test_wanted_only_with_credentials_and_not_when_turned_off():
    settings = ConnectionSettings(url=URL, email="a@b.c")
    assert prefetch.wanted(settings, password="pw", token=None, env={}) == sys.platform.startswith("linux")
    assert not prefetch.wanted(settings, password=None, token=None, env={})
    assert not prefetch.wanted(ConnectionSettings(url=URL), password="pw", token=None, env={})
    assert not prefetch.wanted(settings, password="pw", token=None, env={prefetch.OFF_ENV: "1"})


# ------------------------------------------------------------------ the adopted session
async def _helper_login(asgi_transport, demo_credentials):
    """What the helper would send after a real login against the emulator."""
    email, password = demo_credentials
    settings = ConnectionSettings(url=URL, email=email)
    records: list[RequestRecord] = []
    theirs = await open_session(settings, password=password, transport=asgi_transport,
                                on_request=records.append)
    client = theirs.client
    login = {"token": client.access_token.get_secret_value(), "session_info": client.session_info,
             "user": theirs.user, "cookies": client.cookies()}
    return settings, password, login, records


async def test_an_adopted_session_makes_its_client_on_first_use(asgi_transport, demo_credentials):
    settings, password, login, records = await _helper_login(asgi_transport, demo_credentials)
    session = adopt_session(settings, login, password=password, transport=asgi_transport,
                            records=lambda sink: [sink(r) for r in records])
    assert not session.has_client
    assert session.expires_at == login["session_info"].session_token_expires_at
    assert session.user.user_email == settings.email
    await session.ready()
    assert session.has_client
    # The helper's requests are in this client's log, as if made here.
    assert [r.path for r in session.client.history][:2] == ["/v1/sys/auth", "/v1/user"]
    assert [p async for p in account_pages(session.client)] == []  # (no account yet)
    last = list(session.client.history)[-1]
    assert last.path.startswith("/v1/accounts") and last.status == 200  # the token works
    assert last.auth == "bearer"
    await session.close()


async def test_the_helpers_cookies_travel_as_plain_values_and_are_sent_again(
        asgi_transport, demo_credentials):
    """The cookies the server set at the helper's login reach the console as plain values:
    unpickling http.cookiejar.Cookie objects imported http.cookiejar, urllib.request and
    email (~10 ms) before the first rows. The adopted client holds the same cookies."""
    settings, password, login, _ = await _helper_login(asgi_transport, demo_credentials)
    if not login["cookies"]:
        pytest.fail("the emulator set no cookie at login: nothing here to check")
    data = pickle.dumps(login, protocol=pickle.HIGHEST_PROTOCOL)
    script = ("import pickle, sys; pickle.loads(sys.stdin.buffer.read()); "
              "print(sorted(m for m in ('http.cookiejar', 'urllib.request', 'email') "
              "if m in sys.modules))")
    read = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", script], input=data,
                                   capture_output=True, check=True)
    assert read.stdout.decode().strip() == "[]"
    session = adopt_session(settings, pickle.loads(data), password=password,
                            transport=asgi_transport, records=lambda sink: None)
    await session.ready()
    assert session.client.cookies() == login["cookies"]
    await session.close()


async def test_an_adopted_session_logs_in_again_when_its_token_is_refused(
        asgi_transport, demo_credentials, emulator):
    settings, password, login, _ = await _helper_login(asgi_transport, demo_credentials)
    session = adopt_session(settings, login, password=password, transport=asgi_transport)
    emulator.faults.fail_next("GET /v1/accounts", 401, count=1)
    assert [p async for p in account_pages(session.client)] == []
    statuses = [(r.path.split("?")[0], r.status) for r in session.client.history]
    assert statuses == [("/v1/accounts", 401), ("/v1/sys/auth", 200), ("/v1/accounts", 200)]
    auths = [r for r in session.client.history if r.path == "/v1/sys/auth"]
    assert len(auths) == 1  # the password kept for it, as a login made here would
    await session.close()


async def test_closing_an_adopted_session_before_its_client_opens_nothing(
        asgi_transport, demo_credentials):
    settings, password, login, _ = await _helper_login(asgi_transport, demo_credentials)
    session = adopt_session(settings, login, password=password, transport=asgi_transport)
    await session.close()
    assert not session.has_client


async def test_a_helper_that_does_not_exit_after_its_last_word_is_ended():
    pre, child = helper(frame("session", SESSION) + frame("end", None), then_sleep=60)
    await pre.login()
    started = time.monotonic()
    assert [p async for p in pre.pages()] == []
    assert time.monotonic() - started < prefetch.EXIT_GRACE + 2  # the loop is not held
    assert child.wait(5) is not None and gone(child)


#: The console, headless, started as run_console starts it (StartPlan.fork_login before
#: Textual is imported), against a running emulator: the rows must be shown before this
#: process imports httpx, and the client is made after them (off the event loop's path).
HEADLESS_PROBE = """
import asyncio, json, os, sys, time
from ccm_tui.startup import StartPlan, trim_imports
from ccm_tui.config import ConnectionSettings
url, email, password = sys.argv[1:4]
plan = StartPlan(ConnectionSettings(url=url, email=email), password=password)
plan.fork_login()
trim_imports()
helper = plan.prefetch.pid if plan.prefetch else None

async def main():
    from ccm_tui.app import create_app
    app = create_app(settings=plan.settings, password=password, prefetch=plan.prefetch)
    out = {"helper": helper}
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 60
        while not (type(app.screen).__name__ == "AccountsScreen" and app.screen.all_rows):
            assert time.monotonic() < deadline, "no rows in 60 s"
            await pilot.pause(0.01)
        out["httpx_at_rows"] = "httpx" in sys.modules
        httpx_while_loading = False
        while app.screen.fetching:
            httpx_while_loading = httpx_while_loading or "httpx" in sys.modules
            await pilot.pause(0.01)
        out["httpx_while_loading"] = httpx_while_loading
        out["rows"] = len(app.screen.all_rows)
        while not app.session.has_client:
            assert time.monotonic() < deadline, "no client in 60 s"
            await pilot.pause(0.02)
        out["httpx_after"] = "httpx" in sys.modules
        out["log"] = [r.path.split("?")[0] for r in app.session.client.history]
    plan.close()
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.mark.slow
@pytest.mark.skipif(not prefetch.available({}), reason="the helper is forked on Linux only")
def test_the_rows_are_shown_before_the_console_imports_the_http_stack(live_emulator,
                                                                       demo_credentials, tmp_path):
    import json
    from pathlib import Path

    from ccm_tui.emulator.accounts import new_account

    repo = Path(__file__).resolve().parents[2]
    email, password = demo_credentials
    emulator = live_emulator.emulator
    for i in range(FIRST_PAGE_SIZE + 20):  # two pages: the second comes 0.4 s after the first
        account = new_account({"name": f"Probe Co {i:03d}"}, ids=emulator.ids, now=emulator.now())
        emulator.store.insert_account(account, emulator.user["user_id"], roles=["MANAGER"])
    emulator.faults.latency(0.4, "GET /v1/accounts")
    proc = subprocess.run(
        [sys.executable, "-c", HEADLESS_PROBE, live_emulator.url, email, password],
        cwd=repo, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "CCM_TUI_HOME": str(tmp_path / "home"),
             "PYTHONPATH": str(repo), "NO_PROXY": "127.0.0.1,localhost"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["helper"], "no helper was forked"
    assert out["rows"] == FIRST_PAGE_SIZE + 20
    assert out["httpx_at_rows"] is False
    assert out["httpx_while_loading"] is False  # made once the whole list is in
    assert out["httpx_after"] is True
    assert out["log"][:3] == ["/v1/sys/auth", "/v1/user", "/v1/accounts"]


async def test_the_helpers_rows_are_the_rows_the_console_would_make(
        asgi_transport, demo_credentials, emulator):
    """A page goes through the pipe as ListedPage.fields() (the body and each account's
    columns as plain values): after the pickle's round trip its rows equal, column for column,
    the ones the console makes from the page itself, and each opens the same account."""
    from ccm_tui.emulator.accounts import new_account
    from ccm_tui.service.listing import FieldsPage

    odd = ["plain", "Ünïcode ✓", "[bold]markup[/]", "tab\there", "x" * 300, "\x1b[31mred"]
    for i, name in enumerate(odd * 3):
        account = new_account({"name": f"{name} {i}"}, ids=emulator.ids, now=emulator.now())
        emulator.store.insert_account(account, emulator.user["user_id"],
                                      roles=[["MANAGER"], ["READER", "WRITER"], []][i % 3])
    settings, password, login, _ = await _helper_login(asgi_transport, demo_credentials)
    session = adopt_session(settings, login, password=password, transport=asgi_transport)
    await session.ready()
    pages = [page async for page in account_pages(session.client, first_page_size=5)]
    assert len(pages) > 1
    for page in pages:
        sent = pickle.loads(pickle.dumps(("rows", page.fields()), protocol=pickle.HIGHEST_PROTOCOL))
        mine, theirs = page.rows(), FieldsPage(sent[1]).rows()
        assert len(FieldsPage(sent[1])) == len(page) == len(theirs)
        assert [r._key() for r in theirs] == [r._key() for r in mine]
        assert [(r.roles_text, r.console_roles, r.created_local) for r in theirs] == [
            (r.roles_text, r.console_roles, r.created_local) for r in mine]
        assert [r.account.name for r in theirs] == [r.account.name for r in mine]
    await session.close()
