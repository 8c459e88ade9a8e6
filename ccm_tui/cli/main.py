"""Argument parsing and dispatch. Only the standard library is imported at module level."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ccm_tui import __version__
from ccm_tui.cli.exit_codes import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ccm_tui.tophelp import (ACCOUNTS_HELP, CA_BUNDLE_HELP, COMPLETION_HELP, CONFIG_HELP,
                             DEMO_HELP, DESCRIPTION, EMAIL_HELP, EMULATOR_HELP, EPILOG,
                             INSECURE_HELP, MEMBERS_HELP, NO_MOUSE_HELP, PROFILE_HELP,
                             SERVER_HELP, THEME_HELP, TOKEN_FILE_HELP, TOKEN_STDIN_HELP,
                             VERBOSE_HELP, help_width)


class TuiOptions:
    """What the CLI hands to ``ccm_tui.startup.run_console`` when no subcommand is given.

    ``None`` means "not given on the command line or in the environment": the app falls back
    to the profile (``ccm_tui.config``) and then to its defaults.

    A plain class, not a dataclass: ``dataclasses`` imports ``inspect`` (~15 ms before the
    first byte of ``--help``/``--version``)."""

    __slots__ = ("demo", "profile", "server", "email", "token", "ca_bundle", "insecure",
                 "no_mouse", "theme")
    demo: bool
    profile: str | None
    server: str | None
    email: str | None
    token: str | None
    ca_bundle: str | None
    insecure: bool
    no_mouse: bool
    theme: str | None

    def __init__(self, *, demo: bool = False, profile: str | None = None,
                 server: str | None = None, email: str | None = None, token: str | None = None,
                 ca_bundle: str | None = None, insecure: bool = False, no_mouse: bool = False,
                 theme: str | None = None) -> None:
        values = (demo, profile, server, email, token, ca_bundle, insecure, no_mouse, theme)
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"TuiOptions is read-only ({name})")

    def _values(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TuiOptions) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"TuiOptions({fields})"


TOKEN_REFUSED = ("a token on the command line shows in `ps` and in shell history; set "
                 "CCM_TOKEN, pipe it into --token-stdin, or use --token-file PATH (mode 600)")


class RefusedOption(argparse.Action):
    """An option that is not accepted because its value would put a secret in argv.

    It takes an optional value (so ``--token VALUE`` is one usage error, not two) and never
    repeats the value in its message.
    """

    def __init__(self, option_strings, dest, *, why: str, **kwargs) -> None:
        kwargs.update(nargs="?", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)
        self.why = why

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.error(f"{option_string} is not accepted: {self.why}")


def _add_connection_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Connection options, accepted before and after the subcommand.

    On subparsers the defaults are SUPPRESS so an option given before the subcommand is not
    overwritten by the subparser's default.
    """

    def default(value):
        return value if top else argparse.SUPPRESS

    g = parser.add_argument_group("connection")
    g.add_argument("--server", metavar="URL", default=default(None),
                   help=SERVER_HELP)
    g.add_argument("--email", metavar="EMAIL", default=default(None),
                   help=EMAIL_HELP)
    g.add_argument("--token-stdin", action="store_true", default=default(False),
                   help=TOKEN_STDIN_HELP)
    g.add_argument("--token-file", metavar="PATH", default=default(None),
                   help=TOKEN_FILE_HELP)
    g.add_argument("--token", action=RefusedOption, why=TOKEN_REFUSED)
    g.add_argument("--ca-bundle", metavar="PEM", default=default(None),
                   help=CA_BUNDLE_HELP)
    g.add_argument("--profile", metavar="NAME", default=default(None),
                   help=PROFILE_HELP)
    g.add_argument("--insecure", action="store_true", default=default(False),
                   help=INSECURE_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help=VERBOSE_HELP)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with the width worked out the way shutil.get_terminal_size does
    (COLUMNS, then the terminal, then 80) — without importing shutil, which brings bz2, lzma
    and zlib with it (~10 ms of ``--help``)."""

    def __init__(self, prog: str, **kwargs) -> None:
        if kwargs.get("width") is None:
            kwargs["width"] = help_width()
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    """Every parser of the command line, subcommands' too, formats with ``_HelpFormatter``.

    argparse gives a subcommand's parser the stock ``HelpFormatter``, which imports shutil
    (and bz2, lzma, zlib with it) the first time ``add_argument`` checks a metavar — ~5 ms of
    every start, ``--help`` included. Same width rule, so the same help."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(**kwargs)


