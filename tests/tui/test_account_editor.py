"""The account editor, keyboard only: each edit sends exactly its diff (the PATCH body the
emulator received), no change sends nothing, PCR reorder by keys, taken name at the name
field, a concurrent change is caught before sending."""

from __future__ import annotations

from lifecycle_helpers import OAUTH, PASSWORD, SVG_LOGO, make_fault_app, patches
from tui_helpers import accounts_ready, add_account, screen_text, until

from ccm_tui.screens.account_editor import AccountEditorScreen
from ccm_tui.screens.details import AccountDetailsScreen


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


# ----------------------------------------------------------------------------- auth configs

OAUTH_FIELDS = {
    "idp_name": "Corp SSO", "idp_icon_url": "https://sso.example/i.png",
    "idp_authorization_endpoint": "https://sso.example/authorize",
    "idp_token_endpoint": "https://sso.example/token", "client_id": "ccm",
}


async def to_auth_pane(pilot, editor):
    await pilot.press("tab", "3")
    await until(pilot, lambda: editor.query_one("#auth-list").has_focus)


async def test_add_oauth_with_tls_required_then_rotate_its_secret(make_app, det_emulator):
    from ccm_tui.screens.account_editor_auth import TlsDialog
    from ccm_tui.screens.wizard.modals import AuthEditor

    acct = add_account(det_emulator, "Sso", roles=("MANAGER",), auth_configs=[PASSWORD])
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        editor = await open_editor(pilot, app, "Sso")
        await to_auth_pane(pilot, editor)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AuthEditor))
        for field, value in OAUTH_FIELDS.items():
            app.screen.query_one(f"#{field}").value = value
        app.screen.query_one("#client_secret").focus()
        await pilot.press(*"first-secret-1", "ctrl+o")
        await until(pilot, lambda: app.screen is editor)
        await pilot.press("down", "t")  # the new config, its TLS
        await until(pilot, lambda: isinstance(app.screen, TlsDialog))
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is editor)
        await review_and_send(pilot, app)
        assert "first-secret-1" not in screen_text(app)  # masked in the review
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        oauth = {**OAUTH_FIELDS, "idp_requires_basic_auth": False, "client_secret": "first-secret-1",
                 "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}}}
        assert patches(det_emulator, acct["acct_id"]) == [{"add_auth_configs": [{"oauth": oauth}]}]

        # rotate the client secret of the config just added
        stored = det_emulator.store.get_account(acct["acct_id"])
        new_id = next(cid for cid, c in stored["auth_configs"].items() if "oauth" in c)
        await until(pilot, lambda: accounts_ready(app))
        editor = await open_editor(pilot, app, "Sso")
        await to_auth_pane(pilot, editor)
        assert "secret unchanged" in screen_text(app)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, AuthEditor))
        assert "unchanged" in app.screen.query_one("#client_secret").placeholder
        app.screen.query_one("#client_secret").focus()
        await pilot.press(*"rotated-secret-2", "ctrl+o")
        await until(pilot, lambda: app.screen is editor)
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"])[-1] == {
            "mod_auth_configs": {new_id: {"oauth": {**oauth, "client_secret": "rotated-secret-2"}}}}


async def test_changing_an_oauth_config_without_its_secret_is_refused_at_review(make_app, det_emulator):
    acct = add_account(det_emulator, "Needs", roles=("MANAGER",), auth_configs=[OAUTH])
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        editor = await open_editor(pilot, app, "Needs")
        await to_auth_pane(pilot, editor)
        await pilot.press("t")
        from ccm_tui.screens.account_editor_auth import TlsDialog

        await until(pilot, lambda: isinstance(app.screen, TlsDialog))
        app.screen.query_one("#tls-validate").value = False
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is editor)
        await review_and_send(pilot, app)
        changes = " ".join(str(editor.query_one("#review-changes").render()).split())
        assert "oauth.client_secret: CCM never returns the client secret" in changes
        assert editor.query_one("#send").disabled
        assert patches(det_emulator, acct["acct_id"]) == []


