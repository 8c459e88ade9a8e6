"""The account editor, keyboard only: each edit sends exactly its diff (the PATCH body the
emulator received), no change sends nothing, PCR reorder by keys, taken name at the name
field, a concurrent change is caught before sending."""

from __future__ import annotations

from ccm_tui.screens.account_editor import AccountEditorScreen
from ccm_tui.screens.details import AccountDetailsScreen
from lifecycle_helpers import patches
from tui_helpers import accounts_ready, add_account, screen_text, until


async def open_editor(pilot, app, name: str):
    await until(pilot, lambda: accounts_ready(app))
    table = app.screen.table
    table.move_cursor(next(i for i, r in enumerate(table.rows) if r.name == name))
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, AccountEditorScreen)
                and app.screen.original is not None and app.screen.query("#pcr-list"))
    return app.screen


async def review_and_send(pilot, app):
    await pilot.press("ctrl+o")
    await until(pilot, lambda: "AccountUpdateRequest to be sent" in screen_text(app)
                or "No change" in screen_text(app) or "Cannot send" in screen_text(app))


async def test_rename_sends_only_the_name_and_the_table_shows_it(make_app, det_emulator):
    acct = add_account(det_emulator, "Acme", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Acme")
        name = editor.query_one("#edit-name")
        assert name.has_focus and name.value == "Acme"
        await pilot.press("end", *" Prod")
        await review_and_send(pilot, app)
        text = screen_text(app)
        assert "name: Acme → Acme Prod" in text
        assert '"name": "Acme Prod"' in text
        assert patches(det_emulator, acct["acct_id"]) == []  # reviewing sends nothing
        await pilot.press("enter")  # the Send button has the focus
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == [{"name": "Acme Prod"}]
        await until(pilot, lambda: accounts_ready(app))
        assert any(r.name == "Acme Prod" for r in app.screen.all_rows)


async def test_no_change_sends_nothing_and_says_so(make_app, det_emulator):
    acct = add_account(det_emulator, "Same", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "Same")
        await review_and_send(pilot, app)
        assert "No change — there is nothing to send." in screen_text(app)
        assert app.screen.query_one("#send").disabled
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == []


async def test_pcr_reorder_by_keyboard(make_app, det_emulator):
    acct = add_account(det_emulator, "Pcr", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Pcr")
        await pilot.press("tab", "4")  # leave the name field, then pane 4
        await until(pilot, lambda: editor.query_one("#pcr-list").has_focus)
        await pilot.press("j", "j", "j", "j")  # highlight PCR 4
        await pilot.press("K", "K", "shift+up", "K")  # to the top
        await pilot.press("j", "J")  # PCR 0 is now second: move it to third
        pcr_list = editor.query_one("#pcr-list")
        assert pcr_list.order[:4] == [4, 1, 0, 2]
        await pilot.press("r")
        assert pcr_list.order == list(range(23))
        await pilot.press("j", "j", "j", "j", "K", "K", "K", "K")
        await review_and_send(pilot, app)
        changes = str(editor.query_one("#review-changes").render())
        assert "→ 4,0,1,2,3,5," in changes
        assert '"azure_cvm_pcr_priority": [4, 0, 1, 2, 3, 5,' in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == [
            {"azure_cvm_pcr_priority": [4, 0, 1, 2, 3, *range(5, 23)]}]


async def test_rename_to_a_taken_name_shows_it_at_the_name_field(make_app, det_emulator):
    add_account(det_emulator, "Taken", roles=("MANAGER",))
    acct = add_account(det_emulator, "Mine", roles=("MANAGER",), minutes=1)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Mine")
        editor.query_one("#edit-name").value = ""
        await pilot.press(*"Taken")
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "already exists" in str(editor.query_one("#err-name").render()))
        assert isinstance(app.screen, AccountEditorScreen)
        assert editor.query_one("#editor-tabs").active == "basics"
        assert len(patches(det_emulator, acct["acct_id"])) == 1


async def test_concurrent_change_is_caught_and_reload_reapplies_my_edit(make_app, det_emulator):
    acct = add_account(det_emulator, "Shared", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Shared")
        await pilot.press("end", *"!")
        stored = det_emulator.store.get_account(acct["acct_id"])
        stored["account_status"] = "Deactivated"  # someone else, meanwhile
        det_emulator.store.update_account(stored)
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "changed on the server" in screen_text(app))
        assert patches(det_emulator, acct["acct_id"]) == []
        await pilot.press("ctrl+l")
        await until(pilot, lambda: "your edits are re-applied" in screen_text(app))
        assert editor.query_one("#edit-name").value == "Shared!"
        assert editor.query_one("#edit-deactivated").value is True
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == [{"name": "Shared!"}]


async def test_edit_from_details(make_app, det_emulator):
    add_account(det_emulator, "Via details", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and app.screen.account is not None)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, AccountEditorScreen)
                    and app.screen.original is not None)
        await pilot.press("end", *"2", "ctrl+o")
        await until(pilot, lambda: "name: Via details → Via details2" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        await until(pilot, lambda: "Account: Via details2" in screen_text(app))
