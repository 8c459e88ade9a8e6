"""DemoStartScreen: the first frame of ``ccm-tui --demo`` while the embedded emulator starts.

The emulator runs in a child process started before textual is imported
(``ccm_tui.startup.StartPlan.spawn_demo``); this screen paints "Starting the demo server…" at
once and waits for it from a thread (tests start it in-process instead). Then it logs in
with the demo credentials."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ccm_tui.screens.base import CcmScreen


class DemoStartScreen(CcmScreen):
    HELP_TITLE = "Demo"
    HELP_TEXT = "Starting the embedded demo server on a loopback port."
    BINDINGS = [Binding("escape", "app.quit", "Quit", id="demo.quit")]
    DEFAULT_CSS = """
    DemoStartScreen { align: center middle; }
    DemoStartScreen #demo-start { width: 76; max-width: 100%; height: auto; }
    DemoStartScreen #demo-start-status { width: 100%; content-align: center middle; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="demo-start"):
            yield Static("Starting the demo server…", id="demo-start-status")

    def on_mount(self) -> None:
        self.start_server()

    @work(thread=True, exclusive=True, group="demo-start", exit_on_error=False)
    def start_server(self) -> None:
        app = self.app
        try:
            # Warm what the login and the accounts screen import, here rather than on the
            # event loop, while the demo server (a child process since the launch) starts.
            import ccm_tui.screens.accounts  # noqa: F401
            import ccm_tui.service.accounts  # noqa: F401 - the table's loader (models)
            import ccm_tui.service.session  # noqa: F401

            settings, credentials = app.launch_demo()
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
            return
        app.call_from_thread(self._started, settings, credentials)

    def _failed(self, message: str) -> None:
        from ccm_tui.widgets.safe import safe

        self.query_one("#demo-start-status", Static).update(
            safe(f"Could not start the demo server: {message}") + "\nPress escape to quit."
        )

    def _started(self, settings: Any, credentials: tuple[str, str]) -> None:
        app = self.app
        app.demo_started(settings, credentials)
        self.query_one("#demo-start-status", Static).update("Logging in to the demo server…")
        self.login_demo(settings, credentials)

    @work(exclusive=True, group="demo-login", exit_on_error=False)
    async def login_demo(self, settings: Any, credentials: tuple[str, str]) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.screens.connect import login_from_helper
        from ccm_tui.screens.login import LoginScreen
        from ccm_tui.service.session import open_session

        app = self.app
        email, password = credentials
        try:
            # The demo server's login for this console if it made one, else this console's.
            session, pages = await login_from_helper(
                app, app.take_demo_login(), password,
                lambda: open_session(settings, password=password, transport=app.transport,
                                     remember=app.remember))
        except CcmError:
            # The login form logs in with the demo credentials again and shows the error.
            app.set_auto_password(password)
            app.push_screen(LoginScreen())  # (switching away from the first screen empties the stack)
            return
        from ccm_tui.screens.accounts import AccountsScreen

        app.session = session
        app.session_changed()
        app.notify(f"Demo server. Log in as {email} / {password}", title="DEMO", timeout=15)
        app.push_screen(AccountsScreen(session, pages))