class _Commands(argparse._SubParsersAction):
    """The subcommands' action, where a subcommand the command line does not name can be
    listed by its help line alone (``list_only``): its parser is never built, so ``--help``
    and the console's start pay for one parser, not six."""

    def list_only(self, name: str, *, help: str) -> None:  # noqa: A002 - argparse's word
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))
        self._name_parser_map[name] = None  # a choice (same "invalid choice" message) ...

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if self._name_parser_map.get(values[0], self) is None:  # ... never chosen: not in argv
            raise RuntimeError(f"subcommand {values[0]!r} was listed but not built")
        super().__call__(parser, namespace, values, option_string)




def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. With ``argv``, a subcommand's parser is built only when
    ``argv`` names it; the others are listed by their help line alone (``_Commands``), so
    ``--help`` shows every subcommand the same way but builds one parser and imports neither
    ``cli/lifecycle.py`` (with ``account_files``, ``dataclasses``, ``tomllib``) nor
    ``cli/members.py``. Without ``argv`` (completion, tests): the whole parser."""
    words = None if argv is None else set(argv)

    def wanted(command: str) -> bool:
        return words is None or command in words

    parser = _Parser(
        prog="ccm-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"ccm-tui {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help=DEMO_HELP)
    parser.add_argument("--no-mouse", action="store_true", help=NO_MOUSE_HELP)
    parser.add_argument("--theme", metavar="NAME", default=None,
                        help=THEME_HELP)
    _add_connection_options(parser, top=True)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_Commands)
    assert isinstance(sub, _Commands)  # for the type checker: argparse's stubs say the base

    if wanted("emulator"):
        emu = sub.add_parser("emulator", help=EMULATOR_HELP,
                             description="Run the embedded CCM emulator as a server.")
        emu.set_defaults(_add_emulator_args=True)
    else:
        sub.list_only("emulator", help=EMULATOR_HELP)

    if wanted("accounts"):
        _add_accounts_actions(sub.add_parser("accounts", help=ACCOUNTS_HELP))
    else:
        sub.list_only("accounts", help=ACCOUNTS_HELP)

    if wanted("members"):
        from ccm_tui.cli.members import add_members_parser  # stdlib only, like this module

        add_members_parser(sub, _add_connection_options)
    else:
        sub.list_only("members", help=MEMBERS_HELP)

    if wanted("config"):
        cfg = sub.add_parser("config", help=CONFIG_HELP)
        cfg_sub = cfg.add_subparsers(dest="config_command", metavar="ACTION", required=True)
        cfg_sub.add_parser("path", help="print where config.toml is read from (creates nothing)")
        cfg_sub.add_parser("check", help="validate config.toml and list its profiles")
    else:
        sub.list_only("config", help=CONFIG_HELP)

    if wanted("completion"):
        p = sub.add_parser("completion", help=COMPLETION_HELP,
                           description="Print a completion script for every subcommand and "
                                       "option. Install: see README, \"Shell completion\".")
        p.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")
    else:
        sub.list_only("completion", help=COMPLETION_HELP)
    return parser


def _add_accounts_actions(acc: argparse.ArgumentParser) -> None:
    acc_sub = acc.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)

    p = acc_sub.add_parser("list", help="list the accounts you can see")
    _add_connection_options(p, top=False)
    p.add_argument("--json", action="store_true",
                   help="print a JSON array of the accounts as the server returned them")

    p = acc_sub.add_parser("show", help="show one account")
    _add_connection_options(p, top=False)
    p.add_argument("acct_id", metavar="ID", help="the account id")
    p.add_argument("--json", action="store_true", help="print the account as JSON")

    p = acc_sub.add_parser(
        "create", help="create one account, or a batch, from a JSON or TOML file",
        description="FILE holds an AccountRequest (the spec's field names, base64 for logo, "
                    "certificates and keys). A JSON list, JSON lines, or TOML [[accounts]] "
                    "tables make a batch. Unknown keys are refused.")
    _add_connection_options(p, top=False)
    p.add_argument("--from", dest="from_file", metavar="FILE", required=True,
                   help="JSON, JSON-lines or TOML file ('-' reads JSON from stdin)")
    p.add_argument("--logo", metavar="PATH",
                   help="PNG, JPEG or SVG file (at most 128 KiB) used as custom_logo")
    p.add_argument("--dry-run", action="store_true",
                   help="validate and print the request with secrets masked; send nothing")
    p.add_argument("--json", action="store_true", help="print the created account(s) as JSON")
    p.add_argument("--concurrency", type=_positive_int, default=4, metavar="N",
                   help="parallel requests for a batch (default 4, at most 32)")

    from ccm_tui.cli.lifecycle import ID_HELP, add_update_parser

    add_update_parser(acc_sub, _add_connection_options)

    p = acc_sub.add_parser("delete", help="delete an account (type its name, or --yes)")
    _add_connection_options(p, top=False)
    p.add_argument("acct_id", metavar="ID", help=ID_HELP)
    p.add_argument("--yes", action="store_true",
                   help="delete without asking for the name (scripts; needed without a terminal)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 32, not {text!r}")
    if not 1 <= value <= 32:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 32, not {value}")
    return value


def _parse(argv: Sequence[str]) -> argparse.Namespace | int:
    parser = build_parser(argv)
    # The emulator's own options live in ccm_tui/emulator/cli.py; add them only when that
    # subcommand is asked for, so --help stays cheap.
    if _wants_emulator(argv):
        _attach_emulator_args(parser)
    try:
        return parser.parse_args(list(argv))
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def _wants_emulator(argv: Sequence[str]) -> bool:
    return "emulator" in argv


def _attach_emulator_args(parser: argparse.ArgumentParser) -> None:
    from ccm_tui.emulator import cli as emulator_cli

    subparsers = parser._subparsers  # argparse has no public API for this
    for action in subparsers._group_actions if subparsers is not None else ():
        if not isinstance(action, argparse._SubParsersAction):
            continue
        emu = action.choices.get("emulator")
        if emu is not None:
            emulator_cli.add_arguments(emu)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:  # what argparse's version action prints, without building it
        print(f"ccm-tui {__version__}")
        return EXIT_OK
    try:
        args = _parse(argv)
        if isinstance(args, int):
            sys.stdout.flush()  # a help piped into `head`: the broken pipe is met here
            return args
        return _dispatch(args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # last resort: one clear line, never a traceback
        from ccm_tui.safetext import visible

        print(f"error: unexpected {type(exc).__name__}: {visible(exc)}", file=sys.stderr)
        return EXIT_FAILURE


def _dispatch(args: argparse.Namespace) -> int:
    if getattr(args, "token_stdin", False) and getattr(args, "from_file", None) == "-":
        print("error: --token-stdin: standard input already holds the account file "
              "(--from -); pass the token with --token-file PATH or CCM_TOKEN",
              file=sys.stderr)
        return EXIT_USAGE
    if args.command in ("accounts", "members"):  # they talk HTTP: httpx's imports trimmed
        from ccm_tui.startup import trim_imports

        trim_imports()
    if args.command == "emulator":
        from ccm_tui.emulator import cli as emulator_cli

        return int(emulator_cli.main(args))
    if args.command == "accounts":
        from ccm_tui.cli.accounts import run_accounts

        return run_accounts(args)
    if args.command == "members":
        from ccm_tui.cli.members import run_members

        return run_members(args)
    if args.command == "config":
        from ccm_tui.cli.config_cmd import run_config

        return run_config(args)
    if args.command == "completion":
        from ccm_tui.cli.completion import run_completion

        return run_completion(args)
    return _run_tui(args)


def _run_tui(args: argparse.Namespace) -> int:
    from ccm_tui.cli.connect import token_from_args

    env = os.environ
    if args.token_stdin and not (sys.stdin is not None and sys.stdin.isatty()):
        print("error: --token-stdin: the console reads the keyboard from standard input, so a "
              "token cannot be piped into it; use --token-file PATH or CCM_TOKEN (on a "
              "terminal, --token-stdin asks for the token without echo)", file=sys.stderr)
        return EXIT_USAGE
    try:
        token = token_from_args(args)
    except ValueError as exc:  # InputError, SecretSourceError: one line naming the flag
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = TuiOptions(
        demo=args.demo,
        profile=args.profile or env.get("CCM_PROFILE") or None,
        server=args.server or env.get("CCM_URL") or None,
        email=args.email or env.get("CCM_EMAIL") or None,
        token=token,
        ca_bundle=args.ca_bundle,
        insecure=args.insecure,
        no_mouse=args.no_mouse,
        theme=args.theme,
    )
    if options.insecure:
        warn_insecure()
    from ccm_tui.startup import run_console  # before textual: --demo's server starts first

    result = run_console(options)
    return int(result) if isinstance(result, int) else EXIT_OK


def warn_insecure() -> None:
    print(
        "WARNING: --insecure: TLS verification is OFF and plain http:// to other hosts is "
        "allowed. Passwords and tokens can be read or changed in transit.",
        file=sys.stderr,
    )
