"""Identifier factories: random uuid4, or a deterministic sequence for snapshot tests."""

from __future__ import annotations

import random
import re
import threading
import uuid


class IdFactory:
    """``new()`` returns a uuid4 string; with a seed the sequence is reproducible."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else None
        self._lock = threading.Lock()

    @property
    def deterministic(self) -> bool:
        return self._rng is not None

    def new(self) -> str:
        if self._rng is None:
            return str(uuid.uuid4())
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def many(self, n: int) -> list[str]:
        return [self.new() for _ in range(n)]


_UUID_RE = re.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def is_uuid(value: object) -> bool:
    """True for the canonical hyphenated form only (what CCM sends and expects)."""
    return isinstance(value, str) and _UUID_RE.match(value) is not None
