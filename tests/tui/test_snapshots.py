"""Snapshots (80×24) of the console's screens against the deterministic emulator
(fixed clock, seeded ids, TZ=UTC). Update with: uv run pytest tests/tui --snapshot-update"""

from __future__ import annotations

from tui_helpers import OAUTH_CONFIG, accounts_ready, add_account, screen_text, until

SIZE = (80, 24)


def seed(emulator) -> None:
    add_account(emulator, "Acme Research", roles=("MANAGER",))
    add_account(emulator, "Beta Labs", roles=("READER",), status="PENDING", minutes=5)
    add_account(emulator, "Confidential AI team", roles=("WRITER", "READER"), minutes=10,
                component="CONFIDENTIAL_AI")
    add_account(emulator, "Delta Ops", roles=("MANAGER",), minutes=15,
                auth_configs=[{"password": {"require_2fa": True, "administrators_only": False}},
                              OAUTH_CONFIG, {"cluster_auth_ref": {"target_id": "cluster-auth-1"}}])


def test_snapshot_login(snap_compare, make_app):
    async def ready(pilot):
        await pilot.pause()

    assert snap_compare(make_app(login=False), terminal_size=SIZE, run_before=ready)


def test_snapshot_accounts(snap_compare, make_app, det_emulator):
    seed(det_emulator)

    async def ready(pilot):
        await until(pilot, lambda: accounts_ready(pilot.app))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_accounts_empty(snap_compare, make_app):
    async def ready(pilot):
        await until(pilot, lambda: accounts_ready(pilot.app))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_accounts_error(snap_compare, make_app, det_emulator):
    det_emulator.faults.fail_next("GET /v1/accounts", 503, count=3, retry_after=0,
                                  body={"message": "maintenance window"})

    async def ready(pilot):
        await until(pilot, lambda: accounts_ready(pilot.app))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_details(snap_compare, make_app, det_emulator):
    seed(det_emulator)

    async def ready(pilot):
        from ccm_tui.screens.details import AccountDetailsScreen

        app = pilot.app
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("G", "enter")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and app.screen.account is not None and app.screen.account.totals is not None)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_help(snap_compare, make_app, det_emulator):
    seed(det_emulator)

    async def ready(pilot):
        await until(pilot, lambda: accounts_ready(pilot.app))
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Help — Accounts" in screen_text(pilot.app)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)
