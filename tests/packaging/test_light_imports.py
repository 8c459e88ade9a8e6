"""`ccm-tui --help` and `--version` must not import the heavy libraries, and service/, api/,
models/, config and the CLI's headless commands never import textual or rich (checked in a
fresh interpreter, so nothing imported by the test session can hide an import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "httpx", "pydantic", "starlette", "uvicorn", "cryptography", "rich",
         "keyring", "shtab")

PROBE = """
import io, json, runpy, sys
watched = set(json.loads(sys.argv[2]))
sys.argv = ["ccm-tui", *json.loads(sys.argv[1])]
out = io.StringIO()
sys.stdout = out
try:
    runpy.run_module("ccm_tui", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = None
sys.stdout = sys.__stdout__
heavy = sorted(({m.split(".")[0] for m in sys.modules} | set(sys.modules)) & watched)
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["accounts", "--help"],
                                  ["accounts", "create", "--help"], ["completion", "--help"],
                                  ["config", "path"], ["members", "--help"],
                                  ["members", "invite", "--help"]])
def test_help_and_version_import_nothing_heavy(argv, tmp_path):
    result = _probe(argv, tmp_path, HEAVY)
    assert result["code"] == 0
    assert result["out"].strip()  # it did print the help / version / path
    assert result["heavy"] == []
    assert not (tmp_path / "home").exists()  # nothing created either


#: What the top-level ``--help`` must not import either: the subcommands' modules (their
#: parsers are built only when the command line names them) and what they bring.
HELP_ONLY = ("ccm_tui.cli.lifecycle", "ccm_tui.cli.members", "ccm_tui.cli.account_files",
             "ccm_tui.safetext", "dataclasses", "tomllib")
#: ``--version`` is answered by ``ccm_tui.entry`` before the CLI is imported.
VERSION_ONLY = (*HELP_ONLY, "argparse", "ccm_tui.cli", "ccm_tui.cli.main")


def _fresh_python(script: str, args: list[str], tmp_path, env: dict[str, str] | None = None,
                  timeout: float = 60) -> Any:
    """Run ``script`` in a fresh interpreter of the checkout (a private home, no other
    environment but ``env``); the JSON of the last line it prints."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "CCM_TUI_HOME": str(tmp_path / "home"),
             "PYTHONPATH": str(REPO), **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _probe(argv, tmp_path, watched, env: dict[str, str] | None = None):
    """PROBE: the CLI run with ``argv``; its exit code, output and the ``watched`` modules
    it imported."""
    return _fresh_python(PROBE, [json.dumps(argv), json.dumps(watched)], tmp_path, env)


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help_imports_neither_argparse_nor_the_cli(flag, tmp_path):
    """``ccm_tui.tophelp`` prints the top-level help: argparse alone costs about as much as
    the interpreter's start."""
    result = _probe([flag], tmp_path, [*HEAVY, *HELP_ONLY, "argparse", "textwrap",
                                       "ccm_tui.cli", "ccm_tui.cli.main"])
    assert result["code"] == 0
    assert "members" in result["out"] and "accounts" in result["out"]
    assert result["heavy"] == []


@pytest.mark.slow
def test_parsed_help_builds_no_subcommand_module(tmp_path):
    """A help that goes through argparse (here after another option) still builds no
    subcommand's parser and imports no subcommand module."""
    result = _probe(["--demo", "--help"], tmp_path, [*HEAVY, *HELP_ONLY])
    assert result["code"] == 0
    assert "members" in result["out"] and "accounts" in result["out"]
    assert result["heavy"] == []


