"""The OAuth editor at 80×24: a failed Save moves focus to the first field in error and
shows it with its error (it used to stay below the visible part, so Save seemed to do
nothing); required fields say so."""

from __future__ import annotations

from textual.widgets import Input

from tui_helpers import screen_text
from wizard_helpers import SIZE, open_wizard, type_text, wait_for

FILLED = {
    "idp_name": "Okta",
    "idp_icon_url": "https://idp.example/icon.png",
    "idp_authorization_endpoint": "https://idp.example/authorize",
    "idp_token_endpoint": "https://idp.example/token",
    "client_id": "ccm-client",
}


async def _open_oauth_editor(pilot):
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = pilot.app
    wiz = await open_wizard(pilot)
    await type_text(pilot, "Small")
    await pilot.press("enter", "enter")
    await wait_for(pilot, lambda: wiz.step == 2)
    await pilot.press("o")
    await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor) and app.screen.query("#idp_name"))
    return app.screen


async def test_failed_save_focuses_and_shows_the_field_in_error(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_oauth_editor(pilot)
        for key, value in FILLED.items():
            editor.query_one(f"#{key}", Input).value = value
        assert app.focused is editor.query_one("#idp_name")
        await pilot.press("ctrl+o")  # the client secret is missing: at the bottom
        secret = editor.query_one("#client_secret", Input)
        await wait_for(pilot, lambda: app.focused is secret
                       and "paste the client secret" in screen_text(app))
        assert app.screen is editor  # not saved


async def test_failed_save_with_the_first_field_empty_goes_back_up(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_oauth_editor(pilot)
        editor.query_one("#client_secret", Input).focus()  # scrolled to the bottom
        await pilot.pause()
        await pilot.press("ctrl+o")
        error = editor.query_one("#err-oauth-idp_name")
        await wait_for(pilot, lambda: app.focused is editor.query_one("#idp_name") and error.text)
        await pilot.pause()
        assert error.text.lstrip("⚠ ") in screen_text(app)


async def test_required_oauth_fields_are_marked(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_oauth_editor(pilot)
        text = "\n".join(str(label.render()) for label in editor.query("#auth-editor-body > Label"))
        for label in ("IdP name (required)", "IdP icon URL (required)",
                      "Authorization endpoint (required)", "Token endpoint (required)",
                      "Userinfo endpoint (optional)", "Client id (required)",
                      "Client secret (required)"):
            assert label in text, label


async def test_tls_disabled_hides_the_fields_that_do_not_apply(make_app):
    from ccm_tui.service.account_form import AuthEntry, OauthForm

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Tls")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: wiz.step == 2)
        wiz.form.auths.append(AuthEntry(kind="oauth", oauth=OauthForm(
            idp_name="Okta", idp_icon_url="https://i/x.png", idp_authorization_endpoint="https://i/a",
            idp_token_endpoint="https://i/t", client_id="cid", client_secret="s")))
        wiz.pane(2).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wiz.step == 3 and wiz.query("#tls0-mode-disabled"))
        await wait_for(pilot, lambda: "Validate hostname" in screen_text(app))
        wiz.query_one("#tls0-mode-disabled").value = True
        await wait_for(pilot, lambda: "Validate hostname" not in screen_text(app)
                       and "Client certificate file" not in screen_text(app))
        wiz.query_one("#tls0-mode-required").value = True
        await wait_for(pilot, lambda: "Validate hostname" in screen_text(app))
