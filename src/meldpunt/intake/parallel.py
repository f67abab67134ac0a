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
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterator
from typing import Any

from .files import FileRefused
from .pipeline import IntakeRun, Prepared, chunks


class PreparationFailed(Exception):
    """The preparing process stopped without finishing the file."""


def prepared_batches(
    run: IntakeRun, rows: Iterator[tuple[int, dict[str, Any]]], size: int, *, parallel: bool
) -> Iterator[Prepared]:
    """The file's rows in prepared batches of ``size``, in order.

    With ``parallel`` (and more than one core) a child process prepares them ahead.
    """
    if not parallel or (os.cpu_count() or 1) < 2:
        for chunk in chunks(rows, size):
            yield run.prepare(chunk)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_prepare_all, args=(run, rows, size, sender), name="intake-prepare", daemon=True
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                # Our own child, through a pipe only the two processes hold.
                kind, payload = pickle.loads(receiver.recv_bytes())  # noqa: S301
            except EOFError:
                raise PreparationFailed(
                    "Het voorbereidende proces is onverwacht gestopt."
                ) from None
            if kind == "done":
                return
            if kind == "refused":
                raise FileRefused(payload)
            if kind == "error":
                raise PreparationFailed(f"Fout bij het voorbereiden van de regels ({payload}).")
            yield payload
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():  # the writer stopped early: the child's work is not needed
            child.kill()
            child.join()


def _prepare_all(run: IntakeRun, rows: Iterator, size: int, sender: Any) -> None:
    """In the child: prepare every batch and send it; then "done" (or why it stopped)."""
    try:
        for chunk in chunks(rows, size):
            sender.send_bytes(pickle.dumps(("batch", run.prepare(chunk)), protocol=5))
        message: tuple[str, Any] = ("done", None)
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
