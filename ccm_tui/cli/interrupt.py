"""Ctrl+C as a request, not an abort: while a batch runs, SIGINT calls a function on the event
loop (the batch then stops sending and finishes what is in flight) instead of raising
KeyboardInterrupt wherever the program happens to be."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def sigint_calls(callback: Callable[[], None]) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, callback)
    except (NotImplementedError, RuntimeError, ValueError):
        # Windows' loops have no add_signal_handler; a non-main thread cannot set handlers.
        try:
            previous = signal.signal(signal.SIGINT,
                                     lambda *_: loop.call_soon_threadsafe(callback))
        except ValueError:  # not the main thread: leave Ctrl+C as it is
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)
