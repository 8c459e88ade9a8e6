"""``ccm-tui emulator``: run the emulator standalone until Ctrl-C.

cli.py wires the subcommand with :func:`add_arguments` and :func:`main`;
:func:`run_standalone` takes an argv-like list for direct use.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence

from ccm_tui.emulator.core import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.emulator.server import is_loopback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument("--db", default=":memory:", metavar="PATH",
                        help="SQLite file to keep accounts in (default: in memory)")
    parser.add_argument("--email", default=DEMO_EMAIL, help=f"login email (default {DEMO_EMAIL})")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="login password (default: the demo password)")
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
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        server = EmulatorServer(
            host=args.host, port=args.port, db_path=args.db, email=args.email,
            password=args.password, seed_accounts=args.seed_accounts, control=not args.no_control,
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
    shown_password = args.password if args.password == DEMO_PASSWORD else "(as given with --password)"
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


def run_standalone(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ccm-tui emulator", description="Run the CCM emulator.")
    add_arguments(parser)
    return main(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_standalone())
