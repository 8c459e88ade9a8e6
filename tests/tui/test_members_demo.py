"""Issue 13's "done when", keyboard only, on the demo data: open an account's members, invite
new.person@example.com as WRITER, promote a READER to MANAGER, disable a member, remove
another, be stopped (with the reason) from demoting an account's last manager — then the CLI
shows the same list. Asserts the exact request bodies the emulator received."""

from __future__ import annotations

import asyncio

import httpx
from tui_helpers import SERVER, START, accounts_ready, until as _until

from ccm_tui.app import create_app
from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, ManualClock
from ccm_tui.emulator import create_app as create_emulator
from ccm_tui.screens.accounts import AccountsScreen
from ccm_tui.screens.members import MembersScreen
from ccm_tui.screens.members_dialogs import ConfirmDialog, RolesDialog


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """tui_helpers.until with more room: these walks make several requests per step and the
    test machines are shared."""
    await _until(pilot, condition, timeout)


async def test_done_when_walkthrough_on_the_demo_data(capsys, monkeypatch):
    emulator_app = create_emulator(demo_data=True, clock=ManualClock(START), id_seed=13)
    emu = emulator_app.state.emulator
    transport = httpx.ASGITransport(app=emulator_app)
    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL), transport=transport,
                     password=DEMO_PASSWORD)

    def uid(account, email):
        acct = emu.store.find_by_name(account)["acct_id"]
        return next(u["user_id"] for u in emu.store.list_members(acct)[0] if u["user_email"] == email)

    def writes():
        return [(r.method, r.path, r.body) for r in emu.received
                if r.path.startswith("/v1/users") and r.method in ("POST", "PATCH", "DELETE")]

    async with app.run_test(size=(100, 30)) as pilot:
        async def members_of(name):
            await until(pilot, lambda: accounts_ready(app))
            await pilot.press("slash", *name, "enter")
            await until(pilot, lambda: len(app.screen.table.rows) == 1)
            await pilot.press("m")
            await until(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.loaded
                        and not app.screen.query_one("#members-busy").display)
            return app.screen

        async def pick(screen, text):
            await pilot.press("slash", *text, "enter")
            await until(pilot, lambda: len(screen.shown) == 1)

        async def settled(screen, count):
            await until(pilot, lambda: len(writes()) == count and app.screen is screen
                        and not screen.query_one("#members-busy").display)

        def note(screen):
            return str(screen.query_one("#members-message").render())

        screen = await members_of("Payments (prod)")
        # invite new.person@example.com as WRITER
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        await pilot.press(*"new.person@example.com", "tab", "tab", "space", "ctrl+o", "ctrl+o")
        await settled(screen, 1)
        # promote the READER Wei Chen to MANAGER
        await pick(screen, "wei")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        await pilot.press("space", "tab", "tab", "space", "ctrl+o", "ctrl+o")
        await settled(screen, 2)
        assert "Wei Chen <wei.chen@acme.example>: READER → MANAGER" in note(screen)
        # disable Dana
        await pilot.press("escape")
        await pick(screen, "dana")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settled(screen, 3)
        # remove Bob
        await pilot.press("escape")
        await pick(screen, "bob")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settled(screen, 4)
        await pilot.press("escape", "escape")  # clear the filter, back to the accounts
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("escape")  # clear the accounts filter
        # "Payments (staging)": the demo user is its only active MANAGER
        staging = await members_of("staging")
        await pick(staging, "demo")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        dialog = app.screen
        await pilot.press("space", "ctrl+o", "ctrl+o")  # untick MANAGER, review, send
        await until(pilot, lambda: dialog.stage == "done")
        refusal = str(dialog.query_one("#dialog-status").render())
        assert refusal.startswith("you are the last active MANAGER of this account and cannot be "
                                  "demoted")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is staging)
        shown = {r.email: (r.roles, r.status) for r in screen.all_rows}

    assert writes() == [
        ("POST", "/v1/users/invite", {"user_email": "new.person@example.com", "roles": ["WRITER"]}),
        ("PATCH", f"/v1/users/{uid('Payments (prod)', 'wei.chen@acme.example')}", {"roles": ["MANAGER"]}),
        ("PATCH", f"/v1/users/{uid('Payments (prod)', 'dana.kowalski@acme.example')}",
         {"user_account_status": "DISABLED"}),
        ("DELETE", f"/v1/users/{emu.store.find_user_by_email('bob.martin@acme.example')['user_id']}/accounts",
         None),
    ]

    # the CLI shows the same list
    import json

    from ccm_tui.cli.main import build_parser
    from ccm_tui.cli.members import run_members

    args = build_parser().parse_args(["members", "list", "--account", "Payments (prod)", "--json",
                                      "--server", SERVER, "--email", DEMO_EMAIL])
    monkeypatch.setenv("CCM_PASSWORD", DEMO_PASSWORD)
    # the CLI runs its own event loop: give it a thread of its own
    assert await asyncio.to_thread(run_members, args, transport=transport) == 0
    listed = {u["user_email"]: (tuple(u["roles"]), u["user_account_status"])
              for u in json.loads(capsys.readouterr().out)}
    assert listed == shown
    assert listed["new.person@example.com"] == (("WRITER",), "PENDING")
    assert listed["wei.chen@acme.example"] == (("MANAGER",), "ACTIVE")
    assert listed["dana.kowalski@acme.example"][1] == "DISABLED"
    assert "bob.martin@acme.example" not in listed
    emulator_app.state.emulator.store.close()
