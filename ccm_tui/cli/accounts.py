"""`ccm-tui accounts list|show|create|update|delete`: headless, through the shared service layer.

Exit codes: 0 success, 1 server/network/auth failure, 2 invalid input or usage.
Invalid input is reported before any connection is made, so it never sends a request.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from ccm_tui.cli.exit_codes import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ccm_tui.cli.input_error import InputError
from ccm_tui.cli.output import account_details, account_json, account_table, print_json
from ccm_tui.safetext import visible


def _err(line: str) -> None:
    # Server messages, names and ids are outside text: made visible, never printed raw.
    print(f"error: {visible(line)}", file=sys.stderr)


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
    from ccm_tui.api.errors import describe_error  # the one wording (console and CLI)

    return describe_error(exc)


def _run(args: argparse.Namespace, transport: Any) -> int:
    action = args.accounts_command
    if action == "create":
        requests, is_batch = _read_create_input(args)
        if args.dry_run:
            return _dry_run(args, requests, is_batch)
    if action == "update":
        from ccm_tui.cli.lifecycle import dry_run, read_update_input

        update_req = read_update_input(args)
        if args.dry_run:
            return dry_run(update_req)
    if action == "delete":
        from ccm_tui.cli.lifecycle import refuse_delete_without_terminal

        refuse_delete_without_terminal(args)

    from ccm_tui.cli.connect import resolve

    settings = resolve(args)
    if action in {"create", "update", "delete"} and settings.read_only:
        raise InputError([f"profile {settings.profile!r} is read-only; "
                          f"`accounts {action}` is not allowed with it"])
    if action == "create":
        return asyncio.run(_with_session(args, settings, transport, _create, requests, is_batch))
    if action == "update":
        from ccm_tui.cli.lifecycle import run_update

        return asyncio.run(_with_session(args, settings, transport, run_update, update_req))
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
    """The accounts table: the console's rows, only the table's columns read from each page
    (no model built: 50,000 accounts took 3.4 s and 250 MB as validated models)."""
    from ccm_tui.cli.output import rows_table
    from ccm_tui.cli.progress import list_progress
    from ccm_tui.gcpause import growth_frozen
    from ccm_tui.service.listing import account_field_pages

    if args.json:
        return await _list_json(client)
    rows = []
    # shown on a terminal once a few pages have arrived; the rows kept are not walked by
    # the collector again and again while the list grows
    with list_progress() as progress, growth_frozen() as page_kept:
        async for page in account_field_pages(client):
            rows += page.rows()
            page_kept()
            progress.add(len(page))
    if not rows:
        print("no accounts")
    else:
        print(rows_table(rows))
    return EXIT_OK


async def _list_json(client) -> int:
    """The JSON list encoded page by page as it arrives, one account per line (each line
    what ``accounts show --json`` gives, on one line: the C encoder's speed, and a line
    to grep per account): 50,000 accounts never sit in memory as models, dicts or one
    string at once. The pages are encoded in forked workers while the next ones are read
    where they can be forked, else here (cli/json_worker.py); the text reaches stdout only
    when the whole list was read: a failure part way still prints nothing but the error."""
    from ccm_tui.cli.json_worker import PageEncoder, SpooledEncoder
    from ccm_tui.cli.progress import list_progress
    from ccm_tui.service.listing import paging_gc

    encoder: PageEncoder | SpooledEncoder = PageEncoder.start() or SpooledEncoder()
    try:
        # The progress line (a terminal's stderr only) is gone before the list is printed.
        with list_progress() as progress, paging_gc() as page_done:
            async for page in encoder.pages(client):
                encoder.send(page)
                progress.add(len(page))
                page_done()
        encoder.copy_to(sys.stdout)
    finally:
        encoder.close()
    sys.stdout.flush()
    return EXIT_OK


async def _show(args, client) -> int:
    from ccm_tui.cli.lifecycle import resolve_or_exit

    account = await resolve_or_exit(client, args.acct_id, with_totals=True)
    if isinstance(account, int):
        return account
    if args.json:
        print_json(account_json(account))
    else:
        print(account_details(account))
    return EXIT_OK


async def _delete(args, client) -> int:
    from ccm_tui.cli.lifecycle import run_delete

    return await run_delete(args, client)


# ---------------------------------------------------------------------------- create

def _read_create_input(args) -> tuple[list[Any], bool]:
    # The file readers (tomllib, dataclasses) only for create: not at every command's start.
    from ccm_tui.cli.account_files import build_requests, load_account_file

    logo = None
    if args.logo:
        from ccm_tui.files import read_logo_file

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
            print(f"created account {visible(outcome.account.name)} "
                  f"({visible(outcome.account.acct_id)}){note}")
            print(account_table([outcome.account]))
        return EXIT_OK
    _err(_failure_text(req.name, outcome))
    return EXIT_FAILURE


async def _create_batch(args, client, requests) -> int:
    from ccm_tui.cli.interrupt import sigint_calls
    from ccm_tui.cli.progress import batch_progress
    from ccm_tui.service.batch import BatchControl

    total = len(requests)
    results: list[dict[str, Any]] = [{} for _ in requests]
    counts = {"created": 0, "not_created": 0, "unknown": 0, "not_sent": 0}
    control = BatchControl()
    with batch_progress(total) as progress:

        def interrupted() -> None:  # Ctrl+C: send nothing new, finish what is in flight
            first = not control.stopped
            control.stop()
            progress.describe("Stopping: finishing the requests in flight")
            progress.print(
                f"interrupted: no new account will be sent; {control.in_flight} request(s) in "
                "flight are finished and checked first" + ("" if first else " (still waiting)"),
                file=sys.stderr)

        with sigint_calls(interrupted):
            await _report_each(args, client, requests, results, counts, control, progress)
    # The progress line is gone: what follows is printed as it always was.
    if args.json:
        print_json(results)
    failed = counts["not_created"] + counts["unknown"]
    summary = (f"{total} account(s): {counts['created']} created, "
               f"{counts['not_created']} not created, {counts['unknown']} unknown")
    if control.stopped:
        summary = (f"interrupted: {summary} ({counts['not_sent']} never sent; the others were "
                   "finished and checked)")
        print(summary, file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary, file=sys.stderr if failed or args.json else sys.stdout)
    return EXIT_FAILURE if failed else EXIT_OK


async def _report_each(args, client, requests, results, counts, control, progress) -> None:
    """One line per account as its outcome arrives (above the progress line, if any)."""
    from ccm_tui.service.batch import create_many

    total = len(requests)
    width = len(str(total))
    async for index, outcome in create_many(client, requests, concurrency=args.concurrency,
                                            control=control):
        name = requests[index].name
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
        counts["not_sent"] += outcome.not_sent
        progress.advance(failed=outcome.state != "created")
        tag = f"[{index + 1:>{width}}/{total}]"
        if outcome.state == "created" and outcome.account is not None:
            if args.json:  # the redacted JSON only when it is printed (it costs per account)
                results[index] = {"index": index, "name": name, "state": "created",
                                  "account": account_json(outcome.account)}
            line = f"{tag} created  {visible(name)}  {visible(outcome.account.acct_id)}"
            progress.print(line, file=sys.stderr if args.json else sys.stdout)
        else:
            text = outcome.message if outcome.not_sent else _failure_text(name, outcome)
            results[index] = {"index": index, "name": name, "state": outcome.state,
                              "error": text}
            label = ("NOT SENT" if outcome.not_sent
                     else "UNKNOWN" if outcome.state == "unknown" else "FAILED ")
            progress.print(f"{tag} {label} {visible(name)}: {visible(text)}", file=sys.stderr)
