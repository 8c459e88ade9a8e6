"""Log out (palette: "Log out"): end the session on the server, forget the remembered token,
and go back to the login screen. The HTTP goes through ``Session.logout`` in a worker."""

from __future__ import annotations

from typing import Any


def start_logout(app: Any) -> None:
    app.run_worker(log_out(app), group="logout", exclusive=True, exit_on_error=False)


async def log_out(app: Any) -> None:
    from ccm_tui.screens.login import LoginScreen

    session = app.session
    app.session = None
    app.selected_account_name = None
    if session is not None:
        await session.logout()  # deletes the cached token first; a server error is ignored
    # Back to the bottom of the stack. The first screen is the login, or (--demo, a session
    # handed in) the demo start or the accounts; the login then goes on top of it: switching
    # away from the first screen would empty the stack (ScreenStackError).
    while len(app.screen_stack) > 1 and not isinstance(app.screen, LoginScreen):
        await app.pop_screen()
    if not isinstance(app.screen, LoginScreen):
        await app.push_screen(LoginScreen())
    app.session_changed()
    app.notify("Logged out. The remembered session (if any) was forgotten.", timeout=5)
    if app.demo and app.demo_credentials:  # the demo's password is made for this run
        email, password = app.demo_credentials
        app.notify(f"Demo server. Log in as {email} / {password}", title="DEMO", timeout=30)
