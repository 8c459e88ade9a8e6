"""One line of the request log: what was asked and how it went — never bodies or headers.

A record holds enough to rebuild a ``curl`` command later (method, full URL with query,
whether a JSON body was sent, whether Basic or Bearer auth was used) without holding any
secret: the command is built with placeholders such as ``$CCM_TOKEN``.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

AuthKind = Literal["none", "basic", "bearer"]


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # path and query, e.g. "/v1/accounts?limit=100"
    status: int | None  # None when there was no HTTP answer
    elapsed_ms: float
    error: str | None = None  # error class and message (never a secret) or None
    base_url: str = ""
    auth: AuthKind = "none"
    sent_json: bool = False  # a JSON body was sent (not kept here)
    attempt: int = 1
    at: float = field(default_factory=time.time)

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.path

    def log_line(self) -> str:
        status = str(self.status) if self.status is not None else "---"
        line = f"{self.method} {self.path} {status} {self.elapsed_ms:.0f}ms"
        if self.attempt > 1:
            line += f" attempt={self.attempt}"
        if self.error:
            line += f" error={self.error}"
        return line


class RequestHistory:
    """The last ``size`` records, newest last (for a request-log screen)."""

    def __init__(self, size: int = 200) -> None:
        self._items: deque[RequestRecord] = deque(maxlen=size)

    def add(self, record: RequestRecord) -> None:
        self._items.append(record)

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def last(self, n: int | None = None) -> list[RequestRecord]:
        items = list(self._items)
        return items if n is None else items[-n:]

    def clear(self) -> None:
        self._items.clear()
