"""LoginScreen: server URL, email and password (masked), or a pasted bearer token for SSO
users; "remember session" keeps the token only (the service does that)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, LoadingIndicator, Static

from ccm_tui.screens.base import CcmScreen, describe_error
from ccm_tui.urls import ServerUrlError, check_server_url
from ccm_tui.widgets.footer import QuietFooter
from ccm_tui.widgets.header import SessionHeader
from ccm_tui.widgets.inputs import QuietInput
from ccm_tui.widgets.safe import safe
from ccm_tui.widgets.toggles import Checkbox


def login_failure(exc: Exception, *, token: bool) -> tuple[str, str]:
    """The login error line and the field to focus after a failed login (the login form's
    and the connect screen's: one wording)."""
    from ccm_tui.api.errors import AuthRequired

    if isinstance(exc, AuthRequired):
        what = "token rejected or expired" if token else "wrong email or password"
        return (f"Login failed: {what} ({describe_error(exc)})",
                "#login-token" if token else "#login-password")
    return f"Login failed: {describe_error(exc)}", "#login-url"


class LoginScreen(CcmScreen):
    HELP_TITLE = "Login"
    HELP_TEXT = "Log in with email and password, or paste a bearer token (SSO users)."
    BINDINGS = [
        Binding("ctrl+t", "toggle_mode", "Password/token", id="login.toggle_mode"),
        Binding("ctrl+l", "submit", "Log in", id="login.submit"),
        Binding("escape", "app.quit", "Quit", id="login.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.token_mode = False

    def compose(self) -> ComposeResult:
        app = self.app
        settings = getattr(app, "settings", None)
        yield SessionHeader(id="header")
        with Vertical(id="login-box"):
            yield Static("Log in to Fortanix CCM", id="login-title")
            yield Static("Server URL", classes="field-label")
            yield QuietInput(str(getattr(settings, "url", "") or ""), placeholder="https://ccm.fortanix.com",
                             id="login-url")
            yield Static("Email", classes="field-label", id="email-label")
            yield QuietInput(str(getattr(settings, "email", "") or ""), placeholder="you@example.com",
                             id="login-email")
            yield Static("Password", classes="field-label", id="secret-label")
            yield QuietInput(password=True, placeholder="password", id="login-password")
            yield QuietInput(password=True, placeholder="paste the bearer token from the browser",
                             id="login-token")
            with Horizontal(id="login-actions"):
                yield Checkbox("remember session (token only)", getattr(app, "remember", False),
                               id="login-remember")
                yield Button("Log in", id="login-button", variant="primary")
            yield Static("ctrl+t: use a token instead (SSO)", id="login-hint")
            yield Static("", id="login-error")
            yield LoadingIndicator(id="login-busy")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#login-token").display = False
        self.query_one("#login-busy").display = False
        self._focus_first_empty()
        password, token = self.app.take_auto_credentials()
        if password or token:
            self.login(password=password, token=token)
        elif getattr(getattr(self.app, "settings", None), "url", None):
            self.resume()

    def _focus_first_empty(self) -> None:
        for field in ("#login-url", "#login-email", "#login-password" if not self.token_mode else "#login-token"):
            widget = self.query_one(field, QuietInput)
            if widget.display and not widget.value:
                widget.focus()
                return
        self.query_one("#login-button").focus()

    # -- actions -------------------------------------------------------------------------
    def action_toggle_mode(self) -> None:
        self.token_mode = not self.token_mode
        self.query_one("#login-password").display = not self.token_mode
        self.query_one("#login-token").display = self.token_mode
        self.query_one("#login-email").display = not self.token_mode
        self.query_one("#email-label").display = not self.token_mode
        self.query_one("#secret-label", Static).update("Bearer token" if self.token_mode else "Password")
        self.query_one("#login-hint", Static).update(
            "ctrl+t: use email and password instead" if self.token_mode
            else "ctrl+t: use a token instead (SSO)"
        )
        self._focus_first_empty()

    @on(QuietInput.Submitted)
    @on(Button.Pressed, "#login-button")
    def action_submit(self) -> None:
        url = self.query_one("#login-url", QuietInput).value.strip()
        email = self.query_one("#login-email", QuietInput).value.strip()
        if not url:
            return self.show_error("Server URL: required (e.g. https://ccm.fortanix.com)", "#login-url")
        insecure = bool(getattr(getattr(self.app, "settings", None), "insecure", False))
        try:  # the same rule as the config file and the client (ccm_tui.urls)
            url = check_server_url(url, insecure=insecure)
        except ServerUrlError as exc:
            return self.show_error(f"Server URL: {exc.message}", "#login-url")
        if self.token_mode:
            token = self.query_one("#login-token", QuietInput).value.strip()
            if not token:
                return self.show_error("Bearer token: required — paste the token from the browser",
                                       "#login-token")
            self.login(url=url, email=email or None, token=token)
        else:
            password = self.query_one("#login-password", QuietInput).value
            if not email:
                return self.show_error("Email: required", "#login-email")
            if not password:
                return self.show_error("Password: required", "#login-password")
            self.login(url=url, email=email, password=password)

    def show_error(self, message: str, focus: str | None = None) -> None:
        error = self.query_one("#login-error", Static)
        error.update(safe(message))  # the server's message: plain text, never markup
        error.set_class(bool(message), "error")
        if focus:
            self.query_one(focus).focus()

    def _busy(self, busy: bool) -> None:
        self.query_one("#login-busy").display = busy
        self.query_one("#login-button", Button).disabled = busy

    # -- the login itself ----------------------------------------------------------------
    @work(exclusive=True, group="login", exit_on_error=False)
    async def login(
        self,
        *,
        url: str | None = None,
        email: str | None = None,
        password: str | None = None,
        token: str | None = None,
    ) -> None:
        from ccm_tui.api.errors import CcmError
        from ccm_tui.config import ConnectionSettings
        from ccm_tui.service.session import open_session

        app = self.app
        settings = app.settings
        if url is not None:
            settings = (ConnectionSettings(url=url, email=email) if settings is None
                        else settings.with_login(url=url, email=email))
        if settings is None:  # started without a server and none typed yet
            self.show_error("Enter the server URL", "#login-url")
            return
        remember = self.query_one("#login-remember", Checkbox).value
        self.show_error("")
        self._busy(True)
        try:
            session = await open_session(
                settings, password=password, token=token, transport=app.transport, remember=remember
            )
        except CcmError as exc:
            self.show_error(*login_failure(exc, token=bool(token)))
            return
        finally:
            self._busy(False)
        self._logged_in(session, settings)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def resume(self) -> None:
        """A remembered token (OS keyring or 0600 file) logs in without asking; a stale one is deleted by
        the service and the form stays. Typing and logging in meanwhile cancels this."""
        from ccm_tui.api.errors import CcmError
        from ccm_tui.service.session import resume_session

        app = self.app
        if app.settings is None:
            return
        self._busy(True)
        try:
            session = await resume_session(app.settings, transport=app.transport)
        except CcmError as exc:
            self.show_error(f"Could not resume the remembered session ({describe_error(exc)}); "
                            "log in below")
            return
        finally:
            self._busy(False)
        if session is not None:
            self.query_one("#login-remember", Checkbox).value = True
            self._logged_in(session, app.settings)

    def _logged_in(self, session: Any, settings: Any) -> None:
        app = self.app
        app.settings = settings
        app.session = session
        app.session_changed()
        note = getattr(session, "token_store_note", None)
        if note:  # where "remember session" keeps the token (said once), or why it cannot
            app.notify(note, timeout=8,
                       severity="warning" if "could not" in note else "information")
        if app.demo and app.demo_credentials:
            email_, password_ = app.demo_credentials
            app.notify(f"Demo server. Log in as {email_} / {password_}", title="DEMO", timeout=15)
        from ccm_tui.screens.accounts import AccountsScreen

        # Forget the typed secrets; the login stays underneath (never shown again).
        self.query_one("#login-password", QuietInput).value = ""
        self.query_one("#login-token", QuietInput).value = ""
        app.push_screen(AccountsScreen(session))
