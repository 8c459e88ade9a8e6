"""Usage, exit codes and the hand-off to the TUI."""

from __future__ import annotations

import pytest

from ccm_tui import __version__
from ccm_tui.cli import TuiOptions, main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ccm-tui {__version__}"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("accounts", "emulator", "config", "--server", "--profile", "--insecure"):
        assert word in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["accounts"],
        ["accounts", "frobnicate"],
        ["accounts", "create"],  # --from is required
        ["accounts", "create", "--from", "x.json", "--concurrency", "0"],
        ["accounts", "create", "--from", "x.json", "--concurrency", "many"],
        ["accounts", "list", "--password", "hunter2"],  # never a flag
        ["config"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_delete_needs_yes(capsys, monkeypatch):
    monkeypatch.setenv("CCM_URL", "http://127.0.0.1:9")
    assert main(["accounts", "delete", "abc"]) == 2
    assert "without --yes" in capsys.readouterr().err


def test_missing_server_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path))
    for var in ("CCM_URL", "CCM_PROFILE", "CCM_TUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    assert main(["accounts", "list"]) == 2
    assert capsys.readouterr().err.startswith("error: --server: no server given")


def test_options_accepted_after_the_subcommand(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path))
    monkeypatch.delenv("CCM_URL", raising=False)
    assert main(["accounts", "list", "--server", "http://ccm.example"]) == 2
    assert "only allowed to a loopback host" in capsys.readouterr().err


def test_no_subcommand_starts_the_tui_with_the_options(monkeypatch):
    seen: list[TuiOptions] = []
    monkeypatch.setattr("ccm_tui.startup.run_console", lambda options: seen.append(options) or 0)
    monkeypatch.setenv("CCM_URL", "https://env.example")
    monkeypatch.setenv("CCM_EMAIL", "env@example.com")
    monkeypatch.delenv("CCM_TOKEN", raising=False)
    assert main(["--demo", "--no-mouse", "--theme", "ansi-light", "--email", "f@example.com"]) == 0
    [opts] = seen
    assert opts.demo and opts.no_mouse and opts.theme == "ansi-light"
    assert opts.server == "https://env.example"
    assert opts.email == "f@example.com"  # the flag beats the environment
    assert opts.token is None and opts.insecure is False


def test_insecure_warns_loudly(monkeypatch, capsys):
    monkeypatch.setattr("ccm_tui.startup.run_console", lambda options: 0)
    assert main(["--insecure"]) == 0
    assert "WARNING: --insecure" in capsys.readouterr().err


def test_unexpected_exception_is_one_line_not_a_traceback(monkeypatch, capsys):
    def boom(options):
        raise RuntimeError("terminal exploded")

    monkeypatch.setattr("ccm_tui.startup.run_console", boom)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err == "error: unexpected RuntimeError: terminal exploded\n"
