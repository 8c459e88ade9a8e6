"""Fixtures of the safety tests: a private home, and the hostile CCM double on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccm_tui.emulator import EmulatorServer
from hostile import HostileCcm, corpus


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch) -> Path:
    """Config, state (token cache, drafts) and logs under a temporary folder, never ~."""
    home = tmp_path / "home"
    monkeypatch.setenv("CCM_TUI_HOME", str(home))
    for var in ("CCM_URL", "CCM_EMAIL", "CCM_PASSWORD", "CCM_TOKEN", "CCM_PROFILE",
                "CCM_TUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def shot_dir(tmp_path) -> Path:
    """Where a server-supplied ``[@click=app.screenshot(...)]`` would write its file."""
    path = tmp_path / "shots"
    path.mkdir()
    return path


@pytest.fixture
def hostile(shot_dir) -> Iterator[tuple[HostileCcm, str]]:
    """(the double's state, its http://127.0.0.1:PORT URL)."""
    ccm = HostileCcm(corpus(str(shot_dir)))
    server = EmulatorServer(host="127.0.0.1", port=0, app=ccm.app()).start()
    try:
        yield ccm, server.url
    finally:
        server.stop()
