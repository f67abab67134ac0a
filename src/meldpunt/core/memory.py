"""Bulk work without the cyclic garbage collector (docs/adr/0007-intake-throughput.md).

A large import allocates millions of short-lived tuples and strings; they hold no reference
cycles, so reference counting frees them. The cyclic collector still walked every live object
again and again — the whole Django heap on each full collection — and paused the import for
up to 0.1 s per batch (measured: 10.2 s → 9.7 s for 100,000 rows). Memory stays bounded: the
1,000,000-row benchmark in `make bench` reports the peak. Code that may make a cycle (an
exception with its traceback, a Django ValidationError that lists itself) is freed by
``collect_young`` after each batch: it looks only at objects made since the last call.

``gc.unfreeze`` at the end also unfreezes objects another part of the process froze; imports
run in the command line or the task worker, where nothing else freezes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Freeze the objects that exist now and pause the cyclic collector until the block ends."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def collect_young() -> None:
    """Free reference cycles among the objects made since the last call (cheap: one batch)."""
    gc.collect(0)
