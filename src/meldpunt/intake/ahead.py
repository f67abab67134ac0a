"""Writing a file's batches one ahead: batch N+1 is decided while batch N is written.

On PostgreSQL the writer of a large file spends most of each batch waiting for the server: for
the COPY of its rows and for the commit, where the server checks the foreign keys of every new
row (issue 14: 3.0 s of the writer's 4.3 s for 20,000 rows). Deciding the next batch, its
look-ups and the rules, waits for little but the processor. So a thread with a connection of
its own writes batch N while the caller's thread decides N+1 (docs/adr/0127-write-ahead.md):

- N+1 is decided in a REPEATABLE READ, READ ONLY snapshot. If that snapshot holds N (committed
  before it was taken) the look-ups find N in the database; if not, they add what N adds
  (``filing.InFlight``). N's transaction id tells which (``pg_visible_in_snapshot``), so N+1 is
  decided exactly as after N's commit.
- N+1's open cases are not locked while it is decided (a read-only transaction cannot, and the
  lock would wait for N's writer). Its writer locks them and gives up when one was closed,
  picked up or routed otherwise in between (``filing.CaseFileChanged``); a concurrent delivery
  of the same signal or person is a unique violation. Then that batch and every batch after it
  are written one after another as before (``IntakeRun.write``: decided again with the cases
  locked).
- One batch is written at a time, in the file's order, each in one transaction; a batch's
  outcomes are given once it is committed. A crash leaves whole batches, as before.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from itertools import chain
from typing import NamedTuple

from django.db import IntegrityError, connection, connections, transaction

from meldpunt.cases.filing import CaseFileChanged
from meldpunt.core.tracing import current_trace_id

from .pipeline import Decided, IntakeRun, Prepared, RowOutcome


def can_write_ahead() -> bool:
    """Whether this connection can have batches written ahead: PostgreSQL (a snapshot tells
    which batch it holds), and not inside a transaction (the writer's own connection would not
    see what the caller's transaction wrote)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def written(
    run: IntakeRun, batches: Iterable[Prepared], *, ahead: bool
) -> Iterator[list[RowOutcome]]:
    """Each batch's outcomes in row order (as ``IntakeRun.write``) once it is committed.

    ``ahead`` (see ``can_write_ahead``): decide each next batch while the one before is
    written. Close the iterator when stopping early: it waits for the batch being written.
    """
    if not ahead:
        for prepared in batches:
            yield run.write(prepared)
        return
    yield from _WriteAhead(run).outcomes(iter(batches))


class _Writing(NamedTuple):
    prepared: Prepared
    decided: Decided
    xid: Future  # the id of the transaction that writes it, as soon as it has one
    done: Future  # its result: None once committed


class _WriteAhead:
    def __init__(self, run: IntakeRun) -> None:
        self.run = run
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-writer")
        # The writer runs in copies of this context: the trace id is made here, once, so every
        # batch is recorded under the import's trace id, as one batch after another would be.
        current_trace_id()

    def outcomes(self, batches: Iterator[Prepared]) -> Iterator[list[RowOutcome]]:
        writing: _Writing | None = None
        try:
            while True:
                try:
                    prepared = next(batches, None)
                    decided = None if prepared is None else self._decide(prepared, writing)
                except Exception:
                    # The batch being written is reported first, as one after another would.
                    if writing is not None and self._committed(writing):
                        yield _in_row_order(writing.decided)
                        writing = None
                    raise
                if prepared is None:
                    break
                if writing is not None:
                    if not self._committed(writing):
                        # What was decided against the failed batch is dropped.
                        yield from self._one_by_one([writing.prepared, prepared], batches)
                        writing = None
                        return
                    yield _in_row_order(writing.decided)
                # (None only when the batch before failed, handled above.)
                assert decided is not None
                writing = self._write(prepared, decided)
            if writing is not None:
                if not self._committed(writing):
                    yield from self._one_by_one([writing.prepared])
                else:
                    yield _in_row_order(writing.decided)
                writing = None
        finally:
            self._stop(writing)

    def _decide(self, prepared: Prepared, writing: _Writing | None) -> Decided | None:
        """Decide a batch while ``writing`` is written; None if that one failed first."""
        answers = self.run.register_answers(prepared)
        after = None
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if writing is not None:
                try:
                    xid = writing.xid.result()
                except Exception:
                    return None
                # The first query takes the snapshot the whole decision reads.
                cursor.execute(
                    "SELECT pg_visible_in_snapshot(%s::xid8, pg_current_snapshot())", [xid]
                )
                if not cursor.fetchone()[0]:
                    after = writing.decided
            decided = self.run.decide(
                prepared.checked, dict(prepared.refused), answers, after=after, lock=False
            )
        decided.stage()  # after the read-only transaction: it may not take sequence values
        return decided

    def _write(self, prepared: Prepared, decided: Decided) -> _Writing:
        xid: Future = Future()
        context = contextvars.copy_context()
        done = self.pool.submit(context.run, self._commit, decided, xid)
        return _Writing(prepared, decided, xid, done)

    def _commit(self, decided: Decided, xid: Future) -> None:
        """In the writer's thread, on its own connection: one batch, one transaction."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_xact_id()::text")
                    xid.set_result(cursor.fetchone()[0])
                self.run.commit(decided)
        except BaseException as exc:
            if not xid.done():
                xid.set_exception(exc)
            raise

    @staticmethod
    def _committed(writing: _Writing) -> bool:
        """Whether the batch was committed; False when the case file changed under it."""
        try:
            writing.done.result()
        except (IntegrityError, CaseFileChanged):
            return False
        return True

    def _one_by_one(
        self, first: list[Prepared], rest: Iterable[Prepared] = ()
    ) -> Iterator[list[RowOutcome]]:
        for prepared in chain(first, rest):
            yield self.run.write(prepared)

    def _stop(self, writing: _Writing | None) -> None:
        """Wait for a batch still being written (it commits whole), then close the writer's
        connection and thread."""
        if writing is not None:
            wait([writing.done])
        with contextlib.suppress(Exception):
            self.pool.submit(connections.close_all).result()
        self.pool.shutdown()


def _in_row_order(decided: Decided) -> list[RowOutcome]:
    return [decided.outcomes[n] for n in sorted(decided.outcomes)]
