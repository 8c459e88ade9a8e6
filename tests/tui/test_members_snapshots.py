"""Snapshots (80×24) of the Members screen and the invite dialog against the deterministic
emulator (fixed clock, seeded ids, TZ=UTC). Update with:
uv run pytest tests/tui/test_members_snapshots.py --snapshot-update"""

from __future__ import annotations

from test_members import open_members, seed_team, until

from ccm_tui.screens.members_dialogs import RolesDialog

SIZE = (80, 24)


def test_snapshot_members(snap_compare, make_app, det_emulator):
    seed_team(det_emulator, second_manager=True)

    async def ready(pilot):
        await open_members(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_invite_dialog(snap_compare, make_app, det_emulator):
    seed_team(det_emulator)

    async def ready(pilot):
        await open_members(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, RolesDialog))
        await pilot.press(*"new.person@example.com", "tab", "tab", "space")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_invite_review(snap_compare, make_app, det_emulator):
    seed_team(det_emulator)

    async def ready(pilot):
        await open_members(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, RolesDialog))
        await pilot.press(*"new.person@example.com", "tab", "tab", "space", "ctrl+o")
        await until(pilot, lambda: pilot.app.screen.stage == "review")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)
