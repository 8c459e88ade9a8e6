"""The console follows the terminal's size even where the shell exported COLUMNS and LINES:
shutil.get_terminal_size (which Textual's driver asks) takes them before the terminal's own
size, so resizing the window changed nothing."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "forkpty"), reason="needs a POSIX pty")

READY = b"Log in to Fortanix CCM"
TOO_SMALL = b"have 50"  # "Terminal too small (need 60x15, have 50x12)"


def _size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def test_a_resize_is_followed_with_columns_and_lines_exported(tmp_path):
    env = dict(os.environ, CCM_TUI_HOME=str(tmp_path / "home"), TERM="xterm-256color",
               COLUMNS="80", LINES="24")
    for name in ("NO_COLOR", "CCM_PASSWORD", "CCM_TOKEN", "CCM_URL", "CCM_EMAIL"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "ccm_tui", "--server", "http://127.0.0.1:9",
            "--email", "op@example.com"]
    pid, fd = os.forkpty()
    if pid == 0:  # child
        _size(0, 24, 80)
        os.execvpe(sys.executable, argv, env)
    _size(fd, 24, 80)
    raw = b""
    resized = False
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end and TOO_SMALL not in raw:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    raw += os.read(fd, 65536)
                except OSError:
                    break
            if READY in raw and not resized:
                _size(fd, 12, 50)  # the kernel sends SIGWINCH to the console
                resized = True
        assert resized, raw[-300:]
        assert TOO_SMALL in raw, f"the resize to 50x12 was not followed: {raw[-300:]!r}"
        assert b"Traceback" not in raw
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