def test_the_fast_top_level_help_is_argparses_at_every_width():
    """``ccm-tui --help`` (``ccm_tui.tophelp``, no argparse) prints exactly what the whole
    argparse parser prints, from 1 to 200 columns: same words, same wrapping."""
    from ccm_tui import tophelp
    from ccm_tui.cli.main import _HelpFormatter, build_parser

    parser = build_parser()
    for width in range(1, 201):
        parser.formatter_class = lambda prog, width=width: _HelpFormatter(prog, width=width)
        assert tophelp.render(width) == parser.format_help(), f"at {width} columns"


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["--demo", "--help"]])
@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_help_into_a_closed_pipe_is_no_error(argv, unbuffered, tmp_path):
    """``ccm-tui --help | head -0``: exit 0, no traceback, on the fast path and argparse's."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ccm_tui", *argv], cwd=REPO, stdout=write_end,
            stderr=subprocess.PIPE, text=True, timeout=60,
            env={"PATH": "/usr/bin:/bin", "CCM_TUI_HOME": str(tmp_path / "home"),
                 "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": unbuffered})
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize("columns", ["100", "37", "", "junk"])
def test_the_fast_help_takes_the_width_argparse_takes(columns, monkeypatch, capsys):
    from ccm_tui.cli.main import build_parser
    from ccm_tui.entry import main

    monkeypatch.setenv("COLUMNS", columns)
    assert main(["--help"]) == 0
    fast = capsys.readouterr().out
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    assert fast == capsys.readouterr().out


@pytest.mark.slow
def test_version_imports_neither_argparse_nor_the_cli(tmp_path):
    result = _probe(["--version"], tmp_path, [*HEAVY, *VERSION_ONLY])
    assert result["code"] == 0
    assert result["out"].strip() == f"ccm-tui {__import__('ccm_tui').__version__}"
    assert result["heavy"] == []


@pytest.mark.parametrize("argv", [["--help"], ["accounts", "--help"], ["members", "--help"],
                                  ["config", "--help"], ["emulator", "--help"],
                                  ["completion", "--help"], ["--demo", "--help"]])
def test_the_partial_parser_helps_like_the_whole_one(argv, capsys):
    """The parser built for a command line shows the same help as the whole parser (the
    ``members`` line written in cli/main.py has not drifted from cli/members.py's)."""
    from ccm_tui.cli.main import build_parser

    def help_of(parser):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        return capsys.readouterr().out

    assert help_of(build_parser(argv)) == help_of(build_parser())


@pytest.mark.parametrize("argv", [["bogus"], ["--demo", "acounts"]])
def test_the_partial_parser_refuses_like_the_whole_one(argv, capsys):
    """A subcommand listed by its help line alone is still a choice: a mistyped one gets the
    same usage error (every subcommand named) from the partial parser as from the whole."""
    from ccm_tui.cli.main import build_parser

    def error_of(parser):
        with pytest.raises(SystemExit) as exc:
            parser.parse_args(argv)
        assert exc.value.code == 2
        return capsys.readouterr().err

    err = error_of(build_parser(argv))
    assert "invalid choice" in err and "'completion'" in err
    assert err == error_of(build_parser())


def test_a_command_line_without_a_subcommand_parses_as_before():
    """The console's own command line (no subcommand) parses to the same values with the
    partial parser as with the whole one."""
    from ccm_tui.cli.main import build_parser

    argv = ["--demo", "--no-mouse", "--theme", "ansi-dark", "--server", "http://127.0.0.1:1"]
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


# ---- the headless layers never import the UI toolkit -----------------------------------------
UI = ("textual", "rich")

# The process's start-up step runs first, as every entry point (the CLI, the console) runs it:
# it is what keeps httpx's own command-line client (which imports rich) out; everything ours
# that follows must not bring the UI toolkit in.
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import ccm_tui.startup
ccm_tui.startup.trim_imports()
import ccm_tui.config
for pkg in ("ccm_tui.service", "ccm_tui.api", "ccm_tui.models", "ccm_tui.cli"):
    module = importlib.import_module(pkg)
    for info in pkgutil.walk_packages(module.__path__, pkg + "."):
        importlib.import_module(info.name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv[1])))))
