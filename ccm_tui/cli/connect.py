"""Connection settings and login for the headless commands.

Password: CCM_PASSWORD, else a no-echo prompt when stdin is a terminal; never a flag.
Token: --token or CCM_TOKEN (for SSO users). Nothing secret is printed or written.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ccm_tui.cli.account_files import InputError


def resolve(args: argparse.Namespace) -> Any:
    """ConnectionSettings from flags > env > profile. Raises ConfigError (exit 2)."""
    from ccm_tui.config import resolve_settings

    return resolve_settings(
        getattr(args, "server", None),
        getattr(args, "email", None),
        getattr(args, "profile", None),
        getattr(args, "ca_bundle", None),
        os.environ,
        args_insecure=bool(getattr(args, "insecure", False)),
    )


def _password(settings: Any) -> str | None:
    value = os.environ.get("CCM_PASSWORD")
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        try:
            from ccm_tui.safetext import visible

            prompt = visible(f"Password for {settings.email} at {settings.url}: ")
            return getpass.getpass(prompt) or None
        except EOFError:
            return None
    return None


async def open_cli_session(args: argparse.Namespace, settings: Any, *, transport: Any = None):
    """Log in for one command -> (session, logged_in_with_password).

    Raises InputError (exit 2) or CcmError (exit 1). A session this command opened with a
    password is terminated afterwards; a pasted or remembered token is left alive.
    """
    from ccm_tui.logs import start_request_log
    from ccm_tui.service.session import open_session, resume_session

    start_request_log()
    if settings.insecure:
        from ccm_tui.cli.main import warn_insecure

        warn_insecure()
    token = getattr(args, "token", None) or os.environ.get("CCM_TOKEN") or None
    if token:
        return await open_session(settings, token=token, transport=transport), False
    if not settings.email:
        raise InputError(["--email: no login email given; pass --email, set CCM_EMAIL, or add "
                          "email to the profile (SSO users: --token or CCM_TOKEN)"])
    password = _password(settings)
    if password is None:
        session = await resume_session(settings, transport=transport)
        if session is not None:
            return session, False
        raise InputError(["no password: set CCM_PASSWORD, or run in a terminal to be prompted "
                          "(passwords are never accepted as a flag)"])
    return await open_session(settings, password=password, transport=transport), True
