"""ASGI middleware: records every request body, then applies the injected faults."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ccm_tui.emulator.core import Emulator
from ccm_tui.emulator.faults import ConnectionDropped, FailRule, MalformedRule

CONTROL_PREFIX = "/_emulator/"

_MALFORMED: dict[str, tuple[bytes, bytes]] = {
    "json": (b'{"items": [{"acct_id": "', b"application/json"),
    "html": (
        b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
        b"<body><h1>Please sign in</h1><p>Your session has been redirected.</p></body></html>",
        b"text/html; charset=utf-8",
    ),
    "text": (b"OK", b"text/plain; charset=utf-8"),
}


async def _send_simple(send: Any, status: int, body: bytes, content_type: bytes,
                       extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    headers.extend(extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _fail_body(rule: FailRule) -> tuple[bytes, bytes]:
    ctype = rule.content_type.encode()
    body = rule.body
    if body is None:
        body = {"message": f"injected fault: HTTP {rule.status}"}
    if isinstance(body, bytes):
        return body, ctype
    if "json" in rule.content_type:
        return json.dumps(body).encode(), ctype
    return str(body).encode(), ctype


class FaultMiddleware:
    def __init__(self, app: Any, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        raw = await _read_body(receive)
        self.emulator.record(method, path, _parse(raw), scope.get("query_string", b"").decode("latin-1"))
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        faults = self.emulator.faults
        delay = faults.latency_for(method, path)
        if delay:
            await asyncio.sleep(delay)
        fail = faults.take_fail(method, path)
        if fail is not None:
            body, ctype = _fail_body(fail)
            extra = [(b"retry-after", str(fail.retry_after).encode())] if fail.retry_after is not None else []
            await _send_simple(send, fail.status, body, ctype, extra)
            return
        malformed: MalformedRule | None = faults.take_malformed(method, path)
        if malformed is not None:
            body, ctype = _MALFORMED[malformed.kind]
            await _send_simple(send, 200, body, ctype)
            return
        if faults.wants_commit_fault(method, path):
            await self.app(scope, replay, _CommitFaultSend(send, faults, method, path))
            return
        await self.app(scope, replay, send)


class _CommitFaultSend:
    """Holds back a 2xx answer (create, update, delete); then delays it, or breaks the connection."""

    def __init__(self, send: Any, faults: Any, method: str = "POST", path: str = "/v1/accounts") -> None:
        self.send = send
        self.faults = faults
        self.method = method
        self.path = path
        self.start: dict | None = None
        self.body = b""

    async def __call__(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            if not 200 <= message["status"] < 300:
                await self.send(message)
                return
            self.start = message
            return
        if self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        drop, delay = self.faults.take_commit_fault(self.method, self.path)
        if delay:
            await asyncio.sleep(delay)
        if not drop:
            await self.send(self.start)
            await self.send({"type": "http.response.body", "body": self.body, "more_body": False})
            return
        # Committed; now promise more bytes than we send and give up on the connection.
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body) + 4096).encode()))
        # 200 even for a 204: a body-less status would let the client read a complete answer.
        await self.send({"type": "http.response.start", "status": 200, "headers": headers})
        await self.send({"type": "http.response.body", "body": self.body[: len(self.body) // 2], "more_body": True})
        raise ConnectionDropped("emulator fault: connection dropped after the account was committed")


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw.decode("utf-8", errors="replace")
