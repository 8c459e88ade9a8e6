"""Fixtures for the emulator's own tests: httpx clients over ASGI, logged in or not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD

BASE = "http://ccm.test"


@pytest.fixture
async def anon(asgi_transport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=asgi_transport, base_url=BASE) as client:
        yield client


@pytest.fixture
async def client(asgi_transport) -> AsyncIterator[httpx.AsyncClient]:
    """Logged in with Basic auth; sends the token as ``Authorization: Bearer``."""
    async with httpx.AsyncClient(transport=asgi_transport, base_url=BASE) as c:
        r = await c.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        c.cookies.clear()  # prove the bearer header alone is enough
        yield c
