"""The sizes of a prepared import's batches: small at first, growing to the batch size.

The writer can write nothing before the preparing process has its first batch ready, and on a
quiet machine preparing a row costs about three quarters of writing it
(docs/adr/0121-intake-ratio.md). A first batch of an eighth of the batch size is ready in an
eighth of the time; each next batch a quarter larger is ready by the time the writer has
written the one before, so the writer waits once, briefly, instead of for a whole batch.
(Doubling each time, tried first, outran the writer and made it wait at every step.)

No Django here: `make bench` uses it to know where the batches of an import end.
"""

from __future__ import annotations

from collections.abc import Iterator

FIRST = 8  # the first batch: an eighth of the batch size
GROWTH = 1.25  # each next one a quarter larger, up to the batch size


def batch_sizes(size: int) -> Iterator[int]:
    """The number of rows of each batch in turn, for batches of at most ``size`` rows."""
    current = max(1, size // FIRST)
    while current < size:
        yield current
        current = max(current + 1, int(current * GROWTH))
    while True:
        yield size


def batch_ends(rows: int, size: int) -> set[int]:
    """How many rows an import of ``rows`` rows has written after each whole batch."""
    ends, done = {0}, 0
    sizes = batch_sizes(size)
    while done < rows:
        done = min(rows, done + next(sizes))
        ends.add(done)
    return ends
