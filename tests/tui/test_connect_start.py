"""Start with the credentials given (CCM_PASSWORD / a token): one "Connecting…" line, then the
accounts; the login form only when the login fails, with the reason, nothing retried."""

from __future__ import annotations

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.screens.accounts import AccountsScreen
from ccm_tui.screens.connect import ConnectScreen
from ccm_tui.screens.login import LoginScreen

from tui_helpers import accounts_ready, add_account, screen_text, until


async def test_given_credentials_go_straight_to_the_accounts(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen_stack[0], ConnectScreen)
        await until(pilot, lambda: accounts_ready(app))
        assert isinstance(app.screen, AccountsScreen)
        assert not app.query(LoginScreen) and not any(
            isinstance(s, LoginScreen) for s in app.screen_stack)  # the form was never built
        text = screen_text(app)
        assert "alpha" in text and DEMO_EMAIL in text and DEMO_PASSWORD not in text


async def test_a_failed_login_shows_the_form_with_the_reason_once(make_app, det_emulator):
    app = make_app(password="wrong-password")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen)
                    and "wrong email or password" in screen_text(app))
        await pilot.pause()
        auths = [r for r in det_emulator.received if r.path == "/v1/sys/auth"]
        assert len(auths) == 1  # sent once, never a second time by itself
        assert app.focused is app.screen.query_one("#login-password")
        assert "wrong-password" not in screen_text(app)
