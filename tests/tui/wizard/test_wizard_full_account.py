"""A fully configured account entered through the wizard arrives at the emulator exactly
as entered: password + OAuth (TLS required, pinned CA, client cert and key) + cluster ref
+ logo, with the files base64-encoded and the client secret revealed only on the wire."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, RadioButton, Select

from wizard_helpers import (
    SIZE, b64, make_cert, open_wizard, previews_shown, tiny_png, type_text, wait_for,
)

OAUTH = {
    "idp_name": "Corp SSO",
    "idp_icon_url": "https://idp.example.com/icon.png",
    "idp_authorization_endpoint": "https://idp.example.com/authorize",
    "idp_token_endpoint": "https://idp.example.com/token",
    "idp_userinfo_endpoint": "https://idp.example.com/userinfo",
    "client_id": "ccm-console",
    "client_secret": "s3cr3t-Value!",
}


async def test_full_account_arrives_exactly_as_entered(make_app, emulator, tmp_path):
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.wizard.modals import AuthEditor

    png = tiny_png(tmp_path / "logo.png")
    ca_pem, _ = make_cert(tmp_path / "ca.pem", "Pinned CA")
    cert_pem, key_pem = make_cert(tmp_path / "client.pem", "client", key_path=tmp_path / "client.key")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        # 1 Basics
        await type_text(pilot, "Full house")
        wiz.query_one("#component", Select).value = "CONFIDENTIAL_AI"
        wiz.query_one("#disable-attestation", Checkbox).value = True
        await pilot.pause()
        assert wiz.focused is wiz.query_one("#confirm", Input)  # the box asks for the word
        await type_text(pilot, "DISABLE")
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 1
        # 2 Logo
        wiz.query_one("#logo-path", Input).value = str(tmp_path / "logo.png")
        await previews_shown(pilot, wiz)  # read and decoded off the event loop
        assert "PNG" in str(wiz.query_one("#logo-info").render())
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 2
        # 3 Auth: password, OAuth, cluster ref
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        app.screen.query_one("#require_2fa", Checkbox).value = True
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is wiz)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        editor = app.screen
        for key, value in OAUTH.items():
            editor.query_one(f"#{key}", Input).value = value
        assert editor.query_one("#client_secret", Input).password  # masked while typed
        editor.query_one("#idp_requires_basic_auth", Checkbox).value = True
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is wiz)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        await type_text(pilot, "cluster-auth-7")
        await pilot.press("enter")  # Enter on the last field saves
        await wait_for(pilot, lambda: app.screen is wiz)
        assert len(wiz.form.auths) == 3
        wiz.pane(2).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 3
        # 4 TLS of the OAuth config (index 1): required (default), pinned CA, client cert+key
        wiz.query_one("#tls1-ca-pinned", RadioButton).value = True
        await pilot.pause()
        wiz.query_one("#tls1-pinned", Input).value = str(tmp_path / "ca.pem")
        wiz.query_one("#tls1-cert", Input).value = str(tmp_path / "client.pem")
        wiz.query_one("#tls1-key", Input).value = str(tmp_path / "client.key")
        await previews_shown(pilot, wiz)
        assert "CN=Pinned CA" in str(wiz.query_one("#tls1-pinned-info").render())
        wiz.pane(3).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 4
        # 5 Review: secrets masked on screen
        review_text = " ".join(str(w.render()) for w in wiz.pane(4).query("Static"))
        assert OAUTH["client_secret"] not in review_text
        assert "**********" in review_text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))

    posts = [r for r in emulator.received if r.method == "POST" and r.path == "/v1/accounts"]
    assert len(posts) == 1
    oauth = dict(OAUTH)
    oauth["idp_requires_basic_auth"] = True
    oauth["tls"] = {
        "required": {
            "validate_hostname": True,
            "ca": {"pinned": [b64(ca_pem)]},
            "client_cert": b64(cert_pem),
            "client_key": b64(key_pem),
        }
    }
    assert posts[0].body == {
        "name": "Full house",
        "component": "CONFIDENTIAL_AI",
        "node_enrollment": {"attestation_enforcement_disabled_insecure": True},
        "custom_logo": b64(png),
        "auth_configs": [
            {"password": {"require_2fa": True, "administrators_only": False}},
            {"oauth": oauth},
            {"cluster_auth_ref": {"target_id": "cluster-auth-7"}},
        ],
    }
