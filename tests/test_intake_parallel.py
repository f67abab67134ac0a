"""A large file prepared in a second process gives exactly what one process gives (ADR 0007).

``intake.parallel`` forks a child that checks, hashes and encrypts the next batches while the
parent writes. These tests run the same file both ways and compare every outcome and every
stored row, and check what happens when the child fails.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import signal
from itertools import islice, pairwise

import pytest
from django.db import connection, transaction

from meldpunt.cases.models import Case, CaseMember, CaseStatusChange, Person, Signal, Tenancy
from meldpunt.intake.files import FileRefused, open_signal_file
from meldpunt.intake.models import SignalImport
from meldpunt.intake.parallel import PreparationFailed, prepared_batches, ramped
from meldpunt.intake.pipeline import IntakeRun
from meldpunt.intake.ramp import batch_ends, batch_sizes
from meldpunt.intake.services import signal_import_create, signal_import_run
from meldpunt.privacy import chain
from meldpunt.privacy.models import ProcessingLogEntry

from .corpus.build import csv_text, row


def _mixed_file() -> bytes:
    """Valid rows, refusals, households that repeat, and one delivery twice."""
    rows = []
    for i in range(1, 31):
        over: dict[str, str] = {}
        if i % 7 == 0:
            over["postcode"] = "9999 ZZ"  # outside the municipality
        if i % 11 == 0:
            over["achterstand_bedrag"] = "nul"
        if i % 5 == 0:
            # the same household as row 1: joins its case, or a repeat when not higher
            over.update(huisnummer="11", achterstand_bedrag=f"{1000 + 100 * (i % 3)},00")
        if i % 4 == 0:
            over["crisissignaal"] = "ja"
        if i % 9 == 0:
            over.update(achterstand_bedrag="10,00")  # outside the target group
        rows.append(row(i, **over))
    rows.append(row(3))  # the same delivery again, in a later batch
    return csv_text(rows).encode()


def _import(partner, content: bytes, *, reopen: bool = False):
    batch = signal_import_create(partner=partner, by=None, file_name="groot.csv")
    summary = signal_import_run(
        batch=batch,
        stream=io.BytesIO(content),
        by=None,
        chunk_size=4,
        reopen=(lambda: io.BytesIO(content)) if reopen else None,
    )
    outcomes = [
        (o.row, o.status, o.errors, o.signal_status, o.already_received) for o in summary.rows
    ]
    # Every stored column except the fresh ids and times, cases through their signals.
    skip = {"id", "public_id", "subject_id", "received_at", "delivery_id", "case", "person",
            "tenancy"}  # fmt: skip
    names = [f.attname for f in Signal._meta.concrete_fields if f.name not in skip]
    case_names = ["status", "track", "provider_id", "district_id", "crisis", "routing_reason"]
    stored = sorted(
        (
            tuple(repr(getattr(s, n)) for n in names),
            tuple(getattr(s.case, n) for n in case_names) if s.case_id else None,
            CaseStatusChange.objects.filter(case_id=s.case_id).count() if s.case_id else 0,
        )
        for s in Signal.objects.select_related("case")
    )
    counts = (
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        Person.objects.count(),
        Tenancy.objects.count(),
        CaseMember.objects.count(),
        ProcessingLogEntry.objects.filter(name="signal.receive.bestand").count(),
    )
    return outcomes, stored, counts


needs_two_cores = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="a second process is only used with two or more cores"
)


@needs_two_cores
@pytest.mark.django_db
@pytest.mark.parametrize("reopen", [False, True], ids=["after-the-check", "from-the-start"])
def test_a_file_prepared_in_a_second_process_is_stored_exactly_as_by_one_process(
    covenant, settings, tmp_path, reopen
):
    content = _mixed_file()
    settings.MELDPUNT_INTAKE_PARALLEL = False
    with transaction.atomic():
        one_process = _import(covenant["eigen-haard"], content)
        transaction.set_rollback(True)
    assert not Signal.objects.exists()

    # Record which processes prepared batches: the parent must not have done it.
    pids = tmp_path / "pids"
    prepare = IntakeRun.prepare

    def recording(self, rows):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return prepare(self, rows)

    settings.MELDPUNT_INTAKE_PARALLEL = True
    IntakeRun.prepare = recording
    try:
        two_processes = _import(covenant["eigen-haard"], content, reopen=reopen)
    finally:
        IntakeRun.prepare = prepare
    assert two_processes == one_process
    outcomes, stored, counts = two_processes
    assert len(outcomes) == 31 and counts[0] >= 1
    assert len(stored) == sum(1 for o in outcomes if o[1] == "accepted" and not o[4])
    assert {"refused", "accepted"} == {o[1] for o in outcomes}
    assert outcomes[-1][4] is True  # row 31 repeats row 3: already received
    preparers = set(pids.read_text().split())
    assert preparers and str(os.getpid()) not in preparers
    assert chain.verify().ok
    assert multiprocessing.active_children() == []


@needs_two_cores
@pytest.mark.django_db
def test_when_the_preparing_process_fails_the_import_stops_with_whole_batches_only(
    covenant, settings
):
    settings.MELDPUNT_INTAKE_PARALLEL = True
    calls = {"n": 0}
    prepare = IntakeRun.prepare

    def failing(self, rows):
        calls["n"] += 1  # counted in the child, which has its own copy
        if calls["n"] == 3:
            raise ValueError("kapot")
        return prepare(self, rows)

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    content = csv_text([row(i) for i in range(1, 21)]).encode()
    IntakeRun.prepare = failing
    try:
        with pytest.raises(PreparationFailed) as failure:
            signal_import_run(batch=batch, stream=io.BytesIO(content), by=None, chunk_size=4)
    finally:
        IntakeRun.prepare = prepare
    assert "ValueError" in str(failure.value) and "kapot" not in str(failure.value)
    # The first two batches, whole: 1 and 2 rows of batches of 4 (intake.ramp).
    assert Signal.objects.count() == 3
    assert ProcessingLogEntry.objects.filter(name="signal.receive.bestand").count() == 3
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.FAILED and batch.rows_done == 3
    assert multiprocessing.active_children() == []

    # Delivering the file again completes it: nothing lost, nothing doubled.
    again = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    summary = signal_import_run(batch=again, stream=io.BytesIO(content), by=None, chunk_size=4)
    assert (summary.accepted, summary.already_received) == (20, 3)
    assert Signal.objects.count() == 20


@pytest.mark.django_db
def test_a_file_refused_by_the_structure_check_stops_the_child_and_stores_nothing(
    covenant, settings
):
    settings.MELDPUNT_INTAKE_PARALLEL = True
    good = csv_text([row(i) for i in range(1, 41)]).encode()
    assert len(good) > 8192  # past the first look at the file: found by the structure check
    broken = good + b"REF-9;A.;\x00kapot\r\n"  # a NUL byte after forty good rows
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    with pytest.raises(FileRefused):
        signal_import_run(
            batch=batch,
            stream=io.BytesIO(broken),
            by=None,
            chunk_size=4,
            reopen=lambda: io.BytesIO(broken),
        )
    assert not Signal.objects.exists() and not Case.objects.exists()
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.REFUSED
    assert multiprocessing.active_children() == []


@needs_two_cores
@pytest.mark.django_db
def test_the_preparing_process_ends_by_itself_when_the_writer_is_gone(covenant):
    """After a kill -9 of the writer nothing reads the pipe: the child must not wait forever."""
    content = csv_text([row(i) for i in range(1, 201)]).encode()
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    batches = prepared_batches(
        run, lambda: open_signal_file(io.BytesIO(content)).rows, 1, parallel=True
    )
    child = batches._child
    batches._receiver.close()  # what the writer's death does to its end of the pipe
    child.join(timeout=30)  # a safety net only: the child leaves at its next send
    try:
        assert child.exitcode is not None, "the preparing process still waits on a dead writer"
    finally:
        batches.close()


@needs_two_cores
@pytest.mark.django_db
def test_the_preparing_process_may_not_use_the_database(covenant, settings):
    settings.MELDPUNT_INTAKE_PARALLEL = True
    prepare = IntakeRun.prepare

    def querying(self, rows):
        Signal.objects.count()
        return prepare(self, rows)

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    content = csv_text([row(i) for i in range(1, 9)]).encode()
    IntakeRun.prepare = querying
    try:
        with pytest.raises(PreparationFailed, match="RuntimeError"):
            signal_import_run(batch=batch, stream=io.BytesIO(content), by=None, chunk_size=4)
    finally:
        IntakeRun.prepare = prepare
    assert not Signal.objects.exists()
    connection.ensure_connection()  # the parent's connection is untouched


@needs_two_cores
@pytest.mark.django_db
def test_a_file_that_changes_while_it_is_read_fails_the_import(covenant, settings):
    settings.MELDPUNT_INTAKE_PARALLEL = True
    checked = csv_text([row(i) for i in range(1, 13)]).encode()
    shorter = csv_text([row(i) for i in range(1, 9)]).encode()
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    with pytest.raises(PreparationFailed, match="12 regels gecontroleerd, 8 gelezen"):
        signal_import_run(
            batch=batch,
            stream=io.BytesIO(checked),
            by=None,
            chunk_size=4,
            reopen=lambda: io.BytesIO(shorter),
        )
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.FAILED


def _count_alive(kind: type) -> int:
    # type() rather than isinstance(): a dead weak proxy among the objects raises on isinstance.
    return sum(1 for o in gc.get_objects() if type(o) is kind)


@pytest.mark.django_db
def test_cycles_made_while_checking_rows_are_freed_after_each_batch(covenant, settings):
    """The collector is off during an import; an invalid e-mail makes a Django ValidationError,
    which lists itself (a cycle). Each batch's cycles must be gone before the next batch."""
    from django.core.exceptions import ValidationError

    settings.MELDPUNT_INTAKE_PARALLEL = False  # checked in this process, where we can look
    alive_after_batch = []

    def count_errors(outcomes):
        alive_after_batch.append(_count_alive(ValidationError))

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    content = csv_text([row(i, email="geen-adres") for i in range(1, 13)]).encode()
    gc.collect()
    before = _count_alive(ValidationError)
    signal_import_run(
        batch=batch, stream=io.BytesIO(content), by=None, chunk_size=4, on_chunk=count_errors
    )
    # on_chunk runs before the batch's clean-up: at most one batch's errors are alive.
    assert len(alive_after_batch) == 3
    assert max(alive_after_batch) - before <= 4


