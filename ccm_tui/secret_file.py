"""Secrets (a bearer token, the emulator's password) come from a file or standard input,
never from a command-line value: argv shows in ``ps`` and in shell history.

Standard library only (the CLI reads these before anything heavy is imported). Messages
name the flag and the file, never the secret.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path
from typing import TextIO

from ccm_tui.safetext import visible

MAX_SECRET_BYTES = 64 * 1024  # far above any token; a bigger file is not one


class SecretSourceError(ValueError):
    """A secret could not be read; the message names the flag and the file."""


def read_secret_file(path: str | os.PathLike[str], *, flag: str) -> str:
    """The secret held in ``path`` (surrounding whitespace dropped).

    Refused when group or others have any access to the file, as ssh refuses such a key:
    the message names the file and the ``chmod`` that fixes it.
    """
    p = Path(path).expanduser()
    shown = visible(str(p))
    try:
        st = p.stat()
    except FileNotFoundError:
        raise SecretSourceError(f"{flag}: {shown} does not exist") from None
    except OSError as exc:
        raise SecretSourceError(f"{flag}: {shown} cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise SecretSourceError(f"{flag}: {shown} is a directory, not a file")
    if st.st_mode & 0o077:
        raise SecretSourceError(
            f"{flag}: {shown} can be read or changed by other users "
            f"(mode {stat.S_IMODE(st.st_mode):04o}); refused. "
            f"Fix: chmod 600 {shlex.quote(str(p))}"
        )
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        raise SecretSourceError(f"{flag}: {shown} cannot be read ({exc.strerror})") from None
    return _secret(data, f"{flag}: {shown}")


def read_secret_stdin(*, flag: str, prompt: str, stdin: TextIO | None = None) -> str:
    """The secret piped into standard input, or typed at a no-echo prompt on a terminal."""
    stream = sys.stdin if stdin is None else stdin
    if stream is None:
        raise SecretSourceError(f"{flag}: there is no standard input to read from")
    if stream.isatty():
        import getpass

        try:
            text = getpass.getpass(prompt)
        except EOFError:
            text = ""
        return _secret(text.encode("utf-8", "surrogateescape"), flag)
    data = stream.read(MAX_SECRET_BYTES + 1)
    return _secret(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data,
                   flag)


def _secret(data: bytes, where: str) -> str:
    if len(data) > MAX_SECRET_BYTES:
        raise SecretSourceError(f"{where} holds more than {MAX_SECRET_BYTES // 1024} KiB; "
                                "that is not a token or password")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretSourceError(f"{where} is not UTF-8 text") from None
    value = text.strip()
    if not value:
        raise SecretSourceError(f"{where} is empty")
    if any(ch in value for ch in "\r\n\0"):
        raise SecretSourceError(f"{where} holds more than one line; put only the secret in it")
    return value
