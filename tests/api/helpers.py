"""A tiny scripted server for MockTransport unit tests."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from ccm_tui.api.client import CcmClient
from ccm_tui.api.policy import RetryPolicy

BASE = "http://127.0.0.1:8"
TOKEN = "tok-SECRET-123456"
PASSWORD = "pw-SECRET-hunter2"


def auth_ok(token: str = TOKEN, ttl: int = 900, now: float | None = None) -> httpx.Response:
    now = time.time() if now is None else now
    return httpx.Response(
        200,
        json={
            "access_token": token,
            "session_info": {
                "subject_id": "u-1",
                "session_expires_at": int(now + 8 * 3600),
                "session_token_expires_at": int(now + ttl),
            },
        },
    )


class Script:
    """Routes -> handler; records every request it saw."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.seen: list[httpx.Request] = []

    def on(self, route: str, handler: Callable[[httpx.Request], httpx.Response] | httpx.Response):
        self.routes[route] = handler if callable(handler) else (lambda r, h=handler: h)
        return self

    def queue(self, route: str, *responses: httpx.Response | Exception):
        items = list(responses)

        def handler(req: httpx.Request) -> httpx.Response:
            item = items.pop(0) if len(items) > 1 else items[0]
            if isinstance(item, Exception):
                raise item
            return item

        self.routes[route] = handler
        return self

    def count(self, route: str) -> int:
        return sum(1 for r in self.seen if f"{r.method} {r.url.path}" == route)

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req)
        handler = self.routes.get(f"{req.method} {req.url.path}")
        if handler is None:
            return httpx.Response(404, json={"message": f"no route {req.url.path}"})
        return handler(req)


def make_client(script: Script, **kw) -> tuple[CcmClient, list[float]]:
    sleeps: list[float] = []

    async def sleep(s: float) -> None:
        sleeps.append(s)

    kw.setdefault("retry", RetryPolicy(attempts=3, base_delay=0.5, max_delay=5.0, jitter=False))
    client = CcmClient(BASE, transport=httpx.MockTransport(script), sleep=sleep, **kw)
    return client, sleeps
