"""A real console in a pty: open the wizard, type a name, SIGHUP -> the process exits
cleanly (status 0, no traceback) and the draft exists without secrets; the next start
offers it and resumes it. SIGTERM behaves the same."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import stat
import struct
import sys
import termios
import time

import pyte
import pytest

from ccm_tui.emulator import DEMO_PASSWORD

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a POSIX pty")


class Console:
    def __init__(self, home) -> None:
        env = dict(os.environ, CCM_TUI_HOME=str(home), TERM="xterm-256color", COLUMNS="80", LINES="24")
        env.pop("NO_COLOR", None)
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        pid, fd = os.forkpty()
        if pid == 0:  # child
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execvpe(sys.executable, [sys.executable, "-m", "ccm_tui", "--demo"], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.pid, self.fd = pid, fd
        self.status: int | None = None

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float = 0.1) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.raw += data
            self.stream.feed(data)

    def wait_text(self, needle: str, timeout: float = 40.0) -> None:
        end = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > end:
                raise AssertionError(f"{needle!r} not on screen:\n{self.text()}")
            self.pump()

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def wait_exit(self, timeout: float = 20.0) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                for _ in range(5):
                    self.pump(0.02)
                return status
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the console did not exit")

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


def test_sighup_saves_draft_and_next_start_resumes(tmp_path):
    home = tmp_path / "home"
    console = Console(home)
    try:
        console.wait_text("Accounts")
        console.send("n")
        console.wait_text("1 Basics")
        console.send("Hangup test")
        console.wait_text("Hangup test")
        os.kill(console.pid, signal.SIGHUP)
        status = console.wait_exit()
    finally:
        console.close()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert b"Traceback" not in console.raw

    draft = home / "state" / "drafts" / "new-account.json"
    assert draft.exists()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    text = draft.read_text()
    assert json.loads(text)["form"]["name"] == "Hangup test"
    assert DEMO_PASSWORD not in text

    console = Console(home)
    try:
        console.wait_text("Unfinished new account")
        assert "Hangup test" in console.text()
        console.send("r")
        console.wait_text("1 Basics")
        console.wait_text("Hangup test")
        os.kill(console.pid, signal.SIGTERM)
        status = console.wait_exit()
    finally:
        console.close()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert b"Traceback" not in console.raw
    assert json.loads(draft.read_text())["form"]["name"] == "Hangup test"