"""


@pytest.mark.slow
def test_service_api_models_config_and_cli_modules_import_no_ui(tmp_path):
    """Every module of service/, api/, models/, cli/ and config, imported in a fresh
    interpreter, leaves textual and rich out of sys.modules."""
    assert _fresh_python(IMPORT_ALL, [json.dumps(UI)], tmp_path) == []


def _run_headless(argv: list[str], banned: tuple[str, ...], live_emulator, demo_credentials,
                  tmp_path) -> dict:
    """Run one CLI command in a fresh interpreter (PROBE) against the live emulator holding
    "Light Co"; its report: exit code, output, and which ``banned`` modules it imported."""
    _add_light_co(live_emulator)
    email, password = demo_credentials
    result = _probe(argv, tmp_path, banned,
                    env={"CCM_URL": live_emulator.url, "CCM_EMAIL": email,
                         "CCM_PASSWORD": password, "NO_PROXY": "127.0.0.1,localhost"})
    assert result["code"] in (0, None), result
    return result


def _add_light_co(live_emulator) -> None:
    """The account "Light Co", managed by the demo user, on the live emulator."""
    from ccm_tui.emulator.accounts import new_account

    emulator = live_emulator.emulator
    account = new_account({"name": "Light Co"}, ids=emulator.ids, now=emulator.now())
    emulator.store.insert_account(account, emulator.user["user_id"], roles=["MANAGER"])


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["accounts", "list"], ["accounts", "list", "--json"],
                                  ["accounts", "show", "Light Co"],
                                  ["accounts", "show", "Light Co", "--json"],
                                  ["members", "list", "--account", "Light Co"]])
def test_headless_commands_run_without_the_ui(argv, live_emulator, demo_credentials, tmp_path):
    """The CLI's headless commands, run to the end against the emulator (so every lazy import
    on their way happened), never import textual or rich."""
    result = _run_headless(argv, UI, live_emulator, demo_credentials, tmp_path)
    assert "Light Co" in result["out"]  # it did reach the server and print the answer
    assert result["heavy"] == []


# ---- launch → accounts table without pydantic (issue 14) -------------------------------------
#: What the login and the accounts table import: never pydantic, nor the account and request
#: models (they come with the first thing opened that builds a request: the wizard, the editor,
#: a lifecycle or members dialog; viewing an account reads light records, models/account_record).
NOT_ON_THE_LAUNCH_PATH = ("pydantic", "pydantic_core", "ccm_tui.models.account",
                          "ccm_tui.models.auth", "ccm_tui.models.logo", "ccm_tui.models.base")

IMPORT_LAUNCH_PATH = """
import json, sys
import ccm_tui.startup
ccm_tui.startup.trim_imports()
import textual.app
for name in ("ccm_tui.app", "ccm_tui.service.session", "ccm_tui.service.listing",
             "ccm_tui.service.accounts", "ccm_tui.screens.connect", "ccm_tui.screens.login",
             "ccm_tui.screens.accounts", "ccm_tui.api.client"):
    __import__(name)
print(json.dumps(sorted(set(sys.modules) & set(json.loads(sys.argv[1])))))
"""


@pytest.mark.slow
def test_the_launch_path_modules_import_no_pydantic(tmp_path):
    assert _fresh_python(IMPORT_LAUNCH_PATH, [json.dumps(NOT_ON_THE_LAUNCH_PATH)],
                         tmp_path) == []


IMPORT_WIZARD = """
import json, sys
import ccm_tui.startup
ccm_tui.startup.trim_imports()
import textual.app
import ccm_tui.screens.wizard
print(json.dumps(sorted(set(sys.modules) & set(json.loads(sys.argv[1])))))
"""


@pytest.mark.slow
def test_the_wizard_paints_before_the_request_models_are_imported(tmp_path):
    """The wizard's modules import neither pydantic nor the request models: its first frame
    comes without them (~0.2 s of imports on a 2-core machine), and a thread imports them
    once it is on screen (service/account_form.import_models), for the first Enter."""
    assert _fresh_python(IMPORT_WIZARD, [json.dumps(NOT_ON_THE_LAUNCH_PATH)], tmp_path) == []


#: The console, headless, logs in through ConnectScreen against a running emulator and shows
#: the accounts; stays idle; opens the first account (Enter: details with totals), its members
#: (m) and goes back to the details (which then count the members). A meta-path hook notes
#: the first import of pydantic or of the pydantic account models, with the screen and the
#: stack: viewing never imports them, and nothing imports them behind an idle console.
CONSOLE_PROBE = """
import asyncio, json, sys, threading, time, traceback
import ccm_tui.startup
ccm_tui.startup.trim_imports()
url, email, password = sys.argv[1:4]
state = {"app": None, "first": None}
WATCHED = ("pydantic", "pydantic_core", "ccm_tui.models.account", "ccm_tui.models.base",
           "ccm_tui.models.user")

