"""Console lifecycle: deactivate/reactivate from details, delete by typing the name (wrong
name refused, right name gone, selection cleared), READER sees the keys disabled."""

from __future__ import annotations

from lifecycle_helpers import deletes, make_fault_app, patches
from tui_helpers import accounts_ready, add_account, screen_text, until

from ccm_tui.screens.details import AccountDetailsScreen
from ccm_tui.screens.lifecycle import DeleteDialog, StatusDialog


async def open_details(pilot, app, name: str):
    await until(pilot, lambda: accounts_ready(app))
    table = app.screen.table
    table.move_cursor(next(i for i, r in enumerate(table.rows) if r.name == name))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                and app.screen.account is not None and app.screen.account.totals is not None)


def table_row(app, name: str):
    from ccm_tui.screens.accounts import AccountsScreen

    screen = next(s for s in app.screen_stack if isinstance(s, AccountsScreen))
    return next((r for r in screen.all_rows if r.name == name), None)


async def test_deactivate_and_reactivate_from_details(make_app, det_emulator):
    acct = add_account(det_emulator, "Toggle me", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_details(pilot, app, "Toggle me")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, StatusDialog))
        assert "Deactivate account Toggle me?" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and str(app.screen.account.account_status) == "Deactivated")
        assert "Account: Toggle me — Deactivated" in screen_text(app)
        assert table_row(app, "Toggle me").account_status == "Deactivated"  # at once, no reload
        assert patches(det_emulator, acct["acct_id"]) == [{"account_status": "Deactivated"}]
        # the table shows the word on a dimmed row
        await pilot.press("escape")
        await until(pilot, lambda: accounts_ready(app))
        line = next(ln for ln in screen_text(app).splitlines() if "Toggle me" in ln)
        assert "Deactivated" in line
        table = app.screen.table
        index = next(i for i, r in enumerate(table.rows) if r.name == "Toggle me")
        strip = table.render_line(index + 1 - int(table.scroll_y))
        assert all(seg.style.dim for seg in strip if seg.text.strip())
        await open_details(pilot, app, "Toggle me")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, StatusDialog))
        assert "Reactivate account Toggle me?" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and str(app.screen.account.account_status) == "Active")
        assert patches(det_emulator, acct["acct_id"])[-1] == {"account_status": "Active"}


async def test_cancelled_status_change_sends_nothing(make_app, det_emulator):
    acct = add_account(det_emulator, "Stay", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_details(pilot, app, "Stay")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, StatusDialog))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        assert patches(det_emulator, acct["acct_id"]) == []


async def test_delete_wrong_name_refused_then_right_name_gone(make_app, det_emulator):
    acct = add_account(det_emulator, "Old [b]data[/b]", roles=("MANAGER",))
    stored = det_emulator.store.get_account(acct["acct_id"])
    stored["totals"] = {"datasets": 3, "final_workflows": 2, "nodes": 5}
    det_emulator.store.update_account(stored)
    add_account(det_emulator, "Other", roles=("MANAGER",), minutes=1)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        # select it first: deleting the selected account clears the selection
        table = app.screen.table
        table.move_cursor(next(i for i, r in enumerate(table.rows) if r.acct_id == acct["acct_id"]))
        await pilot.press("s")
        await until(pilot, lambda: app.session.selected_account_id == acct["acct_id"])
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, DeleteDialog))
        await until(pilot, lambda: "5 node(s), 3 dataset(s) and 2 workflow(s)" in screen_text(app))
        text = screen_text(app)
        assert "Delete account Old [b]data[/b]?" in text and acct["acct_id"] in text
        await pilot.press(*"old [b]data[/b]", "enter")
        await until(pilot, lambda: "does not match" in screen_text(app))
        assert deletes(det_emulator, acct["acct_id"]) == 0
        box = app.screen.query_one("#delete-name")
        box.value = ""
        await pilot.press(*"Old [b]data[/b]", "enter")
        await until(pilot, lambda: accounts_ready(app))
        assert det_emulator.store.get_account(acct["acct_id"]) is None
        assert deletes(det_emulator, acct["acct_id"]) == 1
        assert table_row(app, "Old [b]data[/b]") is None and table_row(app, "Other") is not None
        assert app.session.selected_account_id is None
        assert "no account selected" in screen_text(app)


async def test_reader_sees_edit_disabled_with_the_reason(make_app, det_emulator):
    acct = add_account(det_emulator, "Look only", roles=("READER",))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_details(pilot, app, "Look only")
        text = screen_text(app)
        assert "Edit, deactivate and delete are disabled" in text
        assert "needs the MANAGER role; you are READER" in text
        assert app.screen.check_action("edit", ()) is None  # shown disabled in the footer
        await pilot.press("e", "d", "ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, AccountDetailsScreen)
        await pilot.press("escape")
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("e")  # from the table: refused with the reason
        await until(pilot, lambda: any("needs the MANAGER role" in str(n.message)
                                       for n in app._notifications))
        assert patches(det_emulator, acct["acct_id"]) == []


async def test_dropped_delete_is_confirmed_gone_and_sent_once(det_emulator_app, det_emulator):
    acct = add_account(det_emulator, "Flaky delete", roles=("MANAGER",))
    app = make_fault_app(det_emulator_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        det_emulator.faults.drop_after_commit(route="DELETE /v1/accounts/{account-id}")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, DeleteDialog))
        await pilot.press(*"Flaky delete", "enter")
        await until(pilot, lambda: accounts_ready(app) and table_row(app, "Flaky delete") is None)
        assert any("answers 404" in str(n.message) for n in app._notifications)
        assert deletes(det_emulator, acct["acct_id"]) == 1


async def test_delete_from_the_palette(make_app, det_emulator):
    add_account(det_emulator, "Palette gone", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Delete account")
        await until(pilot, lambda: "Delete account…" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DeleteDialog))
