"""Keys that arrive in one burst (paste, fast typing over SSH) right after a key that opens
a dialog reach the dialog: none is lost while it opens."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from wizard_helpers import SIZE, open_wizard, type_text, wait_for


def target(app) -> str | None:
    """The Target id typed in the open dialog (None while it is not there yet)."""
    fields = app.screen.query("#target_id")
    return fields.first(Input).value if fields else None


def burst(app, keys: str) -> None:
    """Deliver every key at once, as a terminal read of a pasted or fast-typed chunk does
    (Pilot.press waits for the app to go idle between keys; a burst does not)."""
    for ch in keys:
        event = events.Key("enter", "\r") if ch == "\n" else events.Key(ch, ch)
        event.set_sender(app)
        app._driver.send_message(event)  # noqa: SLF001


async def _to_auth_step(pilot):
    wiz = await open_wizard(pilot)
    await type_text(pilot, "Bursty")
    await pilot.press("enter", "enter")
    await wait_for(pilot, lambda: wiz.step == 2)
    return wiz


async def test_typed_burst_after_c_lands_in_the_cluster_ref_dialog(make_app):
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _to_auth_step(pilot)
        burst(app, "cabcdef")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor) and target(app) == "abcdef",
                       timeout=5)


async def test_typed_burst_after_e_lands_in_the_editor(make_app):
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_auth_step(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        await type_text(pilot, "t1")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is wiz and len(wiz.form.auths) == 1)
        wiz.query_one("#auth-list").focus()
        await pilot.pause()
        burst(app, "exyz")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor) and target(app) == "t1xyz",
                       timeout=5)


async def test_a_pasted_burst_with_enters_fills_one_field_after_another(make_app):
    """'Okta⏎https://…⏎' in one read: each Enter moves on before the next characters land."""
    from ccm_tui.screens.wizard.modals import AuthEditor

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _to_auth_step(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor) and app.screen.query("#idp_name"))
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#idp_name"))
        editor = app.screen
        burst(app, "Okta\nicon\nauth\ntok\n\ncid\n")
        values = lambda: [editor.query_one(f"#{k}", Input).value for k in (  # noqa: E731
            "idp_name", "idp_icon_url", "idp_authorization_endpoint", "idp_token_endpoint",
            "idp_userinfo_endpoint", "client_id")]
        await wait_for(pilot, lambda: values() == ["Okta", "icon", "auth", "tok", "", "cid"], timeout=5)
        assert app.focused is editor.query_one("#client_secret")
