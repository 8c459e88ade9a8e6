"""Shared fixtures: an in-process CCM emulator (ASGI) and a live one on a loopback port.

    emulator_app       a fresh in-memory emulator app (Starlette)
    emulator           emulator_app.state.emulator (store, faults, clock, received, switches)
    asgi_transport     httpx.ASGITransport over emulator_app (an injected drop_after_commit
                       surfaces as httpx.RemoteProtocolError, as it does over a real socket;
                       httpx timeouts do NOT apply in-process: use live_emulator for those)
    live_emulator      EmulatorServer on a free 127.0.0.1 port (.url, .app, .emulator)
    demo_credentials   (email, password) of the seeded user
    memory_keyring     an in-memory OS keyring installed as keyring's backend (.entries)
    private_home       (autouse) CCM_TUI_HOME = tmp_path / "home" for every test, and none of
                       the operator's CCM_* variables: config, drafts, token cache and logs
                       never touch ~, and the developer's environment changes no result

No test reaches the real OS keyring: PYTHON_KEYRING_BACKEND names keyring's "fail" backend
for this process and every subprocess it starts (so "remember session" uses the 0600 file,
as over SSH), unless a test installs ``memory_keyring``.

The test session runs with TZ=UTC so local-time rendering is deterministic.
"""

from __future__ import annotations

import checkout_guard  # first: it must see every file opened from here on

checkout_guard.install()

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
from memory_keyring import MemoryKeyring
import pytest

os.environ["TZ"] = "UTC"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
if hasattr(time, "tzset"):
    time.tzset()

from ccm_tui.emulator import (  # noqa: E402
    DEMO_EMAIL,
    DEMO_PASSWORD,
    ConnectionDropped,
    Emulator,
    EmulatorServer,
    create_app,
)


class FaultAwareASGITransport(httpx.ASGITransport):
    """ASGITransport that reports an injected dropped connection like a socket would."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc


@pytest.fixture
def demo_credentials() -> tuple[str, str]:
    return DEMO_EMAIL, DEMO_PASSWORD


@pytest.fixture
def emulator_app():  # -> starlette.applications.Starlette
    app = create_app()
    yield app
    app.state.emulator.store.close()


@pytest.fixture
def emulator(emulator_app) -> Emulator:
    return emulator_app.state.emulator


@pytest.fixture
def asgi_transport(emulator_app) -> httpx.ASGITransport:
    return FaultAwareASGITransport(app=emulator_app)


@pytest.fixture
def live_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(autouse=True)
def _reads_only_inside_the_checkout(request):
    """Fail a test that opened a file outside the checkout, temp dirs and the uv cache."""
    allow = request.node.get_closest_marker("reads_upstream_spec") is not None
    before = checkout_guard.take(allow)  # collection, imports, earlier fixtures of this worker
    yield
    outside = sorted(set(before + checkout_guard.take(allow)))
    if outside:
        pytest.fail("read outside the checkout (a fresh clone has none of these):\n  "
                    + "\n  ".join(outside[:20]), pytrace=False)


#: The variables a developer may have set for real use; a test sets the ones it needs.
OPERATOR_ENV = ("CCM_URL", "CCM_EMAIL", "CCM_PASSWORD", "CCM_TOKEN", "CCM_PROFILE",
                "CCM_TUI_CONFIG")


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch) -> Path:
    """Every test's config, state (token cache, drafts) and logs under its own tmp folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("CCM_TUI_HOME", str(home))
    for var in OPERATOR_ENV:
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
