"""`ccm-tui completion bash|zsh|fish`: scripts generated from the parser name every
subcommand and option, and the shells accept them."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccm_tui.cli.completion import full_parser, walk

REPO = Path(__file__).resolve().parents[2]


def _words(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """Every subcommand name and every visible option string of the parser, found by walking
    it (so a subcommand or option added later is checked without touching this test)."""
    commands: set[str] = set()
    options: set[str] = set()
    for path, p in walk(parser):
        if path:
            commands.add(path[-1])
        for action in p._actions:
            if action.help is not argparse.SUPPRESS:
                options.update(action.option_strings)
    return commands, options


def _script(shell: str) -> str:
    """The script as an operator gets it: from the installed command, in a subprocess."""
    proc = subprocess.run([sys.executable, "-m", "ccm_tui", "completion", shell],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


def test_the_parser_walk_sees_the_commands_we_know():
    commands, options = _words(full_parser())
    # The walk itself must work, or the checks below would pass on nothing.
    assert {"accounts", "list", "create", "config", "emulator", "completion"} <= commands
    assert {"--from", "--concurrency", "--server", "--seed-accounts", "--version"} <= options
    assert "--smoke-test" not in options  # hidden from --help, hidden from completion


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_script_names_every_subcommand_and_option(shell):
    text = _script(shell)
    commands, options = _words(full_parser())

    def named(word: str) -> bool:
        if shell == "fish" and word.startswith("--"):  # fish spells --json as `-l json`
            return f"-l {word[2:]}" in text
        if shell == "fish" and word.startswith("-"):
            return f"-s {word[1:]}" in text
        return word in text

    missing = sorted(w for w in commands | options if not named(w))
    assert missing == [], f"{shell} completion lacks {missing}"


@pytest.mark.slow
def test_bash_script_is_valid_and_completes(tmp_path):
    path = tmp_path / "ccm-tui.bash"
    path.write_text(_script("bash"))
    check = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # Load it and ask for completions the way bash does after `ccm-tui accounts cr<TAB>` and
    # `ccm-tui accounts create --con<TAB>`.
    probe = f"""
source {path}
complete -p ccm-tui >/dev/null || exit 3
fn=$(complete -p ccm-tui | sed -E 's/.*-F ([^ ]+).*/\\1/')
try() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
        COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=()
        "$fn" ccm-tui "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "${{COMPREPLY[*]}}"; }}
try ccm-tui accounts cr
try ccm-tui accounts create --con
try ccm-tui compl
"""
    run = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:3] == ["create", "--concurrency", "completion"]


@pytest.mark.slow
def test_zsh_script_is_valid():
    text = _script("zsh")
    assert text.startswith("#compdef ccm-tui")  # what zsh's compinit looks for
    zsh = shutil.which("zsh")
    if zsh is None:
        # zsh is not a test requirement: the text checks above and here still run, and the
        # syntax check is reported as not done instead of passing silently.
        print("zsh not installed: zsh -n syntax check not run (text checks only)")
        return
    check = subprocess.run([zsh, "-n", "-c", text], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.slow
def test_fish_script_registers_completions():
    text = _script("fish")
    assert "complete -c ccm-tui" in text
    fish = shutil.which("fish")
    if fish is None:
        print("fish not installed: fish --no-execute check not run (text checks only)")
        return
    check = subprocess.run([fish, "--no-execute", "-c", text], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_unknown_shell_is_a_usage_error(capsys):
    from ccm_tui.cli import main

    assert main(["completion", "powershell"]) == 2
    assert "invalid choice" in capsys.readouterr().err
