"""`ccm-tui members list|invite|set-roles|disable|enable|remove`: the members of one account.

Headless twin of the console's Members screen, through ``ccm_tui.service.members`` (same
guard rails, same outcomes). Exit codes as ``accounts``: 0 success, 1 server/network/auth
failure or a refusal, 2 invalid input or usage. Input is checked before connecting, so bad
input never sends a request. Every string the server sent is printed through
``ccm_tui.safetext``.

Only the standard library is imported at module level (``--help`` stays light).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ccm_tui.cli.input_error import InputError
from ccm_tui.cli.exit_codes import EXIT_FAILURE, EXIT_OK, EXIT_USAGE

ROLE_NAMES = ("READER", "WRITER", "MANAGER")
WRITE_ACTIONS = ("invite", "set-roles", "disable", "enable", "remove")
LIST_COLUMNS = ("", "NAME", "EMAIL", "ROLES", "STATUS", "VERIFIED", "LAST LOGIN", "ID")


# ---------------------------------------------------------------------------- parser

def add_members_parser(sub: Any, add_connection_options: Callable[..., None]) -> None:
    """Register ``members`` and its actions on the top-level subparsers."""
    mem = sub.add_parser("members", help="list, invite, change and remove the members of an account "
                                         "(headless)")
    mem_sub = mem.add_subparsers(dest="members_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, *, target: bool = True) -> argparse.ArgumentParser:
        p = mem_sub.add_parser(name, help=help_text, description=help_text)
        add_connection_options(p, top=False)
        p.add_argument("--account", metavar="ACCOUNT",
                       help="the account: its id, a unique start of the id, or its name "
                            "(default: the session's selected account, or your only one)")
        if target:
            p.add_argument("member", metavar="EMAIL|USER_ID", help="the member: email or user id")
        return p

    p = action("list", "list the members of an account", target=False)
    p.add_argument("--json", action="store_true",
                   help="print a JSON array of the members as the server returned them")

    p = action("invite", "invite someone (new or existing user) to the account", target=False)
    p.add_argument("invitee", metavar="EMAIL", help="the email address to invite")
    p.add_argument("--roles", metavar="ROLES", required=True,
                   help="comma-separated: READER, WRITER, MANAGER")
    p.add_argument("--first", metavar="NAME", help="first name (optional)")
    p.add_argument("--last", metavar="NAME", help="last name (optional)")

    p = action("set-roles", "change a member's roles")
    p.add_argument("--roles", metavar="ROLES", required=True,
                   help="comma-separated: READER, WRITER, MANAGER (replaces the member's roles)")
    p.add_argument("--yes", action="store_true",
                   help="confirm giving up your own MANAGER role")

    for name, text in (("disable", "disable a member's membership (they keep their user)"),
                       ("enable", "enable a disabled membership again")):
        p = action(name, text)
        p.add_argument("--yes", action="store_true", help="confirm disabling your own membership")

    p = action("remove", "remove a member from the account (the user itself is not deleted)")
    p.add_argument("--yes", action="store_true",
                   help="confirm the removal (asked on a terminal when missing)")


# ---------------------------------------------------------------------------- input

def parse_roles(text: str) -> list[str]:
    """``"manager, WRITER"`` -> ["MANAGER", "WRITER"]; InputError naming --roles otherwise."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise InputError(["--roles: give at least one role: READER, WRITER or MANAGER "
                          "(comma-separated)"])
    out = []
    for part in parts:
        role = part.upper()
        if role not in ROLE_NAMES:
            from ccm_tui.safetext import visible

            raise InputError([f"--roles: {visible(part)!r} is not a role; use READER, WRITER or "
                              "MANAGER (comma-separated)"])
        if role not in out:
            out.append(role)
    return out


_CLI_FIELD = {"user_email": "EMAIL", "roles": "--roles", "first_name": "--first",
              "last_name": "--last"}


