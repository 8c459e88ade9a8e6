"""Fixtures of the CLI tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def ccm(live_emulator, demo_credentials, monkeypatch):
    """A live emulator with its URL and the demo login in the environment; the emulator."""
    email, password = demo_credentials
    monkeypatch.setenv("CCM_URL", live_emulator.url)
    monkeypatch.setenv("CCM_EMAIL", email)
    monkeypatch.setenv("CCM_PASSWORD", password)
    return live_emulator.app.state.emulator


#: Accounts per page when ``small_pages`` is used (the client's LIST_PAGE_SIZE, patched).
PAGE = 2


@pytest.fixture
def small_pages(monkeypatch):
    """`accounts list` pages of PAGE accounts: a few accounts make several pages."""
    monkeypatch.setattr("ccm_tui.api.client.LIST_PAGE_SIZE", PAGE)
