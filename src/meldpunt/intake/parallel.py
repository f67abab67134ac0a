"""Preparing the next batches of a large file in a second process while this one writes.

Checking, keyed hashing and encrypting a row is pure Python work that needs no database; the
writer's work is mostly the database's. On a machine with two or more cores a forked child
process reads and prepares the file ahead of the writer, so both run at once
(docs/adr/0007-intake-throughput.md).

Safety of the split:
- the child never touches the database: it only calls ``IntakeRun.prepare`` on rows it reads
  from the file, using the routing table, configuration and keys the parent loaded before the
  fork. It leaves by ``os._exit`` (multiprocessing does), so the parent's inherited database
  connection is never closed or used from the child;
- batches travel through a pipe that holds at most a batch or so: the child cannot run far
  ahead (memory stays bounded) and dies with a broken pipe as soon as the writer is gone,
  also after a ``kill -9`` of the writer;
- an error in the child reaches the writer as an exception; batches already written stay
  whole, exactly as when one process does both.

The child's first batches are smaller (``intake.ramp``), so the writer starts sooner.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Generator, Iterator
from itertools import islice
from typing import Any, Protocol

from django.db import connections

from meldpunt.core.memory import collect_young

from .files import FileRefused
from .pipeline import IntakeRun, Prepared, chunks
from .ramp import batch_sizes


class PreparationFailed(Exception):
    """The preparing process stopped without finishing the file."""


Rows = Iterator[tuple[int, dict[str, Any]]]


class Batches(Protocol):
    """Prepared batches in order; ``close`` stops the preparing (and its process) early."""

    def __iter__(self) -> Iterator[Prepared]: ...

    def __next__(self) -> Prepared: ...

    def close(self) -> None: ...


def rows_read(batches: Batches) -> int | None:
    """Rows the preparing process read, when it read its own copy of the file."""
    return getattr(batches, "rows_read", None)


def prepared_batches(
    run: IntakeRun, rows: Rows | Callable[[], Rows], size: int, *, parallel: bool
) -> Batches:
    """The file's rows in prepared batches of ``size``, in order.

    With ``parallel`` (and more than one core) a child process starts preparing them at once,
    before the first batch is asked for. ``rows`` may be a function that opens the file: the
    child then reads its own copy, so the caller can still read the file meanwhile (the
    structure check of ``signal_import_run`` runs while the first batches are prepared).
    Close the returned iterator when stopping early: that stops the child.
    """
    if not parallel or (os.cpu_count() or 1) < 2:
        return _in_process(run, rows, size)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_prepare_all,
        args=(run, rows, size, sender, receiver),
        name="intake-prepare",
        daemon=True,
    )
    child.start()
    sender.close()
    return _FromChild(child, receiver)


def _opened(rows: Rows | Callable[[], Rows]) -> Rows:
    return rows() if callable(rows) else rows


def _in_process(
    run: IntakeRun, rows: Rows | Callable[[], Rows], size: int
) -> Generator[Prepared, None, None]:
    for chunk in chunks(_opened(rows), size):
        yield run.prepare(chunk)


class _FromChild:
    """Batches as the child sends them; ``close`` stops the child (also before the first)."""

    def __init__(self, child: Any, receiver: Any) -> None:
        self._child = child
        self._receiver = receiver
        self._closed = False
        self.rows_read: int | None = None  # how many rows the child read, once it is done

    def __iter__(self) -> _FromChild:
        return self

    def __next__(self) -> Prepared:
        try:
            # Our own child, through a pipe only the two processes hold.
            kind, payload = pickle.loads(self._receiver.recv_bytes())  # noqa: S301
        except EOFError:
            self.close()
            raise PreparationFailed("Het voorbereidende proces is onverwacht gestopt.") from None
        if kind == "batch":
            return payload
        if kind == "done":
            self.rows_read = payload
        self.close()
        if kind == "refused":
            raise FileRefused(payload)
        if kind == "error":
            raise PreparationFailed(f"Fout bij het voorbereiden van de regels ({payload}).")
        raise StopIteration

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._receiver.closed:
            self._receiver.close()
        self._child.join(timeout=5)
        if self._child.is_alive():  # stopped early: the child's work is not needed
            self._child.kill()
            self._child.join()


def ramped(rows: Iterator, size: int) -> Iterator[list]:
    """The rows in lists (one transaction each) of the sizes of ``ramp.batch_sizes``."""
    for count in batch_sizes(size):
        chunk = list(islice(rows, count))
        if not chunk:
            return
        yield chunk


_NICER = 10  # added to the preparing process's nice value


def _no_queries(*args: Any) -> None:
    raise RuntimeError("the preparing process must not use the database")


def _prepare_all(
    run: IntakeRun, rows: Rows | Callable[[], Rows], size: int, sender: Any, receiver: Any
) -> None:
    """In the child: prepare every batch and send it; then "done" (or why it stopped)."""
    # The child's inherited copy of the reading end must go: while any process holds it, a
    # send to a dead writer blocks forever instead of failing with a broken pipe.
    receiver.close()
    # Interrupt and terminate end the child at once; it must not run the handlers it inherited
    # (the task worker's graceful shutdown, Python's KeyboardInterrupt with a traceback).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The child only makes short-lived rows; the parent's heap it inherited is long-lived.
    gc.freeze()
    gc.disable()
    # The writer waits for the server, and the server for the writer; this process only needs
    # to keep ahead of them. At a lower priority it leaves them the processor when they want it
    # (100,000 rows into PostgreSQL: 21.6 s instead of 22.8 s in-process, ADR 0127).
    os.nice(_NICER)
    # Whatever would query the database here would use the parent's connection: refuse it.
    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(_no_queries)
    read = 0
    try:
        for chunk in ramped(_opened(rows), size):
            read += len(chunk)
            sender.send_bytes(pickle.dumps(("batch", run.prepare(chunk)), protocol=5))
            collect_young()
        message: tuple[str, Any] = ("done", read)
    except BrokenPipeError:
        return  # the writer is gone
    except FileRefused as exc:
        message = ("refused", str(exc))
    except Exception as exc:
        # Only the kind of error: its text may quote a row's content.
        message = ("error", type(exc).__name__)
    try:
        sender.send_bytes(pickle.dumps(message))
    except BrokenPipeError:
        pass
    finally:
        sender.close()
