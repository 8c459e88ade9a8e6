"""A request that is never retried (a create) is not written on a keep-alive connection the
server may be closing.

A server closes an idle keep-alive connection on its own timer (uvicorn's: 5 s, httpx's
expiry is 5 s too). A request written on it just then is lost unread, and a create is never
retried: in the bench run at c73a9de the wizard's second submit, sent ~5 s after the list's
last page, came back "not created — the connection was lost before the answer arrived".
The server below makes that timing certain: it closes a connection, unanswered, when a
second request arrives on it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from ccm_tui.api.client import CcmClient
from ccm_tui.api.policy import Timeouts
from ccm_tui.models.account import AccountRequest

ACCT_ID = "0b5c1f4e-8a53-4d1e-9c56-3f1a2b4c5d6e"


def _account(name: str) -> dict:
    return {"acct_id": ACCT_ID, "name": name, "roles": ["MANAGER"], "status": "ACTIVE",
            "component": "DEFAULT",
            "node_enrollment": {"attestation_enforcement_disabled_insecure": False}}


class ClosesWhenReused:
    """HTTP/1.1 on 127.0.0.1: answers a connection's first request and keeps the connection
    open; with ``close_reused``, a later request on that connection gets no answer, the
    connection is closed (what a server's idle timer does as the request arrives)."""

    def __init__(self, *, close_reused: bool) -> None:
        self.close_reused = close_reused
        self.connections = 0
        self.answered: list[tuple[int, str, str]] = []  # (connection, method, path)
        self.unanswered: list[tuple[int, str, str]] = []
        self.url = ""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        conn = self.connections
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                method, path, _ = head.split("\r\n", 1)[0].split(" ", 2)
                length = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                raw = await reader.readexactly(length) if length else b""
                if self.close_reused and any(c == conn for c, _, _ in self.answered):
                    self.unanswered.append((conn, method, path))
                    return
                self.answered.append((conn, method, path))
                name = json.loads(raw)["name"] if raw else "seen"
                body = json.dumps(_account(name)).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> ClosesWhenReused:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()


@pytest.fixture
async def closing_server() -> AsyncIterator[ClosesWhenReused]:
    async with ClosesWhenReused(close_reused=True) as server:
        yield server


def _req(name: str) -> AccountRequest:
    return AccountRequest.model_validate({"name": name})


async def test_a_create_after_a_read_is_not_lost_on_the_reads_connection(closing_server):
    client = CcmClient(closing_server.url, token="tok-fresh-writes-1")
    try:
        await client.get_account(ACCT_ID)  # the console read something (the list, details)
        # Before: the create went on that connection, the server closed it unanswered, and
        # the submit said "not created — the connection was lost before the answer".
        created = await client.create_account(_req("after-a-read"))
    finally:
        await client.aclose()
    assert created.name == "after-a-read"
    assert closing_server.unanswered == []
    assert [(m, p) for _, m, p in closing_server.answered] == [
        ("GET", f"/v1/accounts/{ACCT_ID}"), ("POST", "/v1/accounts")]
    assert closing_server.connections == 2


async def test_a_create_after_a_pause_opens_a_fresh_connection(closing_server):
    # write_keepalive=0: every create counts as "after a pause" (no clock to wait on).
    client = CcmClient(closing_server.url, token="tok-fresh-writes-2",
                       timeouts=Timeouts(write_keepalive=0.0))
    try:
        await client.create_account(_req("first"))
        second = await client.create_account(_req("second"))
    finally:
        await client.aclose()
    assert second.name == "second"
    assert closing_server.unanswered == []
    assert closing_server.connections == 2


async def test_reads_keep_their_warm_connection():
    """Launch → rows pays no new connection per request: reads (retried when a connection
    is lost) stay on their warm one, however long it was idle."""
    async with ClosesWhenReused(close_reused=False) as server:
        client = CcmClient(server.url, token="tok-fresh-writes-3",
                           timeouts=Timeouts(write_keepalive=0.0))
        try:
            for _ in range(3):
                await client.get_account(ACCT_ID)
        finally:
            await client.aclose()
    assert len(server.answered) == 3
    assert server.connections == 1


async def test_writes_in_a_row_keep_their_connection():
    """A batch of creates keeps a warm connection (within ``write_keepalive``)."""
    async with ClosesWhenReused(close_reused=False) as server:
        client = CcmClient(server.url, token="tok-fresh-writes-4",
                           timeouts=Timeouts(write_keepalive=600.0))
        try:
            for i in range(3):
                await client.create_account(_req(f"batch-{i}"))
        finally:
            await client.aclose()
    assert len(server.answered) == 3
    assert server.connections == 1
