"""The shell: header markers, help, palette, keymap, too-small terminals, worker failures,
SSH-friendly defaults and the packaging smoke check."""

from __future__ import annotations

from ccm_tui.app import stylesheet_paths
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.screens.help import HelpScreen
from ccm_tui.screens.too_small import TooSmallScreen
from tui_helpers import (accounts_ready, account_listings, add_account, loading_accounts,
                         palette_run, screen_text, until)


def header(app) -> str:
    return screen_text(app).splitlines()[0]


def notifications(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)  # noqa: SLF001


async def test_demo_marker_and_credentials_shown_once(make_app):
    app = make_app(demo=True, demo_credentials=(DEMO_EMAIL, DEMO_PASSWORD))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert "DEMO" in header(app)
        assert DEMO_EMAIL in header(app)
        assert "expires 22:28" in header(app)  # token ttl 900 s after the fixed clock (UTC)
        shown = notifications(app)
        assert shown.count(DEMO_PASSWORD) == 1


async def test_insecure_and_read_only_markers(make_app):
    from ccm_tui.config import ConnectionSettings

    settings = ConnectionSettings(url="http://127.0.0.1", email=DEMO_EMAIL, insecure=True, read_only=True)
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert "INSECURE" in header(app) and "READ-ONLY" in header(app)
        await pilot.press("n")  # read-only: no wizard
        assert "read-only" in notifications(app)


async def test_help_lists_the_screen_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 50)) as pilot:  # at 80x24 the list scrolls
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Help — Accounts", "Filter", "Refresh", "Details", "New", "Select", "ctrl+p"):
            assert words in text, words
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_keymap_rebinds_by_binding_id(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app(keymap={"accounts.refresh": "f5"})
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        add_account(det_emulator, "bravo")
        listed = account_listings(det_emulator)
        await pilot.press("r")  # returns once the key was handled: a refresh would be under way
        assert not loading_accounts(app)
        assert account_listings(det_emulator) == listed
        assert "bravo" not in screen_text(app)
        await pilot.press("f5")
        await until(pilot, lambda: "bravo" in screen_text(app))


async def test_palette_offers_screen_commands(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        add_account(det_emulator, "bravo")
        await palette_run(pilot, "refresh accounts")
        await until(pilot, lambda: accounts_ready(app) and "bravo" in screen_text(app))


async def test_palette_switches_theme(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await palette_run(pilot, "ansi-light", typed="theme: ansi-light")
        await until(pilot, lambda: app.theme == "ansi-light")


async def test_too_small_terminal_shows_a_note(make_app):
    app = make_app()
    async with app.run_test(size=(50, 12)) as pilot:
        note = "Terminal too small (need 60×15, have 50×12)"
        await until(pilot, lambda: isinstance(app.screen, TooSmallScreen)
                    and note in screen_text(app))
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: accounts_ready(app))
        assert "Accounts" in screen_text(app)


async def test_unexpected_worker_failure_is_a_notification(make_app, monkeypatch):
    from ccm_tui.api.client import CcmClient

    async def broken(self, **kwargs):
        raise RuntimeError("boom")
        yield []  # an async generator, like the real one

    monkeypatch.setattr(CcmClient, "iter_account_columns", broken)  # what the table loads with
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "unexpected RuntimeError" in notifications(app))
        assert app.is_running


async def test_ssh_friendly_defaults(make_app):
    app = make_app(login=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.animation_level == "none"
        assert app.focused is not None and app.focused.cursor_blink is False


def test_every_stylesheet_is_loaded_and_bindings_have_ids():
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.help import HelpScreen as Help
    from ccm_tui.screens.login import LoginScreen
    from ccm_tui.widgets.account_table import AccountTable

    assert {p.name for p in stylesheet_paths()} >= {"app.tcss", "accounts.tcss", "details.tcss",
                                                    "login.tcss"}
    for cls in (AccountsScreen, AccountDetailsScreen, Help, LoginScreen, AccountTable):
        for binding in cls.BINDINGS:
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.key not in ("ctrl+i", "ctrl+m", "ctrl+j", "ctrl+a", "ctrl+b", "ctrl+s")


async def test_internal_error_ends_with_one_line_not_a_traceback(make_app, monkeypatch, tmp_path,
                                                                 capsys):
    """Textual would print a traceback with local variables; ours prints one line and
    keeps the details (no locals) in the private log."""
    import pytest

    from ccm_tui import logs
    from ccm_tui.screens.accounts import AccountsScreen

    log = logs.setup_file_logging(tmp_path / "ccm.log")
    secret = "hunter2-local-secret"

    def broken_refresh(self):
        password = secret  # noqa: F841 - a local that show_locals would have printed
        raise RuntimeError("refresh went wrong")

    monkeypatch.setattr(AccountsScreen, "action_refresh", broken_refresh)
    app = make_app()
    try:
        with pytest.raises(RuntimeError):
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: accounts_ready(app))
                await pilot.press("r")
                await pilot.pause()
        shown = capsys.readouterr().err  # what Textual prints as the app ends
        assert "ccm-tui stopped on an internal error (RuntimeError)" in shown
        assert "".join(str(log).split()) in "".join(shown.split())  # the path may wrap
        assert "Traceback" not in shown and secret not in shown
        written = log.read_text()
        assert "RuntimeError: refresh went wrong" in written and secret not in written
    finally:
        logs.close_file_logging()


async def test_help_lists_every_key_of_the_screen_including_the_table_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 50)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()

        def row(description: str) -> str:
            return next((l for l in lines if description in l), "")

        assert "j" in row("Down") and "k" in row("Up"), (row("Down"), row("Up"))
        assert "g" in row("First") and "G" in row("Last")


async def test_palette_offers_every_theme_including_the_default(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        default = app.theme
        await palette_run(pilot, "ansi-light", typed="theme: ansi-light")
        await until(pilot, lambda: app.theme == "ansi-light")
        await palette_run(pilot, default, typed=f"theme: {default}")
        await until(pilot, lambda: app.theme == default)
