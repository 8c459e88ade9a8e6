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
    failure: Exception | None = None
    if session is not None:
        try:
            await session.logout()  # deletes the cached token first; a server error is ignored
        except Exception as exc:  # noqa: BLE001 - reported below, once the login is shown
            failure = exc
            try:
                await session.client.aclose()
            except Exception:  # noqa: BLE001 - the report below is the one that matters
                pass
    # Back to the bottom of the stack. The first screen is the login, or (--demo, a session
    # handed in) the demo start or the accounts; the login then goes on top of it: switching
    # away from the first screen would empty the stack (ScreenStackError).
    while len(app.screen_stack) > 1 and not isinstance(app.screen, LoginScreen):
        await app.pop_screen()
    if not isinstance(app.screen, LoginScreen):
        await app.push_screen(LoginScreen())
    app.session_changed()
    if failure is not None:
        # The session is gone from this console either way: the screens that need it are
        # closed first, then the app's one funnel logs the failure and shows one line
        # (forgetting the remembered token may have failed).
        raise failure
    app.notify("Logged out. The remembered session (if any) was forgotten.", timeout=5)
    if app.demo and app.demo_credentials:  # the demo's password is made for this run
        email, password = app.demo_credentials
        app.notify(f"Demo server. Log in as {email} / {password}", title="DEMO", timeout=30)
