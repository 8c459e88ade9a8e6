"""Snapshots (80×24) of the account editor's Review (the diff and the masked request) and its
PCR priority pane, against the deterministic emulator. Update with:
uv run pytest tests/tui/test_lifecycle_snapshots.py --snapshot-update"""

from __future__ import annotations

from ccm_tui.screens.account_editor import AccountEditorScreen
from tui_helpers import OAUTH_CONFIG, accounts_ready, add_account, until

SIZE = (80, 24)


async def _editor(pilot):
    app = pilot.app
    await until(pilot, lambda: accounts_ready(app))
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, AccountEditorScreen)
                and app.screen.original is not None and app.screen.query("#pcr-list"))
    return app.screen


def test_snapshot_editor_review(snap_compare, make_app, det_emulator):
    add_account(det_emulator, "Acme Research", roles=("MANAGER",), auth_configs=[OAUTH_CONFIG])

    async def ready(pilot):
        editor = await _editor(pilot)
        await pilot.press("end", *" (prod)", "ctrl+n", "ctrl+n", "ctrl+n")
        await until(pilot, lambda: editor.query_one("#pcr-list").has_focus)
        await pilot.press("j", "j", "j", "j", "K", "K", "K", "K", "ctrl+o")
        await until(pilot, lambda: "name:" in str(editor.query_one("#review-changes").render()))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_snapshot_editor_pcr_pane(snap_compare, make_app, det_emulator):
    add_account(det_emulator, "Acme Research", roles=("MANAGER",))

    async def ready(pilot):
        editor = await _editor(pilot)
        await pilot.press("tab", "4")
        await until(pilot, lambda: editor.query_one("#pcr-list").has_focus)
        await pilot.press("j", "j", "J", "J")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)
