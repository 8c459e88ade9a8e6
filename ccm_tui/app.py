"""CcmApp: the Textual application shell. Thin on purpose: screens live in
``ccm_tui/screens``, widgets in ``ccm_tui/widgets``; requests go through ``ccm_tui.service``.

Entry points:
    create_app(...)   the factory the tests reuse (inject a Session, or settings + transport)
    run_app(options)  start in this terminal (ccm_tui.startup.run_console)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed, WorkerState

import ccm_tui

if TYPE_CHECKING:  # not imported at start-up: only the type checker needs them
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.screens.too_small import TooSmallScreen
    from ccm_tui.service.session import Session

MIN_WIDTH, MIN_HEIGHT = 60, 15
THEMES = ("ansi-dark", "ansi-light")


#: The product's stylesheets, by name (a test checks the list against the folder). The
#: folder is found when the app is built, not when this module is imported.
STYLESHEETS = ("accounts.tcss", "app.tcss", "details.tcss", "login.tcss", "members.tcss",
               "wizard.tcss")


def styles_dir() -> Path:
    """The .tcss folder: inside the wheel (``ccm_tui/styles``) or the checkout's ``styles/``."""
    here = Path(ccm_tui.__file__).parent
    packaged = here / "styles"
    if packaged.is_dir():
        return packaged
    return here.parent / "styles"


def stylesheet_paths() -> list[str | PurePath]:
    """Every stylesheet of the product, in a stable order."""
    folder = styles_dir()
    return [folder / name for name in STYLESHEETS]