def _model_errors(exc: Any) -> InputError:
    from ccm_tui.models import field_errors

    lines = []
    for err in field_errors(exc):
        head = err.field.split(".")[0].split("[")[0]
        lines.append(f"{_CLI_FIELD.get(head, err.field)}: {err.message}" if err.field else err.message)
    return InputError(lines or ["invalid input"])


def _build_invite(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from ccm_tui.models import InviteUserRequest

    body: dict[str, Any] = {"user_email": args.invitee, "roles": parse_roles(args.roles)}
    if args.first is not None:
        body["first_name"] = args.first
    if args.last is not None:
        body["last_name"] = args.last
    try:
        return InviteUserRequest(**body)
    except ValidationError as exc:
        raise _model_errors(exc) from None


def _check_input(args: argparse.Namespace) -> Any:
    """Everything that can be checked without the server; returns the invite request."""
    action = args.members_command
    if getattr(args, "account", None) is not None and not args.account.strip():
        raise InputError(["--account: must not be empty; give the account's id or name"])
    if getattr(args, "member", None) is not None and not args.member.strip():
        raise InputError(["EMAIL|USER_ID: must not be empty; give the member's email or user id"])
    if action == "invite":
        return _build_invite(args)
    if action == "set-roles":
        parse_roles(args.roles)
    if action == "remove" and not args.yes and not _interactive():
        raise InputError([f"refusing to remove {args.member} without --yes (not a terminal, so "
                          "nothing can be asked)"])
    return None


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _err(line: str) -> None:
    print(f"error: {line}", file=sys.stderr)


# ---------------------------------------------------------------------------- run

def run_members(args: argparse.Namespace, *, transport: Any = None) -> int:
    from ccm_tui.api.errors import CcmError
    from ccm_tui.cli.accounts import _describe
    from ccm_tui.config import ConfigError

    try:
        invite = _check_input(args)
        from ccm_tui.cli.connect import resolve

        settings = resolve(args)
        if args.members_command in WRITE_ACTIONS and settings.read_only:
            raise InputError([f"profile {settings.profile!r} is read-only; "
                              f"`members {args.members_command}` is not allowed with it"])
        import asyncio  # here, not at import: `ccm-tui --help` builds this parser (~25 ms)

        return asyncio.run(_with_session(args, settings, transport, invite))
    except InputError as exc:
        from ccm_tui.safetext import visible

        for line in exc.lines:
            _err(visible(line))
        return EXIT_USAGE
    except ConfigError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except CcmError as exc:
        from ccm_tui.safetext import visible

        _err(visible(_describe(exc)))
        return EXIT_FAILURE


async def _with_session(args, settings, transport, invite) -> int:
    from ccm_tui.api.errors import CcmError
    from ccm_tui.cli.connect import open_cli_session

    session, fresh_login = await open_cli_session(args, settings, transport=transport)
    try:
        account = await _pick_account(args, session.client)
        from ccm_tui.service import members as svc

        await svc.select_account(session.client, account.acct_id)
        if args.members_command == "list":  # a long list shows progress on a terminal
            from ccm_tui.cli.progress import list_progress

            with list_progress("Loading members…") as progress:
                listing = await svc.load_members(
                    session.client, on_page=lambda page: progress.add(len(page)))
        else:
            listing = await svc.load_members(session.client)
        if args.members_command == "list":
            return _print_list(args, account, listing)
        return await _write(args, session.client, account, listing, invite)
    finally:
        if fresh_login:
            try:
                await session.client.terminate()
            except CcmError:
                pass
        await session.close()


async def _pick_account(args, client) -> Any:
    from ccm_tui.safetext import visible
    from ccm_tui.service.members import resolve_account

    accounts = await client.list_accounts()
    key = getattr(args, "account", None)
    if key:
        account, why = resolve_account(accounts, key)
        if account is None:
            raise InputError([f"--account: {visible(why)}"])
        return account
    selected = client.session_info.selected_account_id if client.session_info else None
    for account in accounts:
        if account.acct_id == selected:
            return account
    if len(accounts) == 1:
        return accounts[0]
    raise InputError([f"--account: which account? you can see {len(accounts)}; give its id, "
                      "a unique start of the id, or its name (`ccm-tui accounts list`)"])


def _account_label(account) -> str:
    from ccm_tui.safetext import visible

    return f"{visible(account.name or '')} ({account.acct_id})"


def _print_list(args, account, listing) -> int:
    from ccm_tui.safetext import json_text, visible
    from ccm_tui.service.members import summary

    if args.json:
        print(json_text([r.user.raw() for r in listing.rows]))
        return EXIT_OK
    rows: list[tuple[str, ...]] = [("*" if r.is_me else "", visible(r.name) or "-", visible(r.email), r.roles_text,
             visible(r.status), r.verified_text or "-", r.last_login_local, r.user_id)
            for r in listing.rows]
    print(f"Members of {_account_label(account)}: {summary(listing.rows)}")
    print(_table(rows))
    if listing.truncated:
        print(f"(only the first {len(listing.rows)} members were read)", file=sys.stderr)
    if any(r.is_me for r in listing.rows):
        print("* = you")
    return EXIT_OK


def _table(rows: list[tuple[str, ...]]) -> str:
    from ccm_tui.safetext import cell_width, ljust_cells, truncate

    cells = [[truncate(c, 60) for c in row] for row in rows]
    widths = [cell_width(h) for h in LIST_COLUMNS]
    for row in cells:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(ljust_cells(h, w) for h, w in zip(LIST_COLUMNS, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(ljust_cells(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


async def _write(args, client, account, listing, invite) -> int:
    from ccm_tui.safetext import visible
    from ccm_tui.service import members as svc

    action = args.members_command
    rows = listing.rows
    if action == "invite":
        outcome = await svc.invite_member(client, rows, invite, on_phase=_phase)
        return _report(outcome)
    target = listing.find(args.member)
    if target is None:
        raise InputError([f"EMAIL|USER_ID: no member of {_account_label(account)} has the email "
                          f"or user id {visible(args.member)!r} (`ccm-tui members list`)"])
    confirmed = bool(getattr(args, "yes", False))
    if action == "remove" and not confirmed:
        if not _ask(f"Remove {visible(target.display)} from {_account_label(account)}?"):
            _err("not removed (not confirmed)")
            return EXIT_USAGE

    async def run(confirmed_self: bool):
        if action == "set-roles":
            return await svc.set_roles(client, rows, target, parse_roles(args.roles),
                                       confirmed_self=confirmed_self, on_phase=_phase)
        if action in ("disable", "enable"):
            return await svc.set_status(client, rows, target, action == "enable",
                                        confirmed_self=confirmed_self, on_phase=_phase)
        return await svc.remove_member(client, rows, target, account_name=account.name or "the account",
                                       confirmed_self=confirmed_self, on_phase=_phase)

    outcome = await run(confirmed)
    if outcome.state == "needs_confirmation":
        if not _interactive():
            _err(visible(outcome.message))
            _err("pass --yes to confirm; nothing was sent")
            return EXIT_USAGE
        if not _ask(visible(outcome.message)):
            _err("nothing was changed (not confirmed)")
            return EXIT_USAGE
        outcome = await run(True)
    return _report(outcome)


def _phase(text: str) -> None:
    if text == "checking":
        print("the answer was unclear; checking the member list …", file=sys.stderr)


def _report(outcome) -> int:
    from ccm_tui.safetext import visible

    message = visible(outcome.message)
    if outcome.ok:
        print(message)
        return EXIT_OK
    if outcome.state == "no_change":
        print(message, file=sys.stderr)
        return EXIT_OK
    note = "" if outcome.sent else " (nothing was sent)"
    _err(message + note)
    return EXIT_FAILURE
