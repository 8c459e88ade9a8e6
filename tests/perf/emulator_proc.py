"""The CCM emulator in its own process (`ccm-tui emulator`), for bench.py.

The console under test must not share a process with the server it talks to, or the
server's work would count against the console's RSS and event loop.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_credentials() -> tuple[str, str]:
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD

    return DEMO_EMAIL, DEMO_PASSWORD


class EmulatorProcess:
    """``ccm-tui emulator --port P --seed-accounts N [--latency S]`` on 127.0.0.1."""

    def __init__(self, cmd: list[str], *, seed_accounts: int = 0, latency: float = 0.0,
                 env: dict[str, str] | None = None, start_timeout: float = 60.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.email, self.password = demo_credentials()
        argv = [*cmd, "emulator", "--port", str(self.port), "--seed-accounts", str(seed_accounts)]
        if latency:
            argv += ["--latency", str(latency)]
        self.argv = argv
        # The password comes from the environment, never argv; the bench logs in as demo.
        self.env = {**(os.environ if env is None else env), "CCM_EMULATOR_PASSWORD": self.password}
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="ccm-emulator-", suffix=".log", delete=False)

    def start(self) -> EmulatorProcess:
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/v1/sys/version", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"emulator did not answer within {self.start_timeout}s: "
                                   f"{self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self) -> str:
        try:
            return Path(self._log.name).read_text(errors="replace")[-800:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- a plain httpx client, for baselines and for learning the seeded names --------------
    def login_client(self, **kwargs) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30, **kwargs)
        resp = client.post("/v1/sys/auth", auth=(self.email, self.password))
        resp.raise_for_status()
        client.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
        client.headers["X-CSRF-Header"] = "true"
        return client

    def console_env(self) -> dict[str, str]:
        """What the console needs to log in to this emulator without a prompt."""
        return {"CCM_URL": self.url, "CCM_EMAIL": self.email, "CCM_PASSWORD": self.password}
