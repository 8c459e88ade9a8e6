""""Remember session": the token — never the password — is kept in a 0600 file under
CCM_TUI_HOME; the next start resumes without asking for the password; logging out or an
expired token removes the file. Real console (Pilot) against the in-process emulator, whose
clock starts at the real time so the cached expiry is in the future."""

from __future__ import annotations

import json
import stat
import time

import httpx
import pytest

from ccm_tui.app import create_app
from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, ManualClock
from ccm_tui.emulator import create_app as create_emulator
from ccm_tui.screens.accounts import AccountsScreen
from ccm_tui.screens.login import LoginScreen
from ccm_tui.widgets.inputs import QuietInput
from textual.widgets import Checkbox

from tui_helpers import SERVER, accounts_ready, add_account, palette_run, screen_text, until

SIZE = (80, 24)


@pytest.fixture
def emulator_app():
    app = create_emulator(clock=ManualClock(time.time()), id_seed=11)
    add_account(app.state.emulator, "alpha")
    yield app
    app.state.emulator.store.close()


@pytest.fixture
def start(emulator_app):
    """A fresh console process, as far as the app is concerned: no password given."""

    def factory():
        return create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                          transport=httpx.ASGITransport(app=emulator_app))

    return factory


def token_files(home):
    folder = home / "state" / "tokens"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def logins(emulator) -> int:
    return sum(1 for r in emulator.received if r.method == "POST" and r.path == "/v1/sys/auth")


async def log_in(pilot, *, remember: bool) -> str:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, LoginScreen) and all(w.is_finished for w in app.workers))
    assert app.focused is app.query_one("#login-password")
    app.query_one("#login-remember", Checkbox).value = remember
    await pilot.press(*DEMO_PASSWORD, "enter")
    await until(pilot, lambda: accounts_ready(app))
    return app.session.client.access_token.get_secret_value()


async def test_remembered_token_not_password_lands_in_a_0600_file(start, private_home):
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        token = await log_in(pilot, remember=True)
    [path] = token_files(private_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert json.loads(text)["access_token"] == token
    assert DEMO_PASSWORD not in text
    assert str(private_home) in str(path)


async def test_not_ticked_nothing_is_kept(start, private_home):
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, remember=False)
    assert token_files(private_home) == []


async def test_next_start_resumes_without_the_password(start, private_home, emulator_app):
    emulator = emulator_app.state.emulator
    async with start().run_test(size=SIZE) as pilot:
        token = await log_in(pilot, remember=True)
    assert logins(emulator) == 1

    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert isinstance(app.screen, AccountsScreen)
        assert "alpha" in screen_text(app)
        assert app.session.client.access_token.get_secret_value() == token
    assert logins(emulator) == 1  # no second password login
    assert len(token_files(private_home)) == 1


async def test_logout_forgets_the_token_and_ends_the_server_session(start, private_home, emulator_app):
    emulator = emulator_app.state.emulator
    async with start().run_test(size=SIZE) as pilot:
        token = await log_in(pilot, remember=True)

    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await palette_run(pilot, "Log out")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.session is None)
        assert app.query_one("#login-password", QuietInput).value == ""
    assert token_files(private_home) == []
    assert emulator.authenticate(token) is None  # the server session is over too

    app = start()  # and the next start asks again
    async with app.run_test(size=SIZE) as pilot:
        # The login screen tries a remembered token as it mounts: wait for that try to end.
        await until(pilot, lambda: isinstance(app.screen, LoginScreen)
                    and not any(w.group == "login" and not w.is_finished for w in app.workers))
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None


async def test_expired_token_is_removed_and_the_password_asked(start, private_home, emulator_app):
    emulator = emulator_app.state.emulator
    async with start().run_test(size=SIZE) as pilot:
        await log_in(pilot, remember=True)
    assert len(token_files(private_home)) == 1
    emulator.clock.advance(emulator.token_ttl + 60)  # the server no longer accepts it

    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: all(w.is_finished for w in app.workers))
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert app.focused is app.query_one("#login-password")
    assert token_files(private_home) == []


async def test_token_expired_by_its_own_date_is_removed_without_asking_the_server(
        start, private_home, emulator_app):
    async with start().run_test(size=SIZE) as pilot:
        await log_in(pilot, remember=True)
    [path] = token_files(private_home)
    data = json.loads(path.read_text())
    data["session_token_expires_at"] = int(time.time()) - 10
    path.write_text(json.dumps(data))
    before = len(emulator_app.state.emulator.received)

    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: all(w.is_finished for w in app.workers))
        assert isinstance(app.screen, LoginScreen) and app.session is None
    assert token_files(private_home) == []
    assert len(emulator_app.state.emulator.received) == before


async def test_with_an_os_keyring_the_console_keeps_the_token_there_and_says_so(
        start, private_home, emulator_app, memory_keyring, monkeypatch):
    from ccm_tui.service import token_store

    monkeypatch.setattr(token_store, "_announced", set())
    emulator = emulator_app.state.emulator
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        token = await log_in(pilot, remember=True)
        await until(pilot, lambda: any("OS keyring" in str(n.message)
                                       for n in app._notifications))  # noqa: SLF001
    assert any(token in v for v in memory_keyring.entries.values())
    assert token_files(private_home) == []
    assert not [p for p in private_home.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]

    app = start()  # the next start resumes from the keyring, without the password
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert app.session.client.access_token.get_secret_value() == token
    assert logins(emulator) == 1


async def test_a_slow_token_write_does_not_freeze_the_login_screen(
        start, private_home, monkeypatch):
    """The remembered token is written in a thread: keys typed while the keyring or the
    disk is slow still reach the field, and the login completes once the write does."""
    import threading

    from ccm_tui.service import token_store

    writing, release, written = threading.Event(), threading.Event(), threading.Event()
    real = token_store.save_token

    def slow_save(*args, **kwargs):
        writing.set()
        release.wait(15)  # a blocked event loop could not type during these 15 s
        try:
            return real(*args, **kwargs)
        finally:
            written.set()

    monkeypatch.setattr(token_store, "save_token", slow_save)
    app = start()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen)
                    and all(w.is_finished for w in app.workers))
        app.query_one("#login-remember", Checkbox).value = True
        await pilot.press(*DEMO_PASSWORD, "enter")
        await until(pilot, writing.is_set)
        field = app.query_one("#login-password", QuietInput)
        await pilot.press("x")
        await until(pilot, lambda: field.value == DEMO_PASSWORD + "x", timeout=3)
        assert not written.is_set() and isinstance(app.screen, LoginScreen)
        release.set()
        await until(pilot, lambda: accounts_ready(app))
    assert written.is_set() and len(token_files(private_home)) == 1
