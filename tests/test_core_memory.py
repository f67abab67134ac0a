"""core.memory: bulk work pauses the cyclic garbage collector and always restores it."""

import gc

import pytest

from meldpunt.core.memory import without_cycle_collection


def test_the_collector_is_paused_inside_and_restored_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), without_cycle_collection():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
        raise RuntimeError
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
