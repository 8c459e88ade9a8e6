"""ConnectScreen: the first screen when the console starts with everything it needs to log in
(server, email and ``CCM_PASSWORD``, or a token from ``CCM_TOKEN`` / ``--token-file``).

It paints one line ("Connecting to … as …") and logs in at once; the accounts come next. The
login form is composed only if the login fails (it then shows why, and nothing is retried by
itself: a wrong password is not sent twice). Before, the whole login form was built, laid out
and painted first, only to be covered by the accounts a moment later."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ccm_tui.screens.base import CcmScreen
from ccm_tui.widgets.safe import safe


class ConnectScreen(CcmScreen):
    HELP_TITLE = "Connecting"
    HELP_TEXT = "Logging in with the credentials given at start."
    BINDINGS = [Binding("escape", "app.quit", "Quit", id="connect.quit")]
    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    ConnectScreen #connect { width: 76; max-width: 100%; height: auto; }
    ConnectScreen #connect-status { width: 100%; content-align: center middle; }
    """

    def __init__(self, password: str | None, token: str | None) -> None:
        super().__init__()
        self._password = password
        self._token = token

    def compose(self) -> ComposeResult:
        settings: Any = getattr(self.app, "settings", None)
        who = f" as {settings.email}" if getattr(settings, "email", None) and not self._token else ""
        with Vertical(id="connect"):
            yield Static(safe(f"Connecting to {getattr(settings, 'url', '')}{who}…"),
                         id="connect-status")

    def on_mount(self) -> None:
        password, token = self._password, self._token
        self._password = self._token = None  # the worker holds them while it needs them
        self.log_in(password, token)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def log_in(self, password: str | None, token: str | None) -> None:
        import asyncio

        from ccm_tui.api.errors import CcmError

        app: Any = self.app
        prefetch = getattr(app, "prefetch", None)
        # The HTTP stack is imported in a thread (the event loop paints the first frame
        # meanwhile) — not at all when the start-up helper logs in. What the accounts need
        # is imported in another while the login waits, not after it.
        await asyncio.to_thread(_import, "ccm_tui.service.session",
                                *(() if prefetch is not None else ("ccm_tui.api.client",)))
        warm = asyncio.ensure_future(asyncio.to_thread(_import, "ccm_tui.screens.accounts",
                                                       "ccm_tui.service.accounts"))
        try:
            try:
                session, pages = await login_from_helper(
                    app, prefetch, password, lambda: self._own_login(password, token))
            finally:
                await warm
        except CcmError as exc:
            from ccm_tui.screens.login import login_failure

            self._show_login(*login_failure(exc, token=bool(token)))
            return
        from ccm_tui.screens.accounts import AccountsScreen

        app.session = session
        app.session_changed()
        note = getattr(session, "token_store_note", None)
        if note:  # where "remember session" keeps the token (said once), or why it cannot
            app.notify(note, timeout=8, severity="warning" if "could not" in note else "information")
        if app.demo and app.demo_credentials:
            email_, password_ = app.demo_credentials
            app.notify(f"Demo server. Log in as {email_} / {password_}", title="DEMO", timeout=15)
        app.push_screen(AccountsScreen(session, pages))

    async def _own_login(self, password: str | None, token: str | None) -> Any:
        from ccm_tui.service.session import open_session

        app: Any = self.app
        return await open_session(app.settings, password=password, token=token,
                                  transport=app.transport, remember=app.remember)

    def _show_login(self, message: str, focus: str) -> None:
        from ccm_tui.screens.login import LoginScreen

        login = LoginScreen()
        # (switching away from the first screen would empty the stack: the form goes on top)
        self.app.push_screen(login)
        login.call_after_refresh(login.show_error, message, focus)


async def login_from_helper(app: Any, prefetch: Any, password: str | None,
                            own_login: Callable[[], Awaitable[Any]]) -> tuple[Any, Any]:
    """(session, its pages) from the start-up helper's login (service/prefetch; with --demo,
    the demo server's own); raises the CcmError it met. With no helper, or one gone without
    saying, the console logs in itself: (``await own_login()``, None)."""
    if prefetch is not None:
        kind, value = await prefetch.login()
        app.prefetch = None  # used once: a later login is this process's own
        if kind == "error":
            raise value
        if kind == "session":
            return _adopt(app, prefetch, value, password)
    return await own_login(), None


def accounts_if_logged_in(app: Any) -> Any:
    """The accounts screen, to show first, when the start-up helper (service/prefetch) has
    already logged in by the time the first screen is chosen: no "Connecting" frame before
    the rows. None otherwise (ConnectScreen then waits for it, or logs in)."""
    prefetch = getattr(app, "prefetch", None)
    if prefetch is None:
        return None
    outcome = prefetch.poll_login()
    if outcome is None or outcome[0] != "session":
        return None
    from ccm_tui.screens.accounts import AccountsScreen

    password, _token = app.take_auto_credentials()
    app.prefetch = None
    app.session, pages = _adopt(app, prefetch, outcome[1], password)
    app.session_changed()
    return AccountsScreen(app.session, pages)


def _adopt(app: Any, prefetch: Any, login: dict[str, Any], password: str | None
           ) -> tuple[Any, Any]:
    """The session of the helper's login (its client made later) and the helper's pages."""
    from ccm_tui.service.session import adopt_session

    session = adopt_session(app.settings, login, password=password, transport=app.transport,
                            records=prefetch.send_records_to)
    return session, prefetch.pages()


def _import(*modules: str) -> None:
    from importlib import import_module

    for name in modules:
        import_module(name)
