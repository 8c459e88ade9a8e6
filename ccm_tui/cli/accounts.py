"""`ccm-tui accounts list|show|create|delete`: headless, through the shared service layer.

Exit codes: 0 success, 1 server/network/auth failure, 2 invalid input or usage.
Invalid input is reported before any connection is made, so it never sends a request.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from typing import Any

from ccm_tui.cli.account_files import InputError, build_requests, load_account_file
from ccm_tui.cli.main import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from ccm_tui.cli.output import account_details, account_json, account_table, print_json


def _err(line: str) -> None:
    print(f"error: {line}", file=sys.stderr)


def run_accounts(args: argparse.Namespace, *, transport: Any = None) -> int:
    from ccm_tui.api.errors import CcmError
    from ccm_tui.config import ConfigError

    try:
        return _run(args, transport)
    except InputError as exc:
        for line in exc.lines:
            _err(line)
        return EXIT_USAGE
    except ConfigError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except CcmError as exc:
        _err(_describe(exc))
        if getattr(args, "accounts_command", None) == "create":
            # create_account() turns every failure after the POST into an outcome, so an
            # error that gets here happened before any account request was sent.
            _err(_not_sent_note(exc))
        return EXIT_FAILURE


def _not_sent_note(exc: Any) -> str:
    from ccm_tui.api.errors import NetworkError, RequestTimeout

    when = " once the server can be reached" if isinstance(exc, NetworkError | RequestTimeout) else ""
    return ("nothing was created (no account request was sent); it is safe to run the same "
            f"command again{when}")


def _describe(exc: Any) -> str:
    from ccm_tui.api.errors import NetworkError, RequestTimeout, TlsError

    text = str(exc) or type(exc).__name__
    if isinstance(exc, TlsError):
        return f"TLS problem: {text} (use --ca-bundle for a private CA)"
    if isinstance(exc, NetworkError | RequestTimeout) and "cannot" not in text.lower():
        return f"cannot reach the server: {text}"
    return text


def _run(args: argparse.Namespace, transport: Any) -> int:
    action = args.accounts_command
    if action == "create":
        requests, is_batch = _read_create_input(args)
        if args.dry_run:
            return _dry_run(args, requests, is_batch)
    if action == "delete" and not args.yes:
        raise InputError([f"refusing to delete account {args.acct_id} without --yes"])

    from ccm_tui.cli.connect import resolve

    settings = resolve(args)
    if action in {"create", "delete"} and settings.read_only:
        raise InputError([f"profile {settings.profile!r} is read-only; "
                          f"`accounts {action}` is not allowed with it"])
    if action == "create":
        return asyncio.run(_with_session(args, settings, transport, _create, requests, is_batch))
    handler = {"list": _list, "show": _show, "delete": _delete}[action]
    return asyncio.run(_with_session(args, settings, transport, handler))


async def _with_session(args, settings, transport, handler, *extra) -> int:
    from ccm_tui.api.errors import CcmError
    from ccm_tui.cli.connect import open_cli_session

    session, fresh_login = await open_cli_session(args, settings, transport=transport)
    try:
        return await handler(args, session.client, *extra)
    finally:
        if fresh_login:  # end the server session this command opened (best effort)
            try:
                await session.client.terminate()
            except CcmError:
                pass
        await session.close()


# ---------------------------------------------------------------------------- read-only

async def _list(args, client) -> int:
    from ccm_tui.service.accounts import load_accounts

    accounts = await load_accounts(client)
    if args.json:
        print_json([account_json(a) for a in accounts])
    elif not accounts:
        print("no accounts")
    else:
        print(account_table(accounts))
    return EXIT_OK


_FULL_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID_PREFIX = re.compile(r"[0-9a-fA-F-]{4,}")


class _Ambiguous(Exception):
    """Several accounts match: the lines name them."""


async def _resolve(client, ident: str) -> tuple[str, str | None]:
    """(account id, name or None) for a full id, the 8-character short id the console
    shows (any id prefix of 4+ characters), or an exact name. Raises InputError (exit 2)
    for an ambiguous or malformed reference, NotFound (exit 1) when no id matches."""
    from ccm_tui.api.errors import NotFound
    from ccm_tui.safetext import visible

    if _FULL_ID.fullmatch(ident):
        return ident, None
    accounts = await client.list_accounts()
    named = [a for a in accounts if a.name == ident]
    by_id = [a for a in accounts if _ID_PREFIX.fullmatch(ident)
             and a.acct_id.lower().startswith(ident.lower())]
    found = named or by_id
    if len(found) == 1:
        return found[0].acct_id, found[0].name
    if len(found) > 1:
        lines = [f"{ident!r} matches {len(found)} accounts; use one of these ids:"]
        lines += [f"  {a.acct_id}  {visible(a.name or '')}" for a in found]
        raise InputError(lines)
    if not _ID_PREFIX.fullmatch(ident):
        raise InputError([f"no account named {visible(ident)!r}, and it is not an account id "
                          "(a full id, or its first 8 characters as the console shows them)"])
    raise NotFound(f"no account with id {ident}", status=404)


async def _show(args, client) -> int:
    from ccm_tui.api.errors import NotFound

    try:
        acct_id, _name = await _resolve(client, args.acct_id)
        account = await client.get_account(acct_id, with_totals=True)
    except NotFound as exc:
        _err(_not_found(exc, args.acct_id))
        return EXIT_FAILURE
    if args.json:
        print_json(account_json(account))
    else:
        print(account_details(account))
    return EXIT_OK


async def _delete(args, client) -> int:
    from ccm_tui.api.errors import NotFound
    from ccm_tui.safetext import visible

    try:
        acct_id, name = await _resolve(client, args.acct_id)
        if name is None:
            name = (await client.get_account(acct_id)).name
        await client.delete_account(acct_id)
    except NotFound as exc:
        _err(_not_found(exc, args.acct_id))
        return EXIT_FAILURE
    print(f"deleted account {visible(name or '')!r} ({acct_id})")
    return EXIT_OK


def _not_found(exc: Exception, ident: str) -> str:
    text = str(getattr(exc, "message", "") or "")
    return text if text.startswith("no account") else f"no account with id {ident}"


# ---------------------------------------------------------------------------- create

def _read_create_input(args) -> tuple[list[Any], bool]:
    logo = None
    if args.logo:
        from ccm_tui.models.logo import read_logo_file

        try:
            logo, _info = read_logo_file(args.logo)
        except ValueError as exc:
            raise InputError([f"--logo: {exc}"]) from None
    parsed = load_account_file(args.from_file)
    return build_requests(parsed, logo_b64=logo), parsed.is_batch


def _dry_run(args, requests, is_batch) -> int:
    bodies = [r.masked_body() for r in requests]
    print_json(bodies if is_batch else bodies[0])
    print(f"dry run: {len(bodies)} account request(s) valid; nothing was sent", file=sys.stderr)
    return EXIT_OK


def _failure_text(name: str, outcome) -> str:
    from ccm_tui.api.errors import NameTaken

    if outcome.state == "unknown":
        return (f"cannot tell whether account {name!r} was created: {outcome.message}; "
                "check with `ccm-tui accounts list` before trying again")
    if isinstance(outcome.error, NameTaken):
        return f"an account named {name!r} already exists"
    message = outcome.message or (str(outcome.error) if outcome.error else "not created")
    if outcome.field and outcome.field not in message:
        message = f"{outcome.field}: {message}"
    return f"account {name!r} was not created: {message}"


async def _create(args, client, requests, is_batch) -> int:
    if not is_batch:
        return await _create_one(args, client, requests[0])
    return await _create_batch(args, client, requests)


async def _create_one(args, client, req) -> int:
    from ccm_tui.service.accounts import create_account

    outcome = await create_account(client, req)
    if outcome.state == "created" and outcome.account is not None:
        if args.json:
            print_json(account_json(outcome.account))
        else:
            note = " (confirmed by listing after an unclear answer)" if outcome.reconciled else ""
            print(f"created account {outcome.account.name} ({outcome.account.acct_id}){note}")
            print(account_table([outcome.account]))
        return EXIT_OK
    _err(_failure_text(req.name, outcome))
    return EXIT_FAILURE


async def _create_batch(args, client, requests) -> int:
    from ccm_tui.service.batch import create_many

    total = len(requests)
    width = len(str(total))
    results: list[dict[str, Any]] = [{} for _ in requests]
    counts = {"created": 0, "not_created": 0, "unknown": 0}
    async for index, outcome in create_many(client, requests, concurrency=args.concurrency):
        name = requests[index].name
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
        tag = f"[{index + 1:>{width}}/{total}]"
        if outcome.state == "created" and outcome.account is not None:
            if args.json:  # the redacted JSON only when it is printed (it costs per account)
                results[index] = {"index": index, "name": name, "state": "created",
                                  "account": account_json(outcome.account)}
            line = f"{tag} created  {name}  {outcome.account.acct_id}"
            print(line, file=sys.stderr if args.json else sys.stdout)
        else:
            text = _failure_text(name, outcome)
            results[index] = {"index": index, "name": name, "state": outcome.state,
                              "error": text}
            label = "UNKNOWN" if outcome.state == "unknown" else "FAILED "
            print(f"{tag} {label} {name}: {text}", file=sys.stderr)
    if args.json:
        print_json(results)
    failed = counts["not_created"] + counts["unknown"]
    summary = (f"{total} account(s): {counts['created']} created, "
               f"{counts['not_created']} not created, {counts['unknown']} unknown")
    print(summary, file=sys.stderr if failed or args.json else sys.stdout)
    return EXIT_FAILURE if failed else EXIT_OK
