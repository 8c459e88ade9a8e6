"""The console follows the terminal's size even where the shell exported COLUMNS and LINES:
shutil.get_terminal_size (which Textual's driver asks) takes them before the terminal's own
size, so resizing the window changed nothing."""

from __future__ import annotations

import os
import time

import pytest
from pty_console import LOGIN_READY, kill, read_some, set_size, spawn_console

pytestmark = pytest.mark.skipif(not hasattr(os, "forkpty"), reason="needs a POSIX pty")

TOO_SMALL = b"have 50"  # "Terminal too small (need 60x15, have 50x12)"


def test_a_resize_is_followed_with_columns_and_lines_exported(tmp_path):
    pid, fd = spawn_console(tmp_path / "home")  # COLUMNS=80 LINES=24 exported
    raw = b""
    resized = False
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end and TOO_SMALL not in raw:
            raw += read_some(fd)
            if LOGIN_READY in raw and not resized:
                set_size(fd, 12, 50)  # the kernel sends SIGWINCH to the console
                resized = True
        assert resized, raw[-300:]
        assert TOO_SMALL in raw, f"the resize to 50x12 was not followed: {raw[-300:]!r}"
        assert b"Traceback" not in raw
    finally:
        kill(pid)
        os.close(fd)
