"""ASGI middleware: bounds and records every request body, then applies the injected faults.

A body larger than ``Emulator.max_body_bytes`` is answered 413 before any route runs: from
its Content-Length when it declares one, else by counting while reading a chunked body (the
rest of it is read and thrown away, up to a bound, so the client sees the answer)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from ccm_tui.emulator.core import Emulator
from ccm_tui.emulator.faults import (
    MAX_FAULT_SECONDS,
    ConnectionDropped,
    FailRule,
    FaultInjector,
    MalformedRule,
)

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


async def _wait_while_held(faults: FaultInjector, method: str, path: str) -> None:
    """A held route waits until the test releases it (polled: the event is set from other
    threads), for at most MAX_FAULT_SECONDS."""
    released = faults.hold_for(method, path)
    if released is None:
        return
    loop = asyncio.get_running_loop()
    until = loop.time() + MAX_FAULT_SECONDS
    while not released.is_set() and loop.time() < until:
        await asyncio.sleep(0.01)


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
    """``direct`` maps a hot ``(method, path)`` to a plain ASGI handler that answers it after
    the faults, instead of the app's router (GET /v1/accounts: see routes_accounts)."""

    def __init__(self, app: Any, emulator: Emulator,
                 direct: Mapping[tuple[str, str], Any] | None = None) -> None:
        self.app = app
        self.emulator = emulator
        self.direct = dict(direct or {})

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        limit = self.emulator.max_body_bytes
        declared = _content_length(scope)
        if declared == -1:
            await _send_error(send, 400, "the Content-Length header is not a whole number")
            return
        if declared is not None and declared > limit:
            if declared <= limit + _DRAIN_MAX:
                await _read_body(receive, limit)  # read and drop: the client sees the 413
            await _send_too_large(send, limit, declared)
            return
        raw = await _read_body(receive, limit)
        if raw is None:
            await _send_too_large(send, limit, None)
            return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        if path.startswith(CONTROL_PREFIX):  # not CCM traffic: neither recorded nor faulted
            await self.app(scope, replay, send)
            return
        # positional: tests wrap record(method, path, *rest)
        self.emulator.record(method, path, _parse(raw),
                             scope.get("query_string", b"").decode("latin-1"), len(raw))
        app = self.direct.get((method, path), self.app)
        faults = self.emulator.faults
        if not faults.any_set:  # nothing injected: nothing more to ask per request
            await app(scope, replay, send)
            return
        delay = faults.latency_for(method, path)
        if delay:
            await asyncio.sleep(delay)
        await _wait_while_held(faults, method, path)
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
            await app(scope, replay, _CommitFaultSend(send, faults, method, path))
            return
        await app(scope, replay, send)


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


#: A body over the limit is read on (and dropped) up to this many bytes, so the client, which
#: sends its whole body before reading, gets the 413 instead of a reset connection.
_DRAIN_MAX = 64 * 1024 * 1024


def _content_length(scope: dict) -> int | None:
    """The declared Content-Length; None when absent, -1 when it is not a number."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                return -1
            return int(text)
    return None


async def _read_body(receive: Any, limit: int) -> bytes | None:
    """The whole body, or None (after draining up to _DRAIN_MAX) when it is over ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif chunks:
            chunks = []  # over the limit: keep counting, keep nothing
        if not message.get("more_body") or size > limit + _DRAIN_MAX:
            break
    return b"".join(chunks) if size <= limit else None


async def _send_error(send: Any, status: int, message: str) -> None:
    body = json.dumps({"message": message}).encode()
    await _send_simple(send, status, body, b"application/json",
                       [(b"connection", b"close")] if status == 413 else None)


async def _send_too_large(send: Any, limit: int, declared: int | None) -> None:
    size = f"{declared} bytes" if declared is not None else f"more than {limit} bytes"
    await _send_error(send, 413, f"the request body is {size}; at most {limit} bytes are accepted")


def _parse(raw: bytes) -> Any:
    """The body as recorded for tests: parsed JSON when it is JSON, else its text."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, numbers too long, too deep
        return raw.decode("utf-8", errors="replace")
