"""`ccm-tui completion bash|zsh|fish`: a shell completion script generated from the parser.

The script is built by ``shtab`` from the same ``argparse`` parser that parses the command
line, so every subcommand and option (the emulator's too) is in it and it cannot drift.
Options that take a file name complete file names. Nothing is written: the script goes to
stdout and the operator installs it (README, "Shell completion").
"""

from __future__ import annotations

import argparse
import sys

SHELLS = ("bash", "zsh", "fish")

#: Options whose value is a path on this machine: complete file names for them.
FILE_DESTS = {"from_file", "logo", "ca_bundle", "db"}


def full_parser() -> argparse.ArgumentParser:
    """The whole parser, including the options that are attached only on demand."""
    from ccm_tui.cli.main import _attach_emulator_args, build_parser

    parser = build_parser()
    _attach_emulator_args(parser)
    return parser


def subparsers(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction]:
    return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Yield ``(path, parser)`` for the parser and every subcommand below it."""
    yield path, parser
    for action in subparsers(parser):
        for name, child in action.choices.items():
            yield from walk(child, (*path, name))


def script(shell: str, parser: argparse.ArgumentParser | None = None) -> str:
    import shtab

    parser = parser or full_parser()
    for _path, p in walk(parser):
        for action in p._actions:
            if action.dest in FILE_DESTS and action.option_strings:
                action.complete = shtab.FILE
    return shtab.complete(parser, shell=shell)


def run_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(script(args.shell))
    return 0
