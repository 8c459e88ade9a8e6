"""``ccm-tui --no-mouse``: the real console in a pseudo-terminal never switches on mouse
tracking (no ``ESC[?1000h`` / ``ESC[?1003h`` / ``ESC[?1006h``), so the terminal's own text
selection keeps working over SSH; without the flag the same start does switch it on."""

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

MOUSE_ON = (b"\x1b[?1000h", b"\x1b[?1003h", b"\x1b[?1006h")
READY = b"Log in to Fortanix CCM"


def run_console(home, *flags: str) -> bytes:
    """Start ``python -m ccm_tui`` (login screen; nothing is contacted: no password, no
    remembered token), wait for the first frame, quit with ctrl+q; all bytes written."""
    env = dict(os.environ, CCM_TUI_HOME=str(home), TERM="xterm-256color", COLUMNS="80", LINES="24")
    for name in ("NO_COLOR", "CCM_PASSWORD", "CCM_TOKEN", "CCM_URL", "CCM_EMAIL"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "ccm_tui", "--server", "http://127.0.0.1:9",
            "--email", "op@example.com", *flags]
    pid, fd = os.forkpty()
    if pid == 0:  # child
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(sys.executable, argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    raw = b""
    status = None
    try:
        end = time.monotonic() + 30
        sent_quit = False
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    raw += os.read(fd, 65536)
                except OSError:
                    pass
            if READY in raw and not sent_quit:
                # Mouse tracking is switched on (or not) before the first frame is painted
                # (test_without_the_flag_mouse_tracking_is_on checks that order).
                os.write(fd, b"\x11")  # ctrl+q
                sent_quit = True
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        else:
            raise AssertionError(f"the console did not start and quit: {raw[-300:]!r}")
    finally:
        if status is None or not os.WIFEXITED(status):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(fd)
    assert READY in raw, raw[-300:]
    assert b"Traceback" not in raw
    return raw


def test_no_mouse_flag_keeps_mouse_tracking_off(tmp_path):
    raw = run_console(tmp_path / "home", "--no-mouse")
    found = [seq for seq in MOUSE_ON if seq in raw]
    assert found == [], f"mouse tracking switched on despite --no-mouse: {found}"


def test_without_the_flag_mouse_tracking_is_on(tmp_path):
    raw = run_console(tmp_path / "home")
    assert all(seq in raw for seq in MOUSE_ON), "the default start should enable mouse tracking"
    # ... before the first frame: so the --no-mouse test, which quits on that frame, has
    # seen every byte that could have switched it on.
    assert all(raw.index(seq) < raw.index(READY) for seq in MOUSE_ON)
