"""Fixtures for the wizard tests: a logged-in session over the in-process emulator, the
real console app, and helpers to reach the wizard and wait for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD


@pytest.fixture
def home(private_home) -> Path:
    """Where the wizard writes drafts and logs: the root conftest's private home."""
    return private_home


@pytest.fixture
async def session(asgi_transport):
    from ccm_tui.service.session import open_session

    settings = ConnectionSettings(url="http://127.0.0.1:9", email=DEMO_EMAIL)
    s = await open_session(settings, password=DEMO_PASSWORD, transport=asgi_transport)
    yield s
    await s.client.aclose()


@pytest.fixture
def make_app(session):
    from ccm_tui.app import create_app

    def factory():
        return create_app(session=session)

    return factory


