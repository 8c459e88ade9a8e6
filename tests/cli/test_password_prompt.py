"""Without CCM_PASSWORD, on a terminal, the password is asked for without echo."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
    return data


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_prompt_does_not_echo_the_password(live_emulator, demo_credentials, tmp_path):
    email, password = demo_credentials
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CCM_URL": live_emulator.url,
           "CCM_EMAIL": email, "CCM_TUI_HOME": str(tmp_path / "home"), "TERM": "dumb"}
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ccm_tui", "accounts", "list", "--json"],
                            cwd=REPO, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    try:
        prompt = _read_until(master, b": ", 30)
        assert f"Password for {email} at {live_emulator.url}: ".encode() in prompt
        os.write(master, password.encode() + b"\n")
        rest = _read_until(master, b"]", 30)
        assert proc.wait(timeout=30) == 0, rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert password.encode() not in prompt + rest
    assert b"[" in rest  # the JSON list arrived after the login
