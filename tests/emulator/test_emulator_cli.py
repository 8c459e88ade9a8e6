"""``ccm-tui emulator``: serves on loopback, prints URL and credentials, refuses remote hosts."""

from __future__ import annotations

import argparse
import re
import threading
import time

import httpx

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.emulator.cli import add_arguments, main, run_standalone


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_serves_until_stopped_and_prints_credentials(capsys):
    stop = threading.Event()
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(
        main(_args("--seed-accounts", "3", "--latency", "0.01"), stop=stop)))
    t.start()
    try:
        deadline = time.monotonic() + 10
        url = None
        while url is None and time.monotonic() < deadline:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", capsys.readouterr().out)
            url = m.group(1) if m else None
            time.sleep(0.02)
        assert url, "no URL printed"
        with httpx.Client(base_url=url) as c:
            r = c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
            c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            assert len(c.get("/v1/accounts").json()["items"]) == 3
    finally:
        stop.set()
        t.join(10)
    assert result == [0]


def test_custom_password_is_not_printed(capsys):
    stop = threading.Event()
    stop.set()  # start, print, stop at once
    assert main(_args("--password", "hunter2-secret", "--email", "me@x.example"), stop=stop) == 0
    out = capsys.readouterr().out
    assert "me@x.example" in out and "hunter2-secret" not in out
    assert main(_args(), stop=stop) == 0
    assert DEMO_PASSWORD in capsys.readouterr().out  # the demo password is meant to be shown


def test_refuses_non_loopback_without_allow_remote(capsys):
    assert run_standalone(["--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "0.0.0.0" in err and "--allow-remote" in err


def test_bad_numbers_are_usage_errors(capsys):
    assert run_standalone(["--seed-accounts", "-1"]) == 2
    assert "--seed-accounts" in capsys.readouterr().err


def test_unusable_database_path_is_reported(tmp_path, capsys):
    assert run_standalone(["--db", str(tmp_path / "missing-dir" / "x.sqlite")]) == 1
    assert "cannot open the database" in capsys.readouterr().err
