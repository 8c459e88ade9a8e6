"""Login: the first frame, a good login, a bad password (fields kept), token mode."""

from __future__ import annotations

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.screens.accounts import AccountsScreen
from ccm_tui.screens.login import LoginScreen
from ccm_tui.widgets.inputs import QuietInput

from tui_helpers import accounts_ready, add_account, screen_text, until


async def test_login_with_password_lands_on_accounts(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert app.query_one("#login-url", QuietInput).value == "http://127.0.0.1"
        assert app.query_one("#login-email", QuietInput).value == DEMO_EMAIL
        # The password field is focused (url and email are prefilled) and masked.
        assert app.focused is app.query_one("#login-password")
        await pilot.press(*DEMO_PASSWORD, "enter")
        await until(pilot, lambda: accounts_ready(app))
        assert isinstance(app.screen, AccountsScreen)
        text = screen_text(app)
        assert DEMO_EMAIL in text and "alpha" in text
        assert DEMO_PASSWORD not in text


async def test_password_is_masked_on_screen(make_app):
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"hunter2secret")
        assert "hunter2secret" not in screen_text(app)


async def test_bad_password_shows_message_and_keeps_fields(make_app):
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"wrong-password", "enter")
        await until(pilot, lambda: "Login failed" in screen_text(app))
        assert isinstance(app.screen, LoginScreen)
        text = screen_text(app)
        assert "wrong email or password" in text
        assert "wrong-password" not in text
        assert app.query_one("#login-url", QuietInput).value == "http://127.0.0.1"
        assert app.query_one("#login-email", QuietInput).value == DEMO_EMAIL
        assert app.query_one("#login-password", QuietInput).value == "wrong-password"
        assert app.session is None


async def test_missing_fields_are_named(make_app):
    from ccm_tui.config import ConnectionSettings

    app = make_app(login=False, settings=ConnectionSettings(url=""))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert "Server URL: required" in screen_text(app)
        await pilot.press(*"ftp://x", "enter")
        assert "Server URL: must be an http(s) URL" in screen_text(app)


async def test_token_mode_logs_in_with_a_pasted_token(make_app, det_transport):
    import httpx

    # Obtain a token as a browser would (Basic login), then paste it.
    async with httpx.AsyncClient(transport=det_transport, base_url="http://127.0.0.1") as http:
        response = await http.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        token = response.json()["access_token"]
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        assert "Bearer token" in screen_text(app)
        app.query_one("#login-token", QuietInput).value = token
        await pilot.press("ctrl+l")
        await until(pilot, lambda: accounts_ready(app))
        assert token not in screen_text(app)


async def test_rejected_token_is_reported(make_app):
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        app.query_one("#login-token", QuietInput).value = "not-a-real-token"
        await pilot.press("ctrl+l")
        await until(pilot, lambda: "Login failed" in screen_text(app))
        assert "token rejected or expired" in screen_text(app)
        assert "not-a-real-token" not in screen_text(app)


async def test_checkbox_state_is_visible_without_colour(make_app, monkeypatch):
    """NO_COLOR / ansi themes: on and off differ by their characters, not only by colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "remember session" in screen_text(app))
        assert "[ ] remember session" in screen_text(app)
        app.query_one("#login-remember").focus()
        await pilot.press("space")
        await until(pilot, lambda: "[x] remember session" in screen_text(app))
