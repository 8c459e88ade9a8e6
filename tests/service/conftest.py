from __future__ import annotations

import pytest

from ccm_tui.api.policy import RetryPolicy, Timeouts
from ccm_tui.config import ConnectionSettings
from ccm_tui.service.session import open_session

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture
async def asgi_session(asgi_transport, demo_credentials):
    email, password = demo_credentials
    settings = ConnectionSettings(url="http://127.0.0.1:9", email=email)
    session = await open_session(settings, password=password, transport=asgi_transport, retry=FAST_RETRY)
    yield session
    await session.close()


@pytest.fixture
async def live_session(live_emulator, demo_credentials):
    email, password = demo_credentials
    settings = ConnectionSettings(url=live_emulator.url, email=email, read_timeout=0.5,
                                  connect_timeout=2)
    session = await open_session(settings, password=password, retry=FAST_RETRY)
    yield session
    await session.close()


__all__ = ["FAST_RETRY", "Timeouts"]
