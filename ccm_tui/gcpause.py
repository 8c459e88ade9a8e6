"""``gc_paused()``: the cyclic garbage collector off for one burst of allocations (standard
library only: the accounts screen uses it before the HTTP stack is imported)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
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


_growing = 0  # growth_frozen() loops open now


@contextmanager
def growth_frozen() -> Iterator[Callable[[], None]]:
    """For a loop that keeps what it makes (the pages of a long account list): call the
    function given after each step, and every object the collector tracks by then is moved
    to its permanent generation (``gc.freeze``, which costs nothing), so no collection walks
    it again while the loop runs; everything is given back to the collector
    (``gc.unfreeze``) when the last such loop ends, failed or not (a reload starts a new load
    before the one it stops has ended). Left to itself, the collector made one full walk of
    everything, every row loaded so far with it, while 50,000 accounts came in (~18 ms), and
    spent ~54 ms in all over the load; ~27 ms with this. Garbage made meanwhile is collected
    as usual unless it lived across a step: then at the first collection after the end."""
    global _growing
    _growing += 1
    try:
        yield gc.freeze
    finally:
        _growing -= 1
        if not _growing:
            gc.unfreeze()
