"""Console test helpers: a deterministic emulator (fixed clock, seeded ids), accounts with
chosen roles/status, and an app factory wired to the emulator in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from ccm_tui.app import create_app
from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, ManualClock
from ccm_tui.emulator import create_app as create_emulator

from tui_helpers import SERVER, START

@pytest.fixture
def det_emulator_app():
    app = create_emulator(clock=ManualClock(START), id_seed=7)
    yield app
    app.state.emulator.store.close()


@pytest.fixture
def det_emulator(det_emulator_app):
    return det_emulator_app.state.emulator


@pytest.fixture
def det_transport(det_emulator_app):
    import httpx

    return httpx.ASGITransport(app=det_emulator_app)


@pytest.fixture
def make_app(det_transport) -> Callable[..., Any]:
    """create_app against the deterministic emulator; logged in automatically unless
    ``login=False`` (then the login screen asks)."""

    def factory(*, login: bool = True, password: str = DEMO_PASSWORD, **kw: Any) -> Any:
        settings = kw.pop("settings", ConnectionSettings(url=SERVER, email=DEMO_EMAIL))
        return create_app(
            settings=settings,
            transport=det_transport,
            password=password if login else None,
            **kw,
        )

    return factory


