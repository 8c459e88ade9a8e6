"""``ccm-tui --no-mouse``: the real console in a pseudo-terminal never switches on mouse
tracking (no ``ESC[?1000h`` / ``ESC[?1003h`` / ``ESC[?1006h``), so the terminal's own text
selection keeps working over SSH; without the flag the same start does switch it on."""

from __future__ import annotations

import os
import time

import pytest
from pty_console import LOGIN_READY as READY
from pty_console import kill, read_some, spawn_console

pytestmark = pytest.mark.skipif(not hasattr(os, "forkpty"), reason="needs a POSIX pty")

MOUSE_ON = (b"\x1b[?1000h", b"\x1b[?1003h", b"\x1b[?1006h")


def run_console(home, *flags: str) -> bytes:
    """Start the console on its login screen, wait for the first frame, quit with ctrl+q;
    all bytes written."""
    pid, fd = spawn_console(home, *flags)
    raw = b""
    status = None
    try:
        end = time.monotonic() + 30
        sent_quit = False
        while time.monotonic() < end:
            raw += read_some(fd)
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
            kill(pid)
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
