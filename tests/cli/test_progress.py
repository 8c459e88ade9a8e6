"""Progress on long headless work, and Ctrl+C during a batch.

The CLI runs as a subprocess (on a pseudo-terminal, or on pipes) against an emulator served
on a loopback port by this test process, so faults are set through the in-process API.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "perf"))

from pty_harness import PtyApp  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX ptys and signals")]

#: The live progress line: done/total, failures so far, a measured rate and an ETA.
PROGRESS = re.compile(r"Creating accounts .*\b(\d+)/(\d+) +(\d+) failed +[\d,.]+/s +ETA \d+:\d\d")
CREATED = re.compile(r"^\[ *(\d+)/(\d+)\] created  (\S+)  ([0-9a-f-]{36})$")


@pytest.fixture
def server():
    with EmulatorServer(host="127.0.0.1", port=0) as srv:
        yield srv


def _env(server, tmp_path, **extra) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CCM_URL": server.url,
           "CCM_EMAIL": DEMO_EMAIL, "CCM_PASSWORD": DEMO_PASSWORD,
           "CCM_TUI_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    env.update(extra)
    return env


def _batch_file(tmp_path: Path, names: list[str]) -> str:
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps({"name": n}) for n in names), encoding="utf-8")
    return str(path)


def _posted_names(emulator) -> list[str]:
    return [r.body["name"] for r in list(emulator.received)
            if r.method == "POST" and r.path == "/v1/accounts"]


def test_batch_on_a_terminal_shows_a_live_progress_line(server, tmp_path):
    emulator = server.app.state.emulator
    emulator.faults.latency(0.05, "POST /v1/accounts")
    emulator.faults.fail_next("POST /v1/accounts", 400, count=2)  # two failures to count
    names = [f"tty-{i:02d}" for i in range(40)]
    argv = [sys.executable, "-m", "ccm_tui", "accounts", "create", "--from",
            _batch_file(tmp_path, names), "--concurrency", "2"]
    with PtyApp(argv, env=_env(server, tmp_path), cwd=REPO, cols=110, rows=60) as app:
        seen: dict[str, tuple[int, ...]] = {}

        def progress_with_failures(screen: str) -> bool:
            lines = [line for line in screen.splitlines() if PROGRESS.search(line)]
            assert len(lines) <= 1, screen  # ONE progress line, redrawn in place
            m = PROGRESS.search(lines[0]) if lines else None
            if m and int(m[3]) == 2 and 0 < int(m[1]) < 40:
                seen["progress"] = tuple(int(g) for g in m.groups())
                return True
            return False

        app.wait_for(progress_with_failures, 60, "a progress line counting 2 failures")
        done, total, failed = seen["progress"]
        assert total == 40 and failed == 2
        app.wait_for(lambda s: "40 account(s):" in s, 60, "the summary")
        assert app.proc.wait(timeout=30) == 1  # two accounts failed
        screen = app.text()
    # The progress line is gone; what stays is what a pipe would have shown.
    assert "Creating accounts" not in screen
    lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
    assert lines[-1] == "40 account(s): 38 created, 2 not created, 0 unknown"
    assert sum(bool(CREATED.match(line)) for line in lines) == 38


def test_batch_on_pipes_prints_no_progress(server, tmp_path):
    emulator = server.app.state.emulator
    emulator.faults.latency(0.02, "POST /v1/accounts")
    names = [f"pipe-{i:02d}" for i in range(12)]
    # TERM says the (absent) terminal could draw: only "is stderr a terminal" decides.
    proc = subprocess.run(
        [sys.executable, "-m", "ccm_tui", "accounts", "create", "--from",
         _batch_file(tmp_path, names), "--concurrency", "3", "--json"],
        cwd=REPO, env=_env(server, tmp_path, TERM="xterm-256color"), capture_output=True,
        text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Creating accounts" not in proc.stderr and "\x1b" not in proc.stderr
    assert "\r" not in proc.stderr
    results = json.loads(proc.stdout)  # stdout is the JSON, untouched
    assert sorted(r["name"] for r in results) == names
    err_lines = proc.stderr.splitlines()
    assert sum(bool(CREATED.match(line)) for line in err_lines) == 12
    assert err_lines[-1] == "12 account(s): 12 created, 0 not created, 0 unknown"


def test_long_list_on_a_terminal_shows_progress_and_pipes_none(tmp_path):
    # Pages of 1000 (the client's LIST_PAGE_SIZE): 5,200 accounts are six pages, so the
    # line (shown from the third page on) stays up for three pages of 0.1 s each.
    from ccm_tui.api.client import LIST_PAGE_SIZE

    total = LIST_PAGE_SIZE * 5 + 200
    with EmulatorServer(host="127.0.0.1", port=0, seed_accounts=total) as server:
        server.app.state.emulator.faults.latency(0.1, "GET /v1/accounts")
        argv = [sys.executable, "-m", "ccm_tui", "accounts", "list", "--json"]
        with PtyApp(argv, env=_env(server, tmp_path), cwd=REPO, cols=100, rows=30) as app:
            app.wait_for(lambda s: re.search(r"Loading accounts… [\d,]+ \([3-9] pages\)", s)
                         is not None, 60, "the list progress line")
            assert app.proc.wait(timeout=60) == 0
        proc = subprocess.run(argv, cwd=REPO, env=_env(server, tmp_path, TERM="xterm"),
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) >= total
    assert "Loading" not in proc.stderr and "\x1b" not in proc.stderr


def test_ctrl_c_mid_batch_finishes_in_flight_creates_and_exits_130(server, tmp_path):
    emulator = server.app.state.emulator
    emulator.faults.latency(2.0, "POST /v1/accounts")
    names = [f"int-{i:02d}" for i in range(30)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccm_tui", "accounts", "create", "--from",
         _batch_file(tmp_path, names), "--concurrency", "4"],
        cwd=REPO, env=_env(server, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        # Wait until the second wave of four is on the wire (the first four are done); the
        # third wave cannot start for the 2 s those four are held by the injected latency.
        deadline = time.monotonic() + 60
        while len(_posted_names(emulator)) < 8 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        in_flight_before = set(_posted_names(emulator))
        assert len(in_flight_before) == 8
        # The requests now in flight will be committed and then lose their connection, so
        # the CLI cannot know from the answer: it must reconcile each one after Ctrl+C.
        emulator.faults.drop_after_commit(count=4)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in out + err

    posted = set(_posted_names(emulator))
    on_server = {a["name"] for a in emulator.store.all_accounts()}
    reported_created = {m[3] for m in map(CREATED.match, out.splitlines()) if m}
    not_sent = set(re.findall(r"NOT SENT (int-\d\d):", err))

    # Nothing new was started after Ctrl+C: only what was already on the wire was sent.
    assert posted == in_flight_before and len(posted) < len(names)
    # Every account is accounted for, and each report matches the server.
    assert reported_created | not_sent == set(names)
    assert reported_created.isdisjoint(not_sent)
    assert reported_created == posted & set(names) == on_server & set(names)
    assert not_sent.isdisjoint(on_server)
    assert "UNKNOWN" not in err and "FAILED" not in err
    # The four in flight really lost their answers, and the account list was read to settle
    # them (the reconciliation), after the last create was sent.
    assert not emulator.faults.wants_commit_fault("POST", "/v1/accounts")
    received = list(emulator.received)
    last_post = max(i for i, r in enumerate(received)
                    if (r.method, r.path) == ("POST", "/v1/accounts"))
    assert any(r.method == "GET" and r.path == "/v1/accounts" for r in received[last_post:])
    assert len(reported_created) == 8
    summary = err.strip().splitlines()[-1]
    assert summary == (f"interrupted: 30 account(s): {len(reported_created)} created, "
                       f"{len(not_sent)} not created, 0 unknown ({len(not_sent)} never sent; "
                       "the others were finished and checked)")
    assert "interrupted: no new account will be sent" in err


def test_ctrl_c_typed_on_the_terminal_ends_the_progress_line_with_the_summary(server, tmp_path):
    """The key itself, on a pty (SIGINT to the foreground process group): the progress line
    says it is stopping, then gives way to the summary; the terminal is left clean."""
    from pty_harness import KEY_CTRL_C

    emulator = server.app.state.emulator
    emulator.faults.latency(2.0, "POST /v1/accounts")
    names = [f"key-{i:02d}" for i in range(12)]
    argv = [sys.executable, "-m", "ccm_tui", "accounts", "create", "--from",
            _batch_file(tmp_path, names), "--concurrency", "2"]
    with PtyApp(argv, env=_env(server, tmp_path), cwd=REPO, cols=120, rows=40) as app:
        app.wait_for(lambda s: PROGRESS.search(s) is not None or "0/12" in s, 60,
                     "the progress line")
        deadline = time.monotonic() + 60
        while len(_posted_names(emulator)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        app.send(KEY_CTRL_C)
        app.wait_for(lambda s: "Stopping: finishing the requests in flight" in s, 30,
                     "the progress line saying it is stopping")
        app.wait_for(lambda s: "interrupted: 12 account(s):" in s, 60, "the summary")
        assert app.proc.wait(timeout=30) == 130
        screen = app.text()
    assert "Stopping" not in screen and "Creating accounts" not in screen
    lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
    created = sum(bool(CREATED.match(line)) for line in lines)
    assert created == len(_posted_names(emulator)) >= 2
    assert lines[-1] == (f"interrupted: 12 account(s): {created} created, {12 - created} not "
                         f"created, 0 unknown ({12 - created} never sent; the others were "
                         "finished and checked)")


def test_long_members_list_on_a_terminal_shows_progress_and_pipes_none(server, tmp_path):
    emulator = server.app.state.emulator
    from ccm_tui.emulator.accounts import new_account

    account = new_account({"name": "Crowded"}, ids=emulator.ids, now=emulator.now())
    emulator.store.insert_account(account, emulator.user["user_id"], roles=["MANAGER"])
    for i in range(450):  # five pages of 100
        emulator.store.add_member(account["acct_id"], {
            "user_id": emulator.ids.new(), "user_email": f"member{i:03d}@example.com",
            "created_at": 0}, ["READER"])
    emulator.faults.latency(0.1, "GET /v1/users")
    argv = [sys.executable, "-m", "ccm_tui", "members", "list", "--account", "Crowded", "--json"]
    with PtyApp(argv, env=_env(server, tmp_path), cwd=REPO, cols=100, rows=30) as app:
        app.wait_for(lambda s: re.search(r"Loading members… [\d,]+ \([3-9] pages\)", s)
                     is not None, 60, "the members progress line")
        assert app.proc.wait(timeout=60) == 0
    proc = subprocess.run(argv, cwd=REPO, env=_env(server, tmp_path, TERM="xterm"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 451  # the 450 and the demo user
    assert "Loading" not in proc.stderr and "\x1b" not in proc.stderr
