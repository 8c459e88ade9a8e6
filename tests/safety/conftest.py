"""Fixtures of the safety tests: the hostile CCM double on loopback (the private home is
the root conftest's ``private_home``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccm_tui.emulator import EmulatorServer
from hostile import HostileCcm, corpus


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
    with EmulatorServer(host="127.0.0.1", port=0, app=ccm.app()) as server:
        yield ccm, server.url
