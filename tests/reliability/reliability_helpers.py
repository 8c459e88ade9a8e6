"""Helpers shared by the reliability tests (imported as a plain module)."""

from __future__ import annotations

import socket
from typing import Any

CREATE = "POST /v1/accounts"
LIST = "GET /v1/accounts"
#: The client's read timeout in the fault rows; injected slowness sits just above it.
READ_TIMEOUT = 0.5


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``ccm-tui ARGV`` in-process; (exit code, stdout, stderr). Never a traceback."""
    from ccm_tui.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    assert "error: unexpected" not in err, err  # the last-resort handler means a bug
    return code, out, err


async def run_cli_async(capsys, *argv: str) -> tuple[int, str, str]:
    """run_cli from inside a running event loop (the CLI calls asyncio.run itself)."""
    import asyncio

    return await asyncio.to_thread(run_cli, capsys, *argv)


def named(emulator: Any, name: str) -> list[dict]:
    return [a for a in emulator.store.all_accounts() if a.get("name") == name]


def requests_of(emulator: Any, method: str, path: str) -> int:
    return sum(1 for r in emulator.received if r.method == method and r.path == path)


def posts(emulator: Any) -> int:
    return requests_of(emulator, "POST", "/v1/accounts")


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def open_live_session(server, *, token=None, read_timeout=READ_TIMEOUT):
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
    from ccm_tui.service.session import open_session

    settings = ConnectionSettings(url=server.url, email=DEMO_EMAIL, read_timeout=read_timeout,
                                  connect_timeout=2)
    if token:
        return await open_session(settings, token=token)
    return await open_session(settings, password=DEMO_PASSWORD)


def precreate(emulator: Any, name: str) -> None:
    """An account called ``name`` already exists on the emulator (a taken name)."""
    from ccm_tui.emulator.accounts import new_account

    acct = new_account({"name": name}, ids=emulator.ids, now=emulator.now())
    emulator.store.insert_account(acct, emulator.user["user_id"], roles=["MANAGER"])


def duplicate_answers_400(emulator: Any, name: str) -> None:
    """A taken ``name``, which this server reports as 400 (as some CCM versions may)."""
    precreate(emulator, name)
    emulator.duplicate_status = 400