def screen_name():
    try:
        return type(state["app"].screen).__name__
    except Exception:
        return None

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in WATCHED and state["first"] is None:
            state["first"] = {"module": name, "screen": screen_name(),
                              "thread": threading.current_thread().name,
                              "by": traceback.format_stack(limit=14)}
        return None

sys.meta_path.insert(0, Watch())

async def main():
    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings

    app = state["app"] = create_app(settings=ConnectionSettings(url=url, email=email),
                                    password=password)
    out = {"steps": []}
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 60

        async def until(what, cond):
            while not cond():
                assert time.monotonic() < deadline, f"not {what} within 60 s"
                await pilot.pause(0.02)
            out["steps"].append([what, screen_name(), any(m in sys.modules for m in WATCHED)])

        screen = lambda: app.screen
        await until("rows shown", lambda: screen_name() == "AccountsScreen"
                    and getattr(screen(), "loaded", False)
                    and len(getattr(screen(), "all_rows", None) or ()) > 0)
        await pilot.pause(2.5)  # idle, as an operator reading the table
        await until("idle on the table", lambda: True)
        await pilot.press("enter")
        await until("details with totals", lambda: screen_name() == "AccountDetailsScreen"
                    and screen().account is not None and screen().account.totals is not None)
        out["title"] = str(screen().query_one("#details-title").render())
        await pilot.press("m")
        await until("members listed", lambda: screen_name() == "MembersScreen"
                    and getattr(screen(), "loaded", False))
        await pilot.press("escape")
        members = lambda: screen().query_one("#details-members")
        await until("details counting the members", lambda: screen_name() ==
                    "AccountDetailsScreen" and members().display
                    and "Members:" in str(members().render()))
    out["first"] = state["first"]
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.mark.slow
def test_viewing_the_accounts_and_one_account_never_imports_pydantic(live_emulator,
                                                                     demo_credentials, tmp_path):
    _add_light_co(live_emulator)
    email, password = demo_credentials
    result = _fresh_python(CONSOLE_PROBE, [live_emulator.url, email, password], tmp_path,
                           env={"NO_PROXY": "127.0.0.1,localhost"}, timeout=120)
    steps = [what for what, _, _ in result["steps"]]
    assert steps == ["rows shown", "idle on the table", "details with totals",
                     "members listed", "details counting the members"]
    assert "Light Co" in result["title"]
    first = result["first"]
    assert first is None, (f"{first['module']} imported on {first['screen']} "
                           f"({first['thread']}):\n" + "".join(first["by"]))
    assert not any(imported for _, _, imported in result["steps"])


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["accounts", "list", "--json"]])
def test_listing_accounts_imports_no_pydantic(argv, live_emulator, demo_credentials, tmp_path):
    """``ccm-tui accounts list --json`` logs in and lists without pydantic. (The table form,
    ``accounts list``, still validates every account as a model: service/listing.py's
    ``page.accounts()``.)"""
    # nor the readers of --from files (dataclasses, their own TOML reading): listing reads none
    banned = (*NOT_ON_THE_LAUNCH_PATH, "ccm_tui.cli.account_files")
    result = _run_headless(argv, banned, live_emulator, demo_credentials, tmp_path)
    assert "Light Co" in result["out"]
    assert result["heavy"] == []
