"""Helpers shared by the console tests (imported as a plain module: tests/ has no packages)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ccm_tui.emulator.accounts import new_account

SERVER = "http://127.0.0.1"
START = 1_700_000_000  # 2023-11-14 22:13:20 UTC

OAUTH_CONFIG = {
    "oauth": {
        "idp_name": "Okta",
        "idp_icon_url": "https://idp.example/icon.png",
        "idp_authorization_endpoint": "https://idp.example/authorize",
        "idp_token_endpoint": "https://idp.example/token",
        "idp_requires_basic_auth": True,
        "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}},
        "client_id": "ccm-client",
        "client_secret": "TOPSECRET-client-secret-value",
    }
}


def add_account(
    emulator: Any,
    name: str,
    *,
    roles: tuple[str, ...] = ("MANAGER",),
    status: str = "ACTIVE",
    minutes: int = 0,
    **body: Any,
) -> dict[str, Any]:
    """An account in the emulator's store with the demo user's membership as given."""
    account = new_account({"name": name, **body}, ids=emulator.ids, now=emulator.now() + 60 * minutes)
    emulator.store.insert_account(account, emulator.user["user_id"], roles=list(roles))
    if status != "ACTIVE":
        emulator.store.set_membership(emulator.user["user_id"], account["acct_id"], list(roles), status)
    return account


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout``).

    The timeout only bounds a failing test: a loaded 2-core CI machine can take seconds to
    reach a state that takes milliseconds on a quiet one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)
    await pilot.pause()


def accounts_ready(app: Any) -> bool:
    from ccm_tui.screens.accounts import AccountsScreen

    screen = app.screen
    return isinstance(screen, AccountsScreen) and (screen.loaded or screen.error is not None) \
        and not screen.query_one("#accounts-busy").display


def screen_text(app: Any) -> str:
    """What the top screen currently paints, as plain text lines."""
    strips = app.screen._compositor.render_strips()  # noqa: SLF001
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def palette_highlights(app: Any, words: str) -> bool:
    """The command palette is open and its highlighted command (what Enter runs) contains
    ``words`` (case-insensitive): the search for what was typed has answered."""
    from textual.command import CommandList, CommandPalette

    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return False
    results = screen.query_one(CommandList)
    if results.highlighted is None or results.option_count == 0:
        return False
    prompt = results.get_option_at_index(results.highlighted).prompt
    return words.casefold() in str(getattr(prompt, "plain", prompt)).casefold()


async def palette_run(pilot: Any, words: str, *, typed: str | None = None) -> None:
    """Open the palette, type ``typed`` (default ``words``), wait until the highlighted
    command contains ``words``, press Enter."""
    from textual.command import CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*(words if typed is None else typed))
    await until(pilot, lambda: palette_highlights(app, words))
    await pilot.press("enter")


def account_listings(emulator: Any) -> int:
    """How many account list requests (``GET /v1/accounts``) the emulator has answered."""
    return sum(1 for r in emulator.received if (r.method, r.path) == ("GET", "/v1/accounts"))


def loading_accounts(app: Any) -> bool:
    """A load of the accounts list is queued or running."""
    return any(w.group == "accounts-load" and not w.is_finished for w in app.workers)
