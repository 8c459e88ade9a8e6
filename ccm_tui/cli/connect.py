"""Connection settings and login for the headless commands.

Password: CCM_PASSWORD, else a no-echo prompt when stdin is a terminal; never a flag.
Token (for SSO users): --token-stdin, --token-file PATH (mode 600) or CCM_TOKEN; never a
flag's value. Nothing secret is printed or written.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ccm_tui.cli.input_error import InputError


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


def token_from_args(args: argparse.Namespace) -> str | None:
    """The bearer token from --token-file, --token-stdin or CCM_TOKEN (in that order), or
    None. Raises InputError (exit 2) naming the flag; the token itself is never shown."""
    from ccm_tui.secret_file import SecretSourceError, read_secret_file, read_secret_stdin

    path = getattr(args, "token_file", None)
    from_stdin = bool(getattr(args, "token_stdin", False))
    if path and from_stdin:
        raise InputError(["--token-stdin and --token-file: give only one of them"])
    try:
        if path:
            return read_secret_file(path, flag="--token-file")
        if from_stdin:
            return read_secret_stdin(flag="--token-stdin", prompt="Bearer token (hidden): ")
    except SecretSourceError as exc:
        raise InputError([str(exc)]) from None
    return os.environ.get("CCM_TOKEN") or None


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
    token = token_from_args(args)
    on_request = print_request if getattr(args, "verbose", False) else None
    if token:
        return await open_session(settings, token=token, transport=transport, on_request=on_request), False
    if not settings.email:
        raise InputError([("--email: no login email given; pass --email, set CCM_EMAIL, or add "
                          "email to the profile (SSO users: CCM_TOKEN, --token-stdin or "
                          "--token-file)")])
    password = _password(settings)
    if password is None:
        session = await resume_session(settings, transport=transport, on_request=on_request)
        if session is not None:
            return session, False
        raise InputError([("no password: set CCM_PASSWORD, or run in a terminal to be prompted "
                          "(passwords are never accepted as a flag)")])
    return await open_session(settings, password=password, transport=transport, on_request=on_request), True


def print_request(record: Any) -> None:
    """--verbose: one line per request on stderr (``METHOD path status duration_ms
    [request-id]``), safe text, masked like the request log; stdout stays the command's."""
    from ccm_tui.service.requestlog import verbose_line

    print(verbose_line(record), file=sys.stderr, flush=True)
