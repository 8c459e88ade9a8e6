"""`ccm-tui accounts update ID` and `accounts delete ID`: the headless twins of the console's
edit, deactivate/reactivate and delete, through ccm_tui.service.account_update.

Input is validated before any connection is made (exit 2, the field named, nothing sent).
ID is a full id, the 8-character short id, or the exact name (ccm_tui.service.resolve).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from ccm_tui.cli.exit_codes import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from ccm_tui.cli.input_error import InputError
from ccm_tui.safetext import visible

ID_HELP = "the account: its id, the 8-character short id, or its exact name"


def add_update_parser(acc_sub: Any, add_connection_options: Callable[..., None]) -> None:
    p = acc_sub.add_parser(
        "update", help="change an account: name, logo, status, PCR priority, auth configs",
        description="Change one account with PATCH. FILE holds an AccountUpdateRequest as CCM "
                    "spells it (name, custom_logo, add_auth_configs, mod_auth_configs keyed by "
                    "auth-config id, del_auth_configs, account_status, azure_cvm_pcr_priority, "
                    "...); unknown keys are refused. The flags cover the common cases and may "
                    "be combined with FILE when they name other fields.")
    add_connection_options(p, top=False)
    p.add_argument("acct_id", metavar="ID", help=ID_HELP)
    p.add_argument("--from", dest="from_file", metavar="FILE",
                   help="JSON or TOML AccountUpdateRequest ('-' reads JSON from stdin)")
    p.add_argument("--name", metavar="NEW", help="rename the account")
    logo = p.add_mutually_exclusive_group()
    logo.add_argument("--logo", metavar="PATH", help="replace the logo (PNG, JPEG or SVG, ≤ 128 KiB)")
    logo.add_argument("--remove-logo", action="store_true", help="remove the logo")
    status = p.add_mutually_exclusive_group()
    status.add_argument("--deactivate", action="store_true", help="set account_status Deactivated")
    status.add_argument("--activate", action="store_true", help="set account_status Active")
    p.add_argument("--pcr-priority", metavar="LIST",
                   help="azure_cvm_pcr_priority: all of 0..22 once each, comma-separated, "
                        "e.g. 4,0,1,2,3,5,...")
    p.add_argument("--dry-run", action="store_true",
                   help="validate and print the request with secrets masked; send nothing")
    p.add_argument("--json", action="store_true", help="print the updated account as JSON")


def _err(line: str) -> None:
    print(f"error: {visible(line)}", file=sys.stderr)


# ---------------------------------------------------------------------------- input

def _load_patch_file(path: str) -> dict[str, Any]:
    from ccm_tui.cli.account_files import read_request_text

    name, text = read_request_text(path)  # size-first, bounded, also for stdin
    if name.lower().endswith(".toml"):
        import tomllib  # only when a --from file is read: not at every command's start

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError([f"--from: {name}: not valid TOML: {exc}"]) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError([f"--from: {name}:{exc.lineno}: not valid JSON: {exc.msg}"]) from None
    if not isinstance(data, dict):
        raise InputError([f"--from: {name}: must hold one AccountUpdateRequest object"])
    return data


def read_update_input(args: argparse.Namespace) -> Any:
    """The AccountUpdateRequest the file and flags describe; InputError (exit 2) otherwise."""
    from pydantic import ValidationError

    from ccm_tui.models import AccountUpdateRequest, field_errors
    from ccm_tui.service.account_update import parse_pcr_priority

    body: dict[str, Any] = _load_patch_file(args.from_file) if args.from_file else {}
    source = f"--from {args.from_file}" if args.from_file else ""
    flags: dict[str, tuple[str, Any]] = {}
    if args.name is not None:
        flags["name"] = ("--name", args.name)
    if args.logo:
        from ccm_tui.files import read_logo_file

        try:
            logo, _info = read_logo_file(args.logo)
        except ValueError as exc:
            raise InputError([f"--logo: {exc}"]) from None
        flags["custom_logo"] = ("--logo", logo)
    if args.remove_logo:
        flags["custom_logo"] = ("--remove-logo", "")
    if args.deactivate or args.activate:
        flag = "--deactivate" if args.deactivate else "--activate"
        flags["account_status"] = (flag, "Deactivated" if args.deactivate else "Active")
    if args.pcr_priority is not None:
        try:
            flags["azure_cvm_pcr_priority"] = ("--pcr-priority", parse_pcr_priority(args.pcr_priority))
        except ValueError as exc:
            raise InputError([f"--pcr-priority: {exc}"]) from None
    clashes = [f"{flag} and {source} both set {key}" for key, (flag, _v) in flags.items() if key in body]
    if clashes:
        raise InputError(clashes)
    body.update({key: value for key, (_flag, value) in flags.items()})
    if not body:
        raise InputError([("nothing to change: give --from FILE or a flag such as --name, "
                           "--deactivate or --pcr-priority")])
    try:
        return AccountUpdateRequest.model_validate(body)
    except ValidationError as exc:
        where = f"{source}: " if source else ""
        raise InputError([f"{where}{e}" for e in field_errors(exc, AccountUpdateRequest)]) from None


def dry_run(req: Any) -> int:
    from ccm_tui.cli.output import print_json

    print_json(req.masked_body())
    print("dry run: the update request is valid; nothing was sent", file=sys.stderr)
    return EXIT_OK


def refuse_delete_without_terminal(args: argparse.Namespace) -> None:
    """Scripts must say --yes; a terminal is asked for the account's name instead."""
    if not args.yes and not sys.stdin.isatty():
        raise InputError([(f"refusing to delete account {args.acct_id} without --yes "
                           "(on a terminal you are asked to type its name instead)")])


