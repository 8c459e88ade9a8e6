"""One funnel for failed workers (issue 11 #5): whichever screen's (or the app's own) worker
raises, the traceback goes to the private log, one plain line goes on screen, once, and the
console keeps running. No traceback and no exception text (it may hold a secret) on screen."""

from __future__ import annotations

import pytest

from ccm_tui import logs
from tui_helpers import accounts_ready, screen_text, until

SECRET = "hunter2-in-the-exception"


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


@pytest.fixture
def log_file(tmp_path):
    path = logs.setup_file_logging(tmp_path / "ccm.log")
    yield path
    logs.close_file_logging()


def assert_reported_once(app, log_file, error_name: str) -> None:
    shown = notifications(app)
    assert sum(f"unexpected {error_name}" in n for n in shown) == 1, shown
    assert not any(SECRET in n or "Traceback" in n for n in shown), shown
    assert "Traceback" not in screen_text(app) and SECRET not in screen_text(app)
    written = log_file.read_text()
    assert "Traceback (most recent call last)" in written
    assert f"{error_name}: " in written


async def test_a_failing_logout_shows_one_line_and_the_console_keeps_running(make_app, monkeypatch,
                                                                            log_file):
    from ccm_tui.screens.logout import start_logout
    from ccm_tui.service.session import Session

    async def broken_logout(self):
        raise RuntimeError(f"logout broke {SECRET}")

    monkeypatch.setattr(Session, "logout", broken_logout)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        start_logout(app)  # what the palette's "Log out" runs: a worker on the app itself
        await until(pilot, lambda: any("unexpected RuntimeError" in n for n in notifications(app)))
        await pilot.pause()
        assert app.is_running and app._exception is None  # noqa: SLF001
        assert_reported_once(app, log_file, "RuntimeError")
        # The session is gone either way: the operator is on the login form, not left on
        # an accounts screen that has no session behind it.
        from ccm_tui.screens.login import LoginScreen

        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert not any(n.startswith("Logged out") for n in notifications(app))


async def test_the_sessions_token_in_an_exception_never_reaches_the_log(make_app, log_file):
    """An exception whose text happens to hold the session's token (or the password) is
    logged with the token masked."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        token = app.session.client.access_token.get_secret_value()
        assert len(token) >= 8

        async def leaky() -> None:
            raise RuntimeError(f"could not read {token} as a number")  # no key word near it

        worker = app.screen.run_worker(leaky(), group="test-leaky", exit_on_error=False)
        await until(pilot, lambda: worker.is_finished)
        await until(pilot, lambda: "RuntimeError" in log_file.read_text())
    written = log_file.read_text()
    assert "could not read" in written and "as a number" in written
    assert token not in written


async def test_a_worker_left_with_textuals_exit_on_error_is_reported_not_fatal(make_app, log_file):
    """Textual ends the app (with a traceback) when a default worker raises; ours reports it
    once, even though the screen's own handler sees the same failure too."""

    async def boom() -> None:
        raise ValueError(f"widget worker broke {SECRET}")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        worker = app.screen.run_worker(boom(), group="test-default")  # exit_on_error=True
        await until(pilot, lambda: worker.is_finished)
        await until(pilot, lambda: any("unexpected ValueError" in n for n in notifications(app)))
        await pilot.pause()
        assert app.is_running and app._exception is None  # noqa: SLF001
        assert_reported_once(app, log_file, "ValueError")


async def test_a_failing_status_change_is_one_line_and_the_dialog_can_be_closed(make_app, det_emulator,
                                                                               monkeypatch, log_file):
    """The lifecycle dialogs had no handler: a failure left "Sending…" on screen for good."""
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.lifecycle import StatusDialog
    from ccm_tui.service import account_update
    from tui_helpers import add_account

    async def broken(*args, **kwargs):
        raise RuntimeError(f"status broke {SECRET}")

    add_account(det_emulator, "Toggle me", roles=("MANAGER",))
    monkeypatch.setattr(account_update, "set_account_status", broken)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        table = app.screen.table
        table.move_cursor(next(i for i, r in enumerate(table.rows) if r.name == "Toggle me"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and app.screen.account is not None)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, StatusDialog))
        await pilot.press("y")
        await until(pilot, lambda: "may or may not have been made" in screen_text(app))
        assert_reported_once(app, log_file, "RuntimeError")
        await pilot.press("escape")  # no longer busy: the dialog closes
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        assert app.is_running
