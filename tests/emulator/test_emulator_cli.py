"""``ccm-tui emulator``: serves on loopback, prints URL and credentials, refuses remote hosts."""

from __future__ import annotations

import argparse
import re
import threading
import time

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.emulator.cli import add_arguments, main, run_standalone


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def _serve(args: argparse.Namespace, capsys) -> tuple[threading.Event, threading.Thread,
                                                      list[int], str, str]:
    """Start main() in a thread; wait (bounded) for its banner -> (stop, thread, result,
    url, banner)."""
    stop = threading.Event()
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(main(args, stop=stop)))
    t.start()
    deadline = time.monotonic() + 10
    out = ""
    while "Press Ctrl-C" not in out and time.monotonic() < deadline and t.is_alive():
        out += capsys.readouterr().out
        time.sleep(0.02)
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", out)
    if not m:
        stop.set()
        t.join(10)
    assert m, f"no URL printed: {out!r}"
    return stop, t, result, m.group(1), out


def _login(url: str, email: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=url) as c:
        return c.post("/v1/sys/auth", auth=(email, password))


def test_serves_until_stopped_with_a_generated_password_it_prints(capsys, monkeypatch):
    monkeypatch.delenv("CCM_EMULATOR_PASSWORD", raising=False)
    stop, t, result, url, out = _serve(_args("--seed-accounts", "3", "--latency", "0.01"), capsys)
    try:
        password = re.search(r"password: (\S+)  \(generated", out).group(1)
        assert password != DEMO_PASSWORD
        with httpx.Client(base_url=url) as c:
            r = c.post("/v1/sys/auth", auth=(DEMO_EMAIL, password))
            c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            assert len(c.get("/v1/accounts").json()["items"]) == 3
        assert _login(url, DEMO_EMAIL, DEMO_PASSWORD).status_code == 401
    finally:
        stop.set()
        t.join(10)
    assert result == [0]


def test_password_from_the_environment_is_used_and_not_printed(capsys, monkeypatch):
    monkeypatch.setenv("CCM_EMULATOR_PASSWORD", "hunter2-secret")
    stop, t, result, url, out = _serve(_args("--email", "me@x.example"), capsys)
    try:
        assert "me@x.example" in out and "hunter2-secret" not in out
        assert "password: (from CCM_EMULATOR_PASSWORD)" in out
        assert _login(url, "me@x.example", "hunter2-secret").status_code == 200
    finally:
        stop.set()
        t.join(10)
    assert result == [0]


def test_password_from_a_private_file_is_used_and_not_printed(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CCM_EMULATOR_PASSWORD", "not-this-one")
    f = tmp_path / "pw"
    f.write_text("file-Secret-pw\n")
    f.chmod(0o600)
    stop, t, result, url, out = _serve(_args("--password-file", str(f)), capsys)
    try:
        assert "file-Secret-pw" not in out and f"password: (from {f})" in out
        assert _login(url, DEMO_EMAIL, "file-Secret-pw").status_code == 200
    finally:
        stop.set()
        t.join(10)
    assert result == [0]


def test_the_public_demo_password_is_still_shown_when_chosen(capsys, monkeypatch):
    monkeypatch.setenv("CCM_EMULATOR_PASSWORD", DEMO_PASSWORD)
    stop = threading.Event()
    stop.set()  # start, print, stop at once
    assert main(_args(), stop=stop) == 0
    assert f"password: {DEMO_PASSWORD}\n" in capsys.readouterr().out


def test_password_file_others_can_read_is_refused(capsys, tmp_path):
    f = tmp_path / "pw"
    f.write_text("file-Secret-pw\n")
    f.chmod(0o644)
    assert run_standalone(["--password-file", str(f)]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == (f"ccm-tui emulator: --password-file: {f} can be read or changed by "
                           f"other users (mode 0644); refused. Fix: chmod 600 {f}")
    assert "listening" not in out and "file-Secret-pw" not in out + err


@pytest.mark.parametrize("argv", [["emulator", "--password", "hunter2-secret"],
                                  ["emulator", "--password=hunter2-secret"]])
def test_password_as_a_value_is_a_usage_error(capsys, argv):
    from ccm_tui.cli import main as cli_main

    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert "--password is not accepted" in err and "CCM_EMULATOR_PASSWORD" in err
    assert "hunter2-secret" not in err


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
