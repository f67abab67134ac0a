"""A large file prepared in a second process gives exactly what one process gives (ADR 0007).

``intake.parallel`` forks a child that checks, hashes and encrypts the next batches while the
parent writes. These tests run the same file both ways and compare every outcome and every
stored row, and check what happens when the child fails.
"""

from __future__ import annotations

import io
import multiprocessing
import os

import pytest
from django.db import transaction

from meldpunt.cases.models import Case, CaseStatusChange
from meldpunt.intake.files import FileRefused, open_signal_file
from meldpunt.intake.models import Signal, SignalImport
from meldpunt.intake.parallel import PreparationFailed, prepared_batches
from meldpunt.intake.pipeline import IntakeRun
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
    stored = sorted(
        Signal.objects.values_list(
            "partner_reference", "status", "decision", "case__household_index", "case__status"
        )
    )
    counts = (
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        ProcessingLogEntry.objects.filter(name="signal.receive.bestand").count(),
    )
    return outcomes, stored, counts


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
    assert Signal.objects.count() == 8  # the first two batches, whole
    assert ProcessingLogEntry.objects.filter(name="signal.receive.bestand").count() == 8
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.FAILED and batch.rows_done == 8
    assert multiprocessing.active_children() == []

    # Delivering the file again completes it: nothing lost, nothing doubled.
    again = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    summary = signal_import_run(batch=again, stream=io.BytesIO(content), by=None, chunk_size=4)
    assert (summary.accepted, summary.already_received) == (20, 8)
    assert Signal.objects.count() == 20


@pytest.mark.django_db
def test_a_file_refused_by_the_structure_check_stops_the_child_and_stores_nothing(
    covenant, settings
):
    settings.MELDPUNT_INTAKE_PARALLEL = True
    good = csv_text([row(i) for i in range(1, 13)]).encode()
    broken = good + b"REF-9;A.;\x00kapot\r\n"  # a NUL byte after twelve good rows
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
