"""A bearer token never travels as a command-line value: --token is refused (a usage error
that does not repeat the value); --token-stdin, --token-file (only if the file is private)
and CCM_TOKEN supply it."""

from __future__ import annotations

import io
import sys

import httpx
import pytest
from cli_helpers import run

from ccm_tui.cli import TuiOptions, main

SECRET = "tok-VALUE-from-argv-0123"


@pytest.fixture
def ccm(live_emulator, demo_credentials, monkeypatch, tmp_path):
    """A live emulator, the URL in the environment, no password: only a token can log in."""
    monkeypatch.setenv("CCM_URL", live_emulator.url)
    r = httpx.post(f"{live_emulator.url}/v1/sys/auth", auth=demo_credentials)
    return r.json()["access_token"]


@pytest.mark.parametrize("argv", [
    ["accounts", "list", "--token", SECRET],
    ["accounts", "list", f"--token={SECRET}"],
    ["--token", SECRET, "accounts", "list"],
    ["--token", SECRET],  # the console
])
def test_token_as_a_value_is_a_usage_error_that_does_not_echo_it(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err
    assert "--token is not accepted" in err and "CCM_TOKEN" in err and "--token-file" in err
    assert SECRET not in out + err


def test_token_file_readable_by_others_is_refused_naming_file_and_chmod(ccm, capsys, tmp_path):
    f = tmp_path / "token"
    f.write_text(ccm + "\n")
    f.chmod(0o644)
    code, out, err = run(capsys, "accounts", "list", "--token-file", str(f))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        (f"error: --token-file: {f} can be read or changed by other users (mode 0644); "
        f"refused. Fix: chmod 600 {f}")]
    assert ccm not in err


def test_private_token_file_logs_in(ccm, capsys, tmp_path):
    f = tmp_path / "token"
    f.write_text(ccm + "\n")
    f.chmod(0o600)
    code, out, err = run(capsys, "accounts", "list", "--token-file", str(f))
    assert code == 0, err
    assert out.strip() == "no accounts"  # listed as the token's user: a fresh emulator
    assert ccm not in out + err


def test_token_from_stdin_logs_in(ccm, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(ccm + "\n"))
    code, _, err = run(capsys, "accounts", "list", "--token-stdin")
    assert code == 0, err


def test_a_wrong_token_from_stdin_is_an_auth_failure_not_shown(ccm, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET))
    code, _, err = run(capsys, "accounts", "list", "--token-stdin")
    assert code == 1 and SECRET not in err
    assert "token rejected" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["accounts", "list", "--token-stdin", "--token-file", "/nonexistent"],
     "error: --token-stdin and --token-file: give only one of them"),
    (["accounts", "list", "--token-file", "/nonexistent/tok"],
     "error: --token-file: /nonexistent/tok does not exist"),
    (["accounts", "create", "--from", "-", "--token-stdin"],
     ("error: --token-stdin: standard input already holds the account file (--from -); "
     "pass the token with --token-file PATH or CCM_TOKEN")),
])
def test_token_source_mistakes_are_one_line_usage_errors(ccm, capsys, monkeypatch, argv,
                                                         message):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"name": "x"}'))
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.strip().splitlines() == [message]


def test_empty_token_from_stdin_is_refused(ccm, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    code, _, err = run(capsys, "accounts", "list", "--token-stdin")
    assert code == 2 and err.strip() == "error: --token-stdin is empty"


def test_the_console_gets_the_token_from_a_private_file(monkeypatch, tmp_path, capsys):
    seen: list[TuiOptions] = []
    monkeypatch.setattr("ccm_tui.startup.run_console", lambda options: seen.append(options) or 0)
    monkeypatch.delenv("CCM_TOKEN", raising=False)
    f = tmp_path / "token"
    f.write_text(SECRET)
    f.chmod(0o600)
    assert main(["--token-file", str(f)]) == 0
    assert seen[-1].token == SECRET
    f.chmod(0o640)
    assert main(["--token-file", str(f)]) == 2
    assert "chmod 600" in capsys.readouterr().err and len(seen) == 1
    monkeypatch.setenv("CCM_TOKEN", "from-env-token")
    assert main([]) == 0 and seen[-1].token == "from-env-token"


def test_the_console_refuses_a_piped_token(monkeypatch, capsys):
    started: list[TuiOptions] = []
    monkeypatch.setattr("ccm_tui.startup.run_console",
                        lambda options: started.append(options) or 0)
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET))
    assert main(["--token-stdin"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --token-stdin: the console reads the keyboard") and not started
    assert SECRET not in err
