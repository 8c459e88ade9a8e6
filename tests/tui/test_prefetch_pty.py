"""The console started with its credentials (CCM_URL / CCM_EMAIL / CCM_PASSWORD) on a real
pseudo-terminal: the login and the account pages are done by the start-up helper it forks
(service/prefetch.py) while Textual is imported. What an operator sees must not change:
the rows, the request log with every request, one login attempt for a wrong password, the
table's error when the list cannot be read, and no process left behind."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "perf"))

from pty_harness import PtyApp, _children  # noqa: E402

pytestmark = pytest.mark.slow

ACCOUNTS = 600  # the first page (100), then a page of 500


@pytest.fixture
def server():
    with EmulatorServer(host="127.0.0.1", port=0, seed_accounts=ACCOUNTS) as srv:
        yield srv


def console(server, tmp_path, password: str = DEMO_PASSWORD, **extra: str) -> PtyApp:
    env = {"CCM_URL": server.url, "CCM_EMAIL": DEMO_EMAIL, "CCM_PASSWORD": password,
           "CCM_TUI_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO), **extra}
    return PtyApp([sys.executable, "-m", "ccm_tui"], env=env, cwd=REPO, cols=100, rows=30)


def logins(server) -> int:
    return sum(1 for r in server.emulator.received if r.path == "/v1/sys/auth")


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "(Z)" not in _state(pid)


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "(X)"
    return f"({stat[stat.rfind(')') + 2:].split()[0]})"


def test_rows_come_with_one_login_every_request_logged_and_no_helper_left(server, tmp_path):
    with console(server, tmp_path) as app:
        app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s and "seed-account" in s, 60,
                     "the loaded table")
        # The helper ends with the list; the console reaps it.
        wait_until(lambda: not _children(app.pid), 10, "the helper to end")
        assert logins(server) == 1
        app.send("L")  # the request log: the helper's requests, as if the console made them
        app.wait_for(lambda s: "/v1/sys/auth" in s and "/v1/accounts" in s and "/v1/user" in s,
                     20, "the helper's requests in the request log")
        assert DEMO_PASSWORD not in app.text()
        app.send("\x1b")
        app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s and "seed-account" in s, 10,
                     "the table again")
        app.send("\r")  # details: the console's own client, made from the helper's login
        app.wait_for(lambda s: "Account: seed-account" in s, 30, "an account's details")
        assert logins(server) == 1  # the helper's token was used, no second login


def test_a_token_given_at_start_is_used_by_the_helper(server, tmp_path):
    import httpx

    answer = httpx.post(f"{server.url}/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD),
                        timeout=30)
    token = answer.json()["access_token"]
    server.emulator.faults.hold("GET /v1/accounts", after=1)  # the helper waits on page 2
    try:
        with console(server, tmp_path, password="", CCM_TOKEN=token) as app:
            app.wait_for(lambda s: "seed-account" in s, 60, "the first rows")
            assert len(_children(app.pid)) == 1, "no helper was forked"
            server.emulator.faults.release("GET /v1/accounts")
            app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s and "seed-account" in s, 60,
                         "the loaded table")
            assert logins(server) == 1  # the test's own: the token was used as it is
            assert token not in app.text()
    finally:
        server.emulator.faults.release("GET /v1/accounts")


def test_a_wrong_password_is_sent_once_and_the_form_says_why(server, tmp_path):
    with console(server, tmp_path, password="not-the-password") as app:
        app.wait_for(lambda s: "wrong email or password" in s, 60, "the login form's reason")
        time.sleep(0.5)  # anything sent by itself would arrive meanwhile
        assert logins(server) == 1
        assert "not-the-password" not in app.text()
        assert not _children(app.pid)


def test_a_list_the_server_refuses_shows_as_the_tables_error_and_r_reads_it(server, tmp_path):
    server.emulator.faults.fail_next("GET /v1/accounts", 400, body={"message": "bad paging"})
    with console(server, tmp_path) as app:
        app.wait_for(lambda s: "bad paging" in s, 60, "the refused list's reason")
        app.send("r")
        app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s, 60, "the table read again")
        assert logins(server) == 1


def test_quitting_while_pages_are_coming_ends_the_helper(server, tmp_path):
    server.emulator.faults.hold("GET /v1/accounts", after=1)  # the first page only
    try:
        with console(server, tmp_path) as app:
            app.wait_for(lambda s: "seed-account" in s, 60, "the first rows")
            helpers = _children(app.pid)
            assert len(helpers) == 1  # still waiting for the second page
            app.send("q")
            wait_until(lambda: app.exit_code() is not None, 20, "the console to exit")
            assert app.exit_code() == 0, app.text()
            wait_until(lambda: not alive(helpers[0]), 10, "the helper to be gone")
    finally:
        server.emulator.faults.release("GET /v1/accounts")


def test_with_the_helper_turned_off_the_console_logs_in_itself(server, tmp_path):
    with console(server, tmp_path, CCM_TUI_NO_PREFETCH="1") as app:
        app.wait_for(lambda s: f"Accounts ({ACCOUNTS})" in s, 60, "the loaded table")
        assert not _children(app.pid)
        assert logins(server) == 1


def test_demo_rows_come_from_the_demo_servers_own_login(tmp_path):
    """``--demo``: the demo server logs in to itself once it listens and sends the session
    and the first rows (no helper is forked): the same table, the request log with those
    requests, details through the console's own client, and nothing left when it quits."""
    env = {"CCM_TUI_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    with PtyApp([sys.executable, "-m", "ccm_tui", "--demo"], env=env, cwd=REPO, cols=100,
                rows=30) as app:
        app.wait_for(lambda s: "Payments (prod)" in s and "Accounts (" in s, 60,
                     "the demo's rows")
        servers = _children(app.pid)
        assert len(servers) == 1  # the demo server: no helper beside it
        app.send("L")
        app.wait_for(lambda s: "/v1/sys/auth" in s and "/v1/user" in s and "/v1/accounts" in s,
                     20, "the demo server's login in the request log")
        app.send("\x1b")
        app.wait_for(lambda s: "Payments (prod)" in s, 10, "the table again")
        app.send("\r")
        app.wait_for(lambda s: "Account: " in s and "my roles" in s, 30, "an account's details")
        app.send("\x1b")
        app.wait_for(lambda s: "Payments (prod)" in s, 10, "the table again")
        app.send("q")
        wait_until(lambda: app.exit_code() is not None, 20, "the console to exit")
        assert app.exit_code() == 0, app.text()
        wait_until(lambda: not alive(servers[0]), 10, "the demo server to be gone")