class CcmApp(App):
    """The console. State shared by the screens lives here: the session and the run options."""

    TITLE = "ccm-tui"
    #: Set from ``stylesheet_paths()`` in ``__init__`` (nothing on disk is read at import).
    CSS_PATH: ClassVar[list[str | PurePath] | None] = None
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("L", "request_log", "Request log", show=False, id="app.request_log"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        *,
        settings: ConnectionSettings | None = None,
        session: Session | None = None,
        transport: Any = None,
        password: str | None = None,
        token: str | None = None,
        demo: bool = False,
        demo_credentials: tuple[str, str] | None = None,
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
        remember: bool = False,
        launch_demo: Any = None,
        prefetch: Any = None,
        demo_login: Any = None,
    ) -> None:
        super().__init__(css_path=type(self).CSS_PATH or stylesheet_paths())
        self.animation_level = "none"
        self.settings: ConnectionSettings | None = (
            settings if settings is not None else getattr(session, "settings", None))
        self.session: Session | None = session
        self.transport = transport
        self.demo = demo
        self.demo_credentials = demo_credentials
        self.selected_account_name: str | None = None
        self.remember = remember
        # Secrets for the automatic first login; dropped once used.
        self._auto_password = password
        self._auto_token = token
        self._keymap_config = dict(keymap or {})
        self._theme_name = theme
        self._too_small: TooSmallScreen | None = None
        self._exit_signals: tuple[int, ...] = ()
        # --demo: starts the emulator (blocking, run in a thread after the first frame) and
        # returns (settings, (email, password)).
        self._launch_demo = launch_demo
        # The start-up helper logging in with the credentials given (service/prefetch), if
        # one was started; ConnectScreen takes its outcome.
        self.prefetch = prefetch
        # --demo: hands out, once launch_demo has returned, what the demo server sent after
        # it started listening (its login and account pages, a service.prefetch.Prefetch),
        # or None (the console then logs in itself).
        self._demo_login = demo_login

    # -- state helpers -------------------------------------------------------------------
    @property
    def insecure(self) -> bool:
        return bool(getattr(self.settings, "insecure", False))

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.settings, "read_only", False))

    def take_auto_credentials(self) -> tuple[str | None, str | None]:
        """The password/token given at start, handed out once."""
        creds = (self._auto_password, self._auto_token)
        self._auto_password = self._auto_token = None
        return creds

    def launch_demo(self) -> tuple[Any, tuple[str, str]]:
        """Start the demo emulator (from a thread: it blocks)."""
        if self._launch_demo is None:
            raise RuntimeError("not started with --demo")
        return self._launch_demo()

    def take_demo_login(self) -> Any:
        """The demo server's own login for this console (see ``demo_login``), once; None
        when there is none."""
        take, self._demo_login = self._demo_login, None
        return take() if take is not None else None

    def demo_started(self, settings: ConnectionSettings, credentials: tuple[str, str]) -> None:
        """The demo emulator is up: its settings and the demo (email, password)."""
        self.settings = settings
        self.demo = True
        self.demo_credentials = credentials
        self._launch_demo = None

    def set_auto_password(self, password: str) -> None:
        """The password the login screen uses by itself when it is shown next."""
        self._auto_password = password

    def session_changed(self) -> None:
        """Repaint every header line (login, account selection, token refresh)."""
        from ccm_tui.widgets.header import SessionHeader

        for screen in self.screen_stack:
            for header in screen.query(SessionHeader):
                header.refresh_info()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,  # noqa: ARG002 - accepted for Textual's callers, never honoured
    ) -> None:
        """Every toast is plain text through the safe-text boundary.

        Textual parses a toast as markup by default, and toasts carry server messages, account
        names and file names (``[@click=app.quit]`` in an error would be a button that quits).
        The console writes no markup in toasts, so none is parsed here, for any caller."""
        from ccm_tui.safetext import visible

        super().notify(
            visible(message, newlines=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        from ccm_tui.screens.exit_signals import install_exit_signals

        # SIGHUP/SIGTERM: screens keep their work (the wizard's draft), then a normal exit.
        self._exit_signals = install_exit_signals(self)
        if self._keymap_config:
            self.set_keymap(self._keymap_config)
        if self._theme_name:
            self.theme = self._theme_name
        self._check_size(self.size.width, self.size.height)

    def get_default_screen(self) -> Screen:
        """The first screen: accounts when a session was handed in; the demo start; the
        connecting line when the credentials were given; else the login form."""
        if self.session is not None:
            from ccm_tui.screens.accounts import AccountsScreen

            return AccountsScreen(self.session)
        if self._launch_demo is not None:
            from ccm_tui.screens.demo_start import DemoStartScreen

            return DemoStartScreen()
        if (self._auto_password or self._auto_token) and getattr(self.settings, "url", None):
            # Everything to log in was given: no login form unless the login fails; the
            # accounts at once if the start-up helper has logged in already.
            from ccm_tui.screens.connect import ConnectScreen, accounts_if_logged_in

            return accounts_if_logged_in(self) or ConnectScreen(*self.take_auto_credentials())
        from ccm_tui.screens.login import LoginScreen

        return LoginScreen()

    async def on_unmount(self) -> None:
        from ccm_tui.screens.exit_signals import remove_exit_signals

        remove_exit_signals(self._exit_signals)
        self._exit_signals = ()
        if self.session is not None:
            try:
                await self.session.close()
            except Exception:  # noqa: BLE001 - closing must never raise at exit
                pass

    def on_key(self, event: events.Key) -> None:
        """Keys of a burst that were on their way to a screen when a key opened a dialog over
        it (``c`` then ``abc`` in one read) belong to the dialog, not to nobody."""
        from ccm_tui.screens.base import forward_stray_key

        forward_stray_key(self, event)

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        from ccm_tui.screens.too_small import TooSmallScreen

        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small:
            if self._too_small is None:
                self._too_small = TooSmallScreen()
                self.push_screen(self._too_small)
            else:
                self._too_small.show_size(width, height)
        elif self._too_small is not None:
            if self.screen is self._too_small:
                self.pop_screen()
            self._too_small = None

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """While the terminal is too small, new screens go under the size note. A command
        palette still open when a screen arrives by itself (the login finishing during
        start-up) is closed first: its commands were for the screen under it, and a palette
        left under the new screen made the next ctrl+p crash (DuplicateIds)."""
        from textual.command import CommandPalette

        if isinstance(self.screen, CommandPalette) and screen is not self.screen:
            self.pop_screen()
        if self._too_small is not None and screen is not self._too_small and self.screen is self._too_small:
            from ccm_tui.screens.too_small import TooSmallScreen

            self.pop_screen()
            result = super().push_screen(screen, *args, **kwargs)
            self._too_small = TooSmallScreen()
            super().push_screen(self._too_small)
            return result
        return super().push_screen(screen, *args, **kwargs)

    # -- a failed worker: reported, the console keeps running --------------------------
    def report_worker_error(self, worker: Worker | None, error: BaseException | None = None) -> bool:
        """The one funnel for a worker that raised: the traceback to the private log, one
        plain line on screen, once per worker (``screens/worker_errors.py``)."""
        from ccm_tui.screens.worker_errors import report_worker_error

        return report_worker_error(self, worker, error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (log out); a screen's reach the funnel through the screen."""
        if event.state == WorkerState.ERROR:
            self.report_worker_error(event.worker)

    def _handle_exception(self, error: Exception) -> None:
        """A worker left with ``exit_on_error=True`` is reported, not a reason to stop;
        anything else ends the app (``_fatal_error``)."""
        if isinstance(error, WorkerFailed):
            from textual.worker import NoActiveWorker, get_current_worker

            try:
                worker: Worker | None = get_current_worker()
            except NoActiveWorker:
                worker = None
            self.report_worker_error(worker, error.error)
            return
        super()._handle_exception(error)

    # -- an unhandled exception ---------------------------------------------------------
    def _fatal_error(self) -> None:
        """Textual's hook for an unhandled exception, which always ends the app.

        Textual would print a Rich traceback *with local variables* (which may hold a
        password or a client secret) on the operator's terminal. Instead: the wizard's draft
        is saved, the traceback (without locals) goes to the private log, and one line says
        what happened and where the details are."""
        from rich.text import Text

        from ccm_tui.logs import log_file_path
        from ccm_tui.screens.exit_signals import keep_work_before_exit
        from ccm_tui.screens.worker_errors import log_exception, session_secrets

        error = self._exception
        saved = keep_work_before_exit(self)  # never raises: the crash report must be written
        if error is not None:
            log_exception("internal error", error, session_secrets(self))
        where = log_file_path()
        lines = [f"ccm-tui stopped on an internal error ({type(error).__name__})."]
        if saved:
            lines.append("The new account you were typing was kept as a draft (secrets excluded).")
        lines.append(f"Details are in the log: {where}" if where else "Please report it.")
        self.bell()
        if not self._exit_renderables:  # one report, for the first error
            self._exit_renderables.append(Text("\n".join(lines)))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Print our one-line report only: Textual adds "NOTE: 1 of N errors shown. Run with
        textual run --dev", which means nothing to an operator (the log has the details)."""
        if self._exit_renderables:
            self.error_console.print(self._exit_renderables[0])
        self._exit_renderables.clear()

    # -- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        from ccm_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_request_log(self) -> None:
        from ccm_tui.screens.requestlog import open_request_log

        open_request_log(self)

    def action_set_theme(self, name: str) -> None:
        self.theme = name

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from ccm_tui.screens.commands import screen_commands

        yield from screen_commands(self, screen)
        # Every theme, the default one included (the ansi ones first: they follow the
        # terminal's own colours).
        names = list(THEMES) + sorted(n for n in self.available_themes if n not in THEMES)
        for name in names:
            yield SystemCommand(
                f"Theme: {name}", f"Switch to the {name} theme", lambda n=name: self.action_set_theme(n)
            )
        yield SystemCommand("Quit", "Quit ccm-tui", self.action_quit)
        yield SystemCommand("Help", "Keys of this screen", self.action_help)
        yield SystemCommand("Request log", "This session's requests (L)", self.action_request_log)


def create_app(**options: Any) -> CcmApp:
    """Build the app (the factory the tests and the screenshot script reuse; the options
    are CcmApp's). Tests pass ``transport=httpx.ASGITransport(emulator_app)`` and
    ``settings``; with ``password`` or ``token`` the login happens by itself after the
    first frame, otherwise the login screen asks. ``launch_demo`` (``--demo``): a blocking
    callable returning (settings, (email, password)); the first screen says the demo server
    is starting and calls it from a thread, then takes ``demo_login()`` (the server's own
    login and pages, or None) if given."""
    return CcmApp(**options)


def run_app(options: Any) -> int:
    """Start the console in this terminal (``ccm_tui.startup.run_console``, which the CLI
    calls directly: it starts the ``--demo`` server before this module is imported)."""
    from ccm_tui.startup import run_console

    return run_console(options)
