"""gcpause: the collector frozen while a long list loads, and given back afterwards."""

from __future__ import annotations

import gc
import weakref

import pytest

from ccm_tui.gcpause import growth_frozen


def test_growth_frozen_freezes_at_each_step_and_gives_everything_back():
    """What the loop keeps is frozen at each step (no collection walks it while the list
    loads) and unfrozen at the end, the loop failed or not; garbage that lived across a step
    is collected once it is given back."""
    class Node:
        pass

    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), growth_frozen() as step_done:
        node = Node()
        node.cycle = node  # garbage only a collection frees
        ref = weakref.ref(node)
        del node
        step_done()
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert ref() is not None  # frozen: not walked
        raise RuntimeError("the list failed part way")
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None


def test_a_load_started_before_the_last_one_ended_keeps_the_freeze_until_both_end():
    """A reload cancels the load it replaces, whose end may come after the new one began:
    nothing is given back until the last one ends, and then everything is."""
    first, second = growth_frozen(), growth_frozen()
    step_first = first.__enter__()
    step_second = second.__enter__()
    step_first()
    step_second()
    first.__exit__(None, None, None)
    assert gc.get_freeze_count() > 0  # the second is still loading
    second.__exit__(None, None, None)
    assert gc.get_freeze_count() == 0
