"""Fixtures for the reliability suite: a live loopback emulator per test, a CLI environment
(the private home, a short read timeout) and access to the wizard test helpers."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for helper_dir in (TESTS / "tui" / "wizard", TESTS / "tui", Path(__file__).resolve().parent):
    if str(helper_dir) not in sys.path:
        sys.path.insert(0, str(helper_dir))

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer, ManualClock
from reliability_helpers import READ_TIMEOUT, open_live_session


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock, starting at the real time so the client's own clock agrees."""
    return ManualClock(time.time())


@pytest.fixture
def server(clock) -> Iterator[EmulatorServer]:
    """A fresh emulator on a free 127.0.0.1 port, driven by ``clock``."""
    with EmulatorServer(host="127.0.0.1", port=0, clock=clock) as srv:
        yield srv


@pytest.fixture
def home(private_home, monkeypatch) -> Path:
    """The root conftest's private home, and no SSL_CERT_FILE from the machine."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    return private_home


@pytest.fixture
def cli_env(server, home, monkeypatch):
    """The CLI pointed at ``server`` with the demo login and a profile whose read timeout is
    READ_TIMEOUT seconds (so timeout rows take about a second, not thirty)."""
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'default_profile = "fast"\n[profiles.fast]\nread_timeout = {READ_TIMEOUT}\n'
                   "connect_timeout = 2\n")
    monkeypatch.setenv("CCM_TUI_CONFIG", str(cfg))
    monkeypatch.setenv("CCM_URL", server.url)
    monkeypatch.setenv("CCM_EMAIL", DEMO_EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", DEMO_PASSWORD)
    return server.emulator


@pytest.fixture
async def live_session(server, home):
    s = await open_live_session(server)
    yield s
    await s.client.aclose()
