"""``gc_paused()``: the cyclic garbage collector off for one burst of allocations (standard
library only: the accounts screen uses it before the HTTP stack is imported)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one synchronous burst of allocations (a page of
    500 accounts parsed: ~15,000 objects, no cycles). Left on, each burst ran several
    collections over every row already held: ~30% of the CPU of loading 50,000 accounts."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_held = False  # whether hold_collector() turned the collector off (and nothing since)


def hold_collector() -> None:
    """The cyclic collector off until ``release_collector()``, across turns of the event loop:
    for the one frame an operator is waiting for (a new account's details after its create
    answered). A collection there cost 1–6 ms each, a full one ~170 ms. The caller must
    release it (a timer too, in case the frame never comes)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """Undo ``hold_collector()`` (once; nothing when it did not turn the collector off)."""
    global _held
    if _held:
        _held = False
        gc.enable()