async def test_removing_the_last_way_in_warns_and_password_edit_is_a_mod(make_app, det_emulator):
    acct = add_account(det_emulator, "Lock", roles=("MANAGER",), auth_configs=[PASSWORD])
    [cid] = acct["auth_configs"]
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        editor = await open_editor(pilot, app, "Lock")
        await to_auth_pane(pilot, editor)
        await pilot.press("x")
        await until(pilot, lambda: "locked out" in screen_text(app))
        assert "[removed] Password" in screen_text(app)
        await pilot.press("x")  # restore
        await until(pilot, lambda: "locked out" not in screen_text(app))
        await pilot.press("enter")  # edit the password config
        from ccm_tui.screens.wizard.modals import AuthEditor

        await until(pilot, lambda: isinstance(app.screen, AuthEditor))
        app.screen.query_one("#administrators_only").value = True
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is editor)
        await until(pilot, lambda: "locked out" in screen_text(app))  # admins only: warned too
        await review_and_send(pilot, app)
        warned = " ".join(str(editor.query_one("#review-warnings").render()).split())
        assert "ordinary users will be locked out" in warned
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == [{"mod_auth_configs": {
            cid: {"password": {"require_2fa": False, "administrators_only": True}}}}]


# ----------------------------------------------------------------------------- logo, faults


async def test_logo_replace_then_remove(make_app, det_emulator, tmp_path):
    import base64

    svg = tmp_path / "logo.svg"
    svg.write_bytes(base64.b64decode(SVG_LOGO))
    acct = add_account(det_emulator, "Brand", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Brand")
        await pilot.press("tab", "2")
        await until(pilot, lambda: editor.query_one("#logo-choice").has_focus)
        await pilot.press("down", "enter")  # "Replace it with a file"
        editor.query_one("#logo-path").value = str(svg)
        await review_and_send(pilot, app)
        assert "custom_logo: (none) → (new logo)" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"]) == [{"custom_logo": SVG_LOGO}]
        await until(pilot, lambda: accounts_ready(app))
        editor = await open_editor(pilot, app, "Brand")
        current = str(editor.query_one("#logo-current").render())
        assert current.startswith("Current logo:") and "SVG" in current.upper(), current
        await pilot.press("tab", "2")
        await until(pilot, lambda: editor.query_one("#logo-choice").has_focus)
        await pilot.press("down", "down", "enter")  # "Remove it"
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        assert patches(det_emulator, acct["acct_id"])[-1] == {"custom_logo": ""}
        assert "custom_logo" not in det_emulator.store.get_account(acct["acct_id"])


async def test_dropped_patch_is_confirmed_by_re_reading_and_sent_once(det_emulator_app, det_emulator):
    acct = add_account(det_emulator, "Flaky", roles=("MANAGER",))
    app = make_fault_app(det_emulator_app)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "Flaky")
        await pilot.press("end", *"2")
        det_emulator.faults.drop_after_commit(route="PATCH /v1/accounts/{account-id}")
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountEditorScreen))
        await until(pilot, lambda: any("confirmed by re-reading" in str(n.message)
                                       for n in app._notifications))
        assert patches(det_emulator, acct["acct_id"]) == [{"name": "Flaky2"}]


async def test_gateway_error_on_patch_says_not_changed_and_stays(make_app, det_emulator):
    acct = add_account(det_emulator, "Gate", roles=("MANAGER",))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, app, "Gate")
        await pilot.press("end", *"2")
        det_emulator.faults.fail_next("PATCH /v1/accounts/{account-id}", 504)
        await review_and_send(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "was not changed" in str(editor.query_one("#editor-status").render()))
        assert isinstance(app.screen, AccountEditorScreen)
        assert len(patches(det_emulator, acct["acct_id"])) == 1
        assert det_emulator.store.get_account(acct["acct_id"])["name"] == "Gate"
