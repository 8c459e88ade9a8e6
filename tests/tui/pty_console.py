"""The real console started in a pseudo-terminal, for the tests that need the terminal itself
(mouse modes, a resize): imported as a plain module, like tui_helpers."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import sys
import termios

#: The first frame of the login screen (the console started with a server and an email,
#: and nothing to log in with).
LOGIN_READY = b"Log in to Fortanix CCM"


def set_size(fd: int, rows: int, cols: int) -> None:
    """The terminal's size (on the master side: the kernel then sends SIGWINCH)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def spawn_console(home, *flags: str, rows: int = 24, cols: int = 80) -> tuple[int, int]:
    """``python -m ccm_tui`` on the login screen (nothing is contacted: no password, no
    remembered token) in a new pty of ``rows`` x ``cols``, with COLUMNS and LINES exported
    as a shell may export them; (pid, the pty's master fd)."""
    env = dict(os.environ, CCM_TUI_HOME=str(home), TERM="xterm-256color", COLUMNS=str(cols),
               LINES=str(rows))
    for name in ("NO_COLOR", "CCM_PASSWORD", "CCM_TOKEN", "CCM_URL", "CCM_EMAIL"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "ccm_tui", "--server", "http://127.0.0.1:9",
            "--email", "op@example.com", *flags]
    pid, fd = os.forkpty()
    if pid == 0:  # child
        set_size(0, rows, cols)
        os.execvpe(sys.executable, argv, env)
    set_size(fd, rows, cols)
    return pid, fd


def read_some(fd: int, wait: float = 0.05) -> bytes:
    """What the console wrote within ``wait`` seconds (b"" when nothing, or the pty closed)."""
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
