"""Clocks for the emulator: the wall clock, or a hand-driven one for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: A clock is any callable returning seconds since the epoch as a float.
Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()


class ManualClock:
    """A clock that only moves when told to: ``clock.advance(901)`` expires a token."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        with self._lock:
            self._now = float(now)
