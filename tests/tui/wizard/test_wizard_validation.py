"""Every step validates when left forward and shows errors beside the field; going back is
never blocked; Escape on step 1 asks to leave and keeps the draft."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, RadioButton

from wizard_helpers import SIZE, error_text, open_wizard, type_text, wait_for


async def test_basics_name_and_confirmation_errors(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await pilot.press("enter")  # empty name
        await pilot.pause()
        assert wiz.step == 0
        assert "must not be empty" in error_text(wiz, "name")
        await type_text(pilot, "Ok name")
        wiz.query_one("#disable-attestation", Checkbox).value = True
        await pilot.pause()
        await type_text(pilot, "disable")  # wrong case: refused
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 0
        assert error_text(wiz, "name") == ""
        assert "type DISABLE" in error_text(wiz, "node_enrollment-confirm")


async def test_logo_errors_inline_and_back_not_blocked(make_app, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 131072)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Logo test")
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 1
        for path, expected in (
            (tmp_path / "missing.png", "does not exist"),
            (tmp_path, "directory"),
            (tmp_path / "notes.txt", "PNG, JPEG or SVG"),
            (big, "131072"),
        ):
            wiz.query_one("#logo-path", Input).value = str(path)
            wiz.query_one("#logo-path", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert wiz.step == 1, path
            assert expected in error_text(wiz, "custom_logo"), (path, error_text(wiz, "custom_logo"))
        wiz.pane(1).focus()
        await pilot.press("escape")  # back with an invalid step: allowed
        await pilot.pause()
        assert wiz.step == 0
        assert wiz.form.logo_path == str(big)  # nothing typed is lost
        assert wiz.query_one("#name", Input).value == "Logo test"


async def test_auth_editor_errors_beside_fields(make_app):
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Auth test")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert wiz.step == 2
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        editor = app.screen
        editor.query_one("#idp_name", Input).value = "IdP"
        editor.query_one("#idp_icon_url", Input).value = "http://idp.example.com/i.png"
        editor.query_one("#idp_authorization_endpoint", Input).value = "not a url"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is editor  # not saved
        text = lambda k: editor.query_one(f"#err-oauth-{k}").text  # noqa: E731
        assert "https" in text("idp_icon_url")
        assert "URL" in text("idp_authorization_endpoint") or "https" in text("idp_authorization_endpoint")
        assert "required" in text("client_id") or "empty" in text("client_id")
        assert "client secret" in text("client_secret")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wiz)
        assert wiz.form.auths == []


async def test_tls_errors_and_lockout_warning(make_app, tmp_path):
    from ccm_tui.service.account_form import AuthEntry, OauthForm

    (tmp_path / "garbage.pem").write_text("not a certificate")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "TLS test")
        await pilot.press("enter", "enter")
        await pilot.pause()
        wiz.form.auths.append(AuthEntry(kind="password", administrators_only=True))
        wiz._render_auth()
        await pilot.pause()
        assert "locked out" in str(wiz.query_one("#auth-warnings").render())  # a warning…
        wiz.form.auths.append(AuthEntry(kind="oauth", oauth=OauthForm(
            idp_name="I", idp_icon_url="https://i/x", idp_authorization_endpoint="https://i/a",
            idp_token_endpoint="https://i/t", client_id="c", client_secret="s")))
        wiz._render_auth()
        wiz.pane(2).focus()
        await pilot.press("enter")  # …not a block
        await pilot.pause()
        assert wiz.step == 3
        wiz.query_one("#tls1-ca-pinned", RadioButton).value = True
        await pilot.pause()
        wiz.query_one("#tls1-pinned", Input).value = str(tmp_path / "garbage.pem")
        wiz.query_one("#tls1-key", Input).value = str(tmp_path / "nokey.pem")
        wiz.pane(3).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 3
        assert "certificate" in error_text(wiz, "auth_configs-1--oauth-tls-required-ca-pinned")
        assert "does not exist" in error_text(wiz, "auth_configs-1--oauth-tls-required-client_key")
        await pilot.press("escape")
        await pilot.pause()
        assert wiz.step == 2


async def test_tls_step_explains_when_there_is_no_oauth(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "No oauth")
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert wiz.step == 3
        assert "has none" in str(wiz.query_one("#tls-none").render())


async def test_escape_on_an_untouched_wizard_leaves_at_once(make_app, home):
    """Nothing typed or chosen: Esc goes back to the list with no question, and no draft
    is written. One character typed and the question is back (the next test)."""
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import ConfirmLeave
    from ccm_tui.service.drafts import load_draft

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        await type_text(pilot, "x")
        await pilot.press("backspace")  # typed, then taken back: untouched again
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        await type_text(pilot, "x")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("n")  # stay
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        await wait_for(pilot, lambda: load_draft() is not None)
    draft = load_draft()
    assert draft is not None and draft.name == "x"  # the one with something in it


async def test_escape_on_first_step_asks_and_keeps_draft(make_app, home):
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.wizard.modals import ConfirmLeave
    from ccm_tui.service.drafts import load_draft

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await type_text(pilot, "Keep me")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
    draft = load_draft()
    assert draft is not None and draft.name == "Keep me"
