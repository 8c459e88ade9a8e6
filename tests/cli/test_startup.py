"""Start-up steps (ccm_tui/startup.py): the explicit import trimming, the --demo child process
and its lifetime, the stylesheet list, and the exit codes' own module."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from ccm_tui.startup import StartPlan

REPO = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=timeout)


def _gone(pid: int) -> bool:
    """The process has ended (a zombie not yet reaped counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return _gone(pid)


PROBE_TRIM = """
import json, sys
step = sys.argv[1] == "step"
if step:
    from ccm_tui.startup import trim_imports
    trim_imports()
import ccm_tui.api.client  # imports httpx
print(json.dumps({"click": "click" in sys.modules,
                  "sniffio_marked": "sniffio" in sys.modules and sys.modules["sniffio"] is None}))
"""


@pytest.mark.slow
def test_trim_imports_is_an_explicit_step():
    """Importing the client changes nothing by itself; the step keeps httpx's CLI (click) out
    and records that sniffio is absent (this environment has click and no sniffio)."""
    plain = json.loads(_python(PROBE_TRIM, "plain").stdout)
    trimmed = json.loads(_python(PROBE_TRIM, "step").stdout)
    assert plain == {"click": True, "sniffio_marked": False}
    assert trimmed == {"click": False, "sniffio_marked": True}


@pytest.mark.slow
def test_the_cli_trims_before_a_command_that_talks_http(tmp_path):
    code = """
    import json, runpy, sys
    sys.argv = ["ccm-tui", "accounts", "list", "--server", "http://127.0.0.1:9"]
    try:
        runpy.run_module("ccm_tui", run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    print(json.dumps({"code": code, "click": "click" in sys.modules}))
    """
    env_home = {"CCM_TUI_HOME": str(tmp_path), "CCM_EMAIL": "a@example.com",
                "CCM_PASSWORD": "not-a-secret"}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env_home},
                          capture_output=True, text=True, timeout=60)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 1  # nothing listens on port 9
    assert result["click"] is False


@pytest.mark.slow
def test_demo_child_serves_the_demo_and_stops_when_the_console_closes():
    plan = StartPlan(settings=None, demo=True)
    plan.spawn_demo()
    child = plan.child
    try:
        settings, (email, password) = plan.launch_demo()
        assert settings.url.startswith("http://127.0.0.1:")
        # The password is in neither the child's argv nor a well-known constant.
        cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
        assert password.encode() not in cmdline
        from ccm_tui.emulator import DEMO_PASSWORD

        assert password != DEMO_PASSWORD
        auth = httpx.post(f"{settings.url}/v1/sys/auth", auth=(email, password), timeout=10)
        assert auth.status_code == 200
        token = auth.json()["access_token"]
        accounts = httpx.get(f"{settings.url}/v1/accounts",
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert accounts.status_code == 200 and len(accounts.json()["items"]) >= 2  # demo data
    finally:
        plan.close()
    assert child.poll() is not None
    assert plan.child is None
    plan.close()  # twice is fine


CONSOLE = """
import sys, time
from ccm_tui.startup import StartPlan
plan = StartPlan(settings=None, demo=True)
plan.spawn_demo()
settings, _ = plan.launch_demo()
print(plan.child.pid, settings.url, flush=True)
time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_demo_child_ends_when_the_console_dies(sig):
    """Crash, SIGTERM or SIGKILL: the console's end of the pipe closes and the child stops."""
    console = subprocess.Popen([sys.executable, "-c", CONSOLE], cwd=REPO, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = console.stdout.readline().split()
        assert len(line) == 2, console.stderr.read()
        pid, url = int(line[0]), line[1]
        assert httpx.get(f"{url}/v1/sys/version", timeout=10).status_code == 200
        console.send_signal(sig)
        console.wait(10)
        assert _wait_gone(pid, 10), "the demo child outlived the console"
    finally:
        console.kill()
        console.wait()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the console reads the "
                    "demo server's login only where it forks its login helper (Linux)")
async def test_demo_child_logs_in_to_itself_and_sends_the_first_rows():
    """After READY the demo server logs in to itself and sends the session and the account
    pages on the same pipe (service/prefetch.serve_login): the console shows them without
    importing the HTTP stack first. The token works for the console's own client, every
    request is in the records, and the server keeps serving until the console closes it."""
    plan = StartPlan(settings=None, demo=True)
    plan.spawn_demo()
    child = plan.child
    try:
        settings, (email, password) = plan.launch_demo()
        helper = plan.take_prefetch()
        assert helper is not None and plan.take_prefetch() is None  # handed out once
        kind, login = await helper.login()
        assert kind == "session", (kind, login)
        assert login["user"].user_email == email
        names = [row.name for page in [p async for p in helper.pages()] for row in page.rows()]
        assert len(names) >= 2 and "Payments (prod)" in names  # the demo data
        records: list = []
        helper.send_records_to(records.append)
        assert [r.path.split("?")[0] for r in records] == ["/v1/sys/auth", "/v1/user",
                                                           "/v1/accounts"]
        assert password not in repr(records)
        assert child.poll() is None  # not ended by the helper's close: it still serves
        answer = httpx.get(f"{settings.url}/v1/accounts", timeout=10,
                           headers={"Authorization": f"Bearer {login['token']}"})
        assert answer.status_code == 200
    finally:
        plan.close()
    assert _wait_gone(child.pid, 10)


@pytest.mark.slow
def test_with_the_helper_turned_off_the_demo_child_only_serves(monkeypatch):
    monkeypatch.setenv("CCM_TUI_NO_PREFETCH", "1")
    plan = StartPlan(settings=None, demo=True)
    plan.spawn_demo()
    try:
        settings, (email, password) = plan.launch_demo()
        assert plan.take_prefetch() is None  # the console logs in itself
        auth = httpx.post(f"{settings.url}/v1/sys/auth", auth=(email, password), timeout=10)
        assert auth.status_code == 200
    finally:
        plan.close()


def test_a_failed_demo_child_is_explained(monkeypatch):
    """The child says why it could not start; the console's message carries it."""
    plan = StartPlan(settings=None, demo=True)
    monkeypatch.setattr("ccm_tui.startup.DEMO_PASSWORD_ENV", "CCM_TEST_NOT_THE_EMULATOR_VAR")
    monkeypatch.delenv("CCM_EMULATOR_PASSWORD", raising=False)
    plan.spawn_demo()  # the child looks for CCM_EMULATOR_PASSWORD, which is not set
    try:
        with pytest.raises(RuntimeError, match="CCM_EMULATOR_PASSWORD is not set"):
            plan.launch_demo()
    finally:
        plan.close()


def test_stylesheets_listed_by_name_are_the_folder():
    from ccm_tui.app import STYLESHEETS, styles_dir

    assert sorted(STYLESHEETS) == sorted(p.name for p in styles_dir().glob("*.tcss"))


def test_no_cli_module_imports_the_dispatcher_at_import():
    """Exit codes live in cli/exit_codes.py: no module under cli/ imports cli/main.py (which
    imports them) at module level."""
    offenders = []
    for path in sorted((REPO / "ccm_tui" / "cli").glob("*.py")):
        if path.name in ("main.py", "__init__.py"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module == "ccm_tui.cli.main":
                offenders.append(path.name)
    assert offenders == []
