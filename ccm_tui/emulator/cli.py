"""``ccm-tui emulator``: run the emulator standalone until Ctrl-C.

cli.py wires the subcommand with :func:`add_arguments` and :func:`main`;
:func:`run_standalone` takes an argv-like list for direct use.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import threading
from collections.abc import Sequence

from ccm_tui.emulator.core import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.emulator.server import is_loopback

PASSWORD_ENV = "CCM_EMULATOR_PASSWORD"
PASSWORD_REFUSED = (f"a password on the command line shows in `ps` and in shell history; set "
                    f"{PASSWORD_ENV}, or use --password-file PATH (mode 600); with neither, a "
                    "password is generated and printed")


class _Refused(argparse.Action):
    """--password VALUE: a usage error that never repeats the value."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        kwargs.update(nargs="?", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.error(f"{option_string} is not accepted: {PASSWORD_REFUSED}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument("--db", default=":memory:", metavar="PATH",
                        help="SQLite file to keep accounts in (default: in memory)")
    parser.add_argument("--email", default=DEMO_EMAIL, help=f"login email (default {DEMO_EMAIL})")
    parser.add_argument("--password-file", metavar="PATH", default=None,
                        help=f"read the login password from PATH (mode 600); or set {PASSWORD_ENV}; "
                             "with neither, a random password is generated and printed")
    parser.add_argument("--password", action=_Refused)
    parser.add_argument("--seed-accounts", type=int, default=0, metavar="N",
                        help="pre-create N accounts")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S",
                        help="add S seconds of latency to every request")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow listening on a non-loopback address (the emulator has no TLS "
                             "and demo credentials)")
    parser.add_argument("--no-control", action="store_true",
                        help="disable the POST /_emulator/faults control endpoint")


def main(args: argparse.Namespace, *, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set, for tests). Returns the exit code."""
    from ccm_tui.emulator.server import EmulatorServer

    if not is_loopback(args.host) and not args.allow_remote:
        print(f"ccm-tui emulator: refusing to listen on {args.host}, which is not a loopback "
              "address; use 127.0.0.1 or ::1, or pass --allow-remote", file=sys.stderr)
        return 2
    if args.seed_accounts < 0 or args.latency < 0 or not 0 <= args.port <= 65535:
        print("ccm-tui emulator: --seed-accounts and --latency must be >= 0 and --port within "
              "0..65535", file=sys.stderr)
        return 2
    try:
        password, shown_password = _password(args)
    except ValueError as exc:
        print(f"ccm-tui emulator: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        server = EmulatorServer(
            host=args.host, port=args.port, db_path=args.db, email=args.email,
            password=password, seed_accounts=args.seed_accounts, control=not args.no_control,
        )
    except Exception as exc:  # sqlite errors on a bad --db path, mostly
        print(f"ccm-tui emulator: cannot open the database {args.db}: {exc}", file=sys.stderr)
        return 1
    if args.latency:
        server.emulator.faults.latency(args.latency)
    try:
        server.start()
    except OSError as exc:
        print(f"ccm-tui emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    print(f"CCM emulator listening on {server.url}", flush=True)
    print(f"  email:    {args.email}", flush=True)
    print(f"  password: {shown_password}", flush=True)
    print(f"  try: CCM_URL={server.url} CCM_EMAIL={args.email} ccm-tui accounts list", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        server.stop()
    return 0


def _password(args: argparse.Namespace) -> tuple[str, str]:
    """(password, what to print for it): from --password-file, else CCM_EMULATOR_PASSWORD,
    else generated. A chosen password is not printed (the public demo one excepted); a
    generated one must be, or nobody could log in."""
    from ccm_tui.safetext import visible
    from ccm_tui.secret_file import read_secret_file

    path = getattr(args, "password_file", None)
    if path:
        password = read_secret_file(path, flag="--password-file")
        source = f"(from {visible(str(path))})"
    elif os.environ.get(PASSWORD_ENV, "").strip():
        password = os.environ[PASSWORD_ENV].strip()
        source = f"(from {PASSWORD_ENV})"
    else:
        password = secrets.token_urlsafe(12)
        return password, f"{password}  (generated; set {PASSWORD_ENV} to choose one)"
    return password, password if password == DEMO_PASSWORD else source


def run_standalone(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ccm-tui emulator", description="Run the CCM emulator.")
    add_arguments(parser)
    return main(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_standalone())