# ---------------------------------------------------------------------------- running

async def resolve_or_exit(client: Any, ref: str, *, with_totals: bool = False) -> Any:
    """The account, or an exit code after saying why not."""
    from ccm_tui.service.resolve import AccountRefError, resolve_account

    try:
        return await resolve_account(client, ref, with_totals=with_totals)
    except AccountRefError as exc:
        _err(str(exc))
        if exc.kind == "ambiguous":
            for a in exc.candidates:
                print(visible(f"  {a.acct_id}  {a.name or ''}"), file=sys.stderr)
            return EXIT_USAGE
        # neither a name we know nor anything like an id: the reference itself is wrong
        return EXIT_FAILURE if exc.id_shaped else EXIT_USAGE


def _without_no_ops(original: Any, req: Any) -> Any:
    """Drop top-level fields that already hold the requested value."""
    from ccm_tui.models import AccountUpdateRequest

    body = req.wire_body()
    raw = original.raw()
    for key in ("name", "account_status", "azure_cvm_pcr_priority"):
        if key in body and raw.get(key) == body[key]:
            del body[key]
    if body.get("custom_logo") == "" and not raw.get("custom_logo"):
        del body["custom_logo"]
    return AccountUpdateRequest.model_validate(body) if body else None


async def run_update(args: argparse.Namespace, client: Any, req: Any) -> int:
    from ccm_tui.cli.output import account_json, print_json
    from ccm_tui.service.account_update import submit_update, update_warnings

    original = await resolve_or_exit(client, args.acct_id)
    if isinstance(original, int):
        return original
    effective = _without_no_ops(original, req)
    if effective is None:
        print(visible(f"no change: account {original.name!r} already looks like that; "
                      "nothing was sent"))
        return EXIT_OK
    for w in update_warnings(original, effective):
        print(f"warning: {visible(w)}", file=sys.stderr)
    outcome = await submit_update(client, original, effective, check_concurrent=False)
    if outcome.state == "updated" and outcome.account is not None:
        if args.json:
            print_json(account_json(outcome.account))
        else:
            note = " (confirmed by re-reading it after an unclear answer)" if outcome.reconciled else ""
            print(visible(f"updated account {outcome.account.name} ({outcome.account.acct_id})")
                  + note)
        return EXIT_OK
    message = outcome.message
    if outcome.field and outcome.field not in message:
        message = f"{outcome.field}: {message}"
    _err(message)
    return EXIT_FAILURE


def _confirm_by_name(account: Any) -> bool:
    totals = account.totals
    what = ""
    if totals is not None:
        what = (f"; it holds {totals.nodes or 0} node(s), {totals.datasets or 0} dataset(s), "
                f"{totals.final_workflows or 0} workflow(s)")
    print(visible(f"Deleting account {account.name!r} ({account.acct_id}) cannot be undone{what}."),
          file=sys.stderr)
    try:
        typed = input("Type the account's name to delete it: ")
    except EOFError:
        return False
    return typed == (account.name or "")


async def run_delete(args: argparse.Namespace, client: Any) -> int:
    from ccm_tui.service.account_update import delete_account

    account = await resolve_or_exit(client, args.acct_id, with_totals=True)
    if isinstance(account, int):
        return account
    if not args.yes and not _confirm_by_name(account):
        _err(f"not deleted: the name typed is not {account.name!r}")
        return EXIT_USAGE
    outcome = await delete_account(client, account)
    if outcome.deleted:
        print(visible(outcome.message if outcome.reconciled else
                      f"deleted account {account.name!r} ({account.acct_id})"))
        return EXIT_OK
    _err(outcome.message)
    return EXIT_FAILURE