@needs_two_cores
@pytest.mark.django_db
def test_a_terminated_preparing_process_fails_the_import_cleanly(covenant):
    """SIGTERM (a service stop) ends the child at once, not through inherited handlers."""
    content = csv_text([row(i) for i in range(1, 201)]).encode()
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    # Like the task worker: a graceful-shutdown handler that does not exit by itself.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        batches = prepared_batches(
            run, lambda: open_signal_file(io.BytesIO(content)).rows, 1, parallel=True
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    try:
        next(batches)  # the child is at work (past its set-up)
        os.kill(batches._child.pid, signal.SIGTERM)
        batches._child.join(timeout=30)  # a safety net only
        assert batches._child.exitcode == -signal.SIGTERM
        with pytest.raises(PreparationFailed):
            for _batch in batches:
                pass
    finally:
        batches.close()


@needs_two_cores
@pytest.mark.django_db
def test_a_prepared_import_starts_with_small_batches_that_grow(covenant, settings):
    # The writer waits for the first batch; a small first one lets it start sooner. Each batch
    # is still one transaction, written whole, and none is larger than the batch size.
    settings.MELDPUNT_INTAKE_PARALLEL = True
    content = csv_text([row(i) for i in range(1, 61)]).encode()
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    sizes = []
    summary = signal_import_run(batch=batch, stream=io.BytesIO(content), by=None, chunk_size=16,
                                reopen=lambda: io.BytesIO(content),
                                on_chunk=lambda outcomes: sizes.append(len(outcomes)))  # fmt: skip
    assert sizes == [2, 3, 4, 5, 6, 7, 8, 10, 12, 3] and summary.accepted == 60
    assert batch_ends(60, 16) == {0, 2, 5, 9, 14, 20, 27, 35, 45, 57, 60}


def test_batch_sizes_grow_to_the_batch_size_and_cover_every_row():
    for size in (1, 4, 500, 5000):
        sizes = list(islice(batch_sizes(size), 40))
        assert sizes[0] == max(1, size // 8) and max(sizes) == size == sizes[-1]
        assert all(b >= a for a, b in pairwise(sizes))
        assert all(b <= a * 1.25 + 1 for a, b in pairwise(sizes))
    for rows in (0, 1, 7, 30, 5000):
        chunks = list(ramped(iter(range(rows)), 4))
        assert [r for c in chunks for r in c] == list(range(rows))
        ends, done = {0}, 0
        for c in chunks:
            done += len(c)
            ends.add(done)
        assert ends == batch_ends(rows, 4)
