"""A plain http:// client loads no CA bundle (memory), yet never trusts a certificate."""

from __future__ import annotations

import ssl

from ccm_tui.api.client import CcmClient
from ccm_tui.api.tls import plain_http_context


def test_plain_http_context_verifies_and_trusts_nothing():
    ctx = plain_http_context()
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.check_hostname is True
    assert ctx.cert_store_stats()["x509_ca"] == 0


async def test_http_client_talks_to_the_emulator(live_emulator, demo_credentials):
    client = CcmClient(live_emulator.url)
    try:
        await client.login(*demo_credentials)
        assert await client.version()
        assert isinstance(await client.list_accounts(), list)
    finally:
        await client.aclose()
