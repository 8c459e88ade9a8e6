"""The one-line session header: server/profile, user, selected account, expiry, markers."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import getters
from textual.widgets import Static

from ccm_tui.app import CcmApp
from ccm_tui.safetext import visible


def expiry_text(expires_at: int | None) -> str:
    if not expires_at:
        return ""
    return "expires " + time.strftime("%H:%M", time.localtime(expires_at))


def server_text(settings: Any) -> str:
    if settings is None:
        return "not connected"
    profile = getattr(settings, "profile", None)
    if profile:
        return f"profile {profile}"
    url = str(getattr(settings, "url", "") or "")
    return url.split("://", 1)[-1].rstrip("/") or "not connected"


class SessionHeader(Static):
    """Updated on events (login, select, refresh) only: no ticking timer."""

    app = getters.app(CcmApp)

    DEFAULT_CSS = """
    SessionHeader { height: 1; width: 1fr; background: $panel; color: $text; }
    """

    _shown: Text | None = None  # what refresh_info last showed

    def on_mount(self) -> None:
        self.refresh_info()

    def refresh_info(self) -> None:
        """Show what the session is now. Nothing is repainted when that is what is shown
        (the accounts screen asks after every list it loads); and no layout pass, which
        would also repaint the table's scrollbar one frame later: the header's box (one
        line, the screen's width) never depends on its text."""
        text = self.build_text()
        if text == self._shown:
            return
        self._shown = text
        self.update(text, layout=False)

    def build_text(self) -> Text:
        app = self.app
        session = getattr(app, "session", None)
        settings = getattr(session, "settings", None) or getattr(app, "settings", None)
        text = Text(no_wrap=True, overflow="ellipsis")
        if getattr(app, "insecure", False):
            text.append(" INSECURE ", style="bold white on red")
            text.append(" ")
        if getattr(app, "demo", False):
            text.append(" DEMO ", style="bold black on yellow")
            text.append(" ")
        if getattr(app, "read_only", False):
            text.append(" READ-ONLY ", style="bold black on cyan")
            text.append(" ")
        if session is None:
            # Before the login and after logging out: no server and no user are "current"
            # (the login form shows where it will connect).
            text.append("not logged in")
            return text
        parts = [server_text(settings)]
        user = getattr(session, "user", None)
        if user is not None:
            parts.append(str(getattr(user, "user_email", None) or getattr(user, "display_name", "")))
        elif settings is not None and settings.email:
            parts.append(str(settings.email))
        selected_id = getattr(session, "selected_account_id", None)
        name = getattr(app, "selected_account_name", None)
        if selected_id:
            parts.append(f"account: {name or selected_id[:8]}")
        else:
            parts.append("no account selected")
        expiry = expiry_text(getattr(session, "expires_at", None))
        if expiry:
            parts.append(expiry)
        # Server, user e-mail and account name come from outside: plain text, made visible.
        text.append(" │ ".join(visible(p) for p in parts if p))
        return text
