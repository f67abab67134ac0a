"""A file written one batch ahead is stored exactly as one batch after another (ADR 0127).

On PostgreSQL ``intake.ahead`` decides batch N+1 while a thread with a connection of its own
writes batch N; N+1's look-ups add what N adds when their snapshot does not hold N yet. These
tests run files whose later batches depend on earlier ones (the same tenant again, a repeat, a
co-tenant who joins a case, a crisis signal for an open case, a reference with another person
behind it, a delivery twice) both ways and compare every outcome and every stored row; and they
close a case between the moment a batch is decided and the moment it is written.

Transactional (ADR 0125): the writer's connection must see what the test's connection wrote.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from meldpunt.cases.filing import CaseFileChanged
from meldpunt.cases.models import Case, Signal
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake import ahead
from meldpunt.intake.pipeline import IntakeRun
from meldpunt.intake.services import signal_import_create, signal_import_run
from meldpunt.privacy import chain

from .corpus.build import csv_text, row
from .test_intake_parallel import _import

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="batches are written ahead on PostgreSQL only"
)
pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]

# Surnames without digits: a surname's key keeps only its letters ("Corpus1" is "Corpus2").
NAMES = ("", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
         "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Kok", "Jacobs", "Vermeulen", "Willems",
         "Koster", "Wolters", "Prins")  # fmt: skip
TENANT = {"huisnummer": "11", "partner_referentie": "REF-000001"}


def _row(i: int, **over: str) -> dict[str, str]:
    return row(i, **{"achternaam": NAMES[i], **over})


def _dependent_file() -> bytes:
    """Batches of four whose rows depend on the batch before (the one still being written
    when they are decided) and on earlier ones."""
    batches = [
        [_row(1, **TENANT), _row(2), _row(3), _row(4)],
        [
            _row(1, **TENANT, achterstand_bedrag="1.800,00"),  # higher: joins row 1's case
            # Row 3's reference, another date of birth: another person, a tenancy of its own.
            _row(13, partner_referentie="REF-000003", geboortedatum="01-01-1980"),
            _row(5),
            _row(6),
        ],
        [
            # Not higher than the batch before: a repeat, kept with the case.
            _row(1, **TENANT, achterstand_bedrag="1.800,00", signaaldatum="31-08-2026"),
            _row(5, achterstand_bedrag="2.500,00", crisissignaal="ja"),  # joins, crisis
            # With row 13's tenant (new in the batch before) as co-tenant.
            _row(
                17,
                medehuurder_voorletters="A.",
                medehuurder_achternaam="Dijkstra",
                medehuurder_geboortedatum="01-01-1980",
            ),
            _row(1, **TENANT, achterstand_bedrag="1.800,00"),  # delivered again
        ],
        [
            _row(17, achterstand_bedrag="2.000,00"),  # joins the case opened the batch before
            # Row 13's tenant by the reference and date of birth, under another name.
            _row(
                19,
                partner_referentie="REF-000003",
                geboortedatum="01-01-1980",
                huisnummer="23",
                achterstand_bedrag="1.700,00",
            ),
            _row(3),  # delivered again
            _row(6, achterstand_bedrag="1.200,00"),  # lower: a repeat
        ],
        [
            _row(1, **TENANT, achterstand_bedrag="3.000,00"),
            _row(
                13,
                partner_referentie="REF-000003",
                geboortedatum="01-01-1980",
                achterstand_bedrag="2.000,00",
            ),
            _row(5, achterstand_bedrag="3.000,00"),
            _row(8),
        ],
    ]
    return csv_text([r for batch in batches for r in batch]).encode()


def _written_by(monkeypatch) -> set[tuple[str, int]]:
    """The threads that commit batches (the writer's is ``intake-writer…``), each with the
    server process of its connection."""
    names: set[tuple[str, int]] = set()
    commit = IntakeRun.commit

    def recording(self, decided):
        names.add((threading.current_thread().name, connection.connection.info.backend_pid))
        return commit(self, decided)

    monkeypatch.setattr(IntakeRun, "commit", recording)
    return names


@pytest.mark.parametrize("content", [_dependent_file(), None], ids=["dependent", "mixed"])
def test_a_file_written_ahead_is_stored_exactly_as_one_batch_after_another(
    covenant, settings, monkeypatch, content
):
    from .test_intake_parallel import _mixed_file

    content = content or _mixed_file()
    settings.MELDPUNT_INTAKE_PARALLEL = False
    with transaction.atomic():  # inside a transaction: one batch after another
        one_by_one = _import(covenant["eigen-haard"], content)
        transaction.set_rollback(True)
    assert not Signal.objects.exists()

    writers = _written_by(monkeypatch)
    written_ahead = _import(covenant["eigen-haard"], content)
    [(name, backend)] = writers
    assert name.startswith("intake-writer")
    assert backend != connection.connection.info.backend_pid  # a connection of its own
    assert written_ahead == one_by_one
    assert written_ahead[2][0] >= 1 and chain.verify().ok


def test_the_dependent_file_exercises_what_it_says(covenant, settings):
    """The rows of ``_dependent_file`` do what its comments say, so the comparison above
    compares batches that depend on the batch before."""
    settings.MELDPUNT_INTAKE_PARALLEL = False
    outcomes, _stored, _counts = _import(covenant["eigen-haard"], _dependent_file())
    by_line = {line: (status, again) for line, _s, _e, status, again in outcomes}
    assert by_line[10] == (SignalStatus.REPEAT, False)  # after line 6, the batch before
    assert by_line[13][1] and by_line[16][1]  # delivered again: the batch before; three before
    assert by_line[17] == (SignalStatus.REPEAT, False)

    def signals(reference: str) -> list[Signal]:
        return list(Signal.objects.filter(partner_reference=reference).order_by("id"))

    five = signals("REF-000005")  # a case opened by the batch before, crisis, then joined
    assert len(five) == 3 and len({s.case_id for s in five}) == 1 and five[0].case.crisis
    seventeen = signals("REF-000017")
    assert len(seventeen) == 2 and seventeen[0].case_id == seventeen[1].case_id
    three = [s.person_id for s in signals("REF-000003")]  # row 3, then row 13's tenant
    assert len(three) == 4 and three[0] != three[1] == three[2] == three[3]


def test_a_case_closed_after_the_next_batch_was_decided_gets_that_batch_decided_again(
    covenant, settings, monkeypatch
):
    """Batch 2 is decided (joining the case of row 1) before batch 1 is reported; the case is
    closed in between. Its writer finds the case closed and batch 2 is decided again, with the
    cases locked: line 6 opens a new case, as one batch after another would."""
    settings.MELDPUNT_INTAKE_PARALLEL = False
    content = _two_batches_for_one_tenant()
    changed: list[bool] = []
    lock = IntakeRun.commit

    def recording(self, decided):
        try:
            return lock(self, decided)
        except CaseFileChanged:
            changed.append(True)
            raise

    monkeypatch.setattr(IntakeRun, "commit", recording)

    def close_the_first_case(outcomes) -> None:
        if outcomes[0].row == 2:  # the first batch (line 1 is the header)
            Case.objects.filter(signals__partner_reference="REF-000001").update(
                status=CaseStatus.CLOSED
            )

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="a.csv")
    summary = signal_import_run(batch=batch, stream=io.BytesIO(content), by=None, chunk_size=4,
                                on_chunk=close_the_first_case)  # fmt: skip
    assert changed == [True]
    assert summary.accepted == 6
    cases = list(
        Case.objects.filter(signals__partner_reference="REF-000001").order_by("id").distinct()
    )
    assert len(cases) == 2
    assert cases[0].status == CaseStatus.CLOSED and cases[1].status != CaseStatus.CLOSED
    # Line 2's signal stays with the closed case; line 6's is in the new one.
    assert [s.case_id for s in Signal.objects.filter(partner_reference="REF-000001").order_by("id")
            ] == [cases[0].pk, cases[1].pk]  # fmt: skip
    assert chain.verify().ok


def _two_batches_for_one_tenant() -> bytes:
    return csv_text(
        [_row(1, **TENANT), _row(2), _row(3), _row(4),
         _row(1, **TENANT, achterstand_bedrag="1.900,00"), _row(6)]
    ).encode()  # fmt: skip


def test_a_case_picked_up_after_the_next_batch_was_decided_gets_its_signal_picked_up(
    covenant, settings
):
    """The provider picks up row 1's case after batch 2 was decided (joining it as "Nog niet
    opgepakt") and before batch 2 is written: line 6's signal is "Opgepakt", as it would be
    one batch after another (the pick-up makes the case's signals "Opgepakt")."""
    settings.MELDPUNT_INTAKE_PARALLEL = False

    def pick_up_the_first_case(outcomes) -> None:
        if outcomes[0].row == 2:
            Case.objects.filter(signals__partner_reference="REF-000001").update(
                picked_up_on=timezone.localdate()
            )
            Signal.objects.filter(partner_reference="REF-000001").update(
                status=SignalStatus.PICKED_UP
            )

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="a.csv")
    signal_import_run(batch=batch, stream=io.BytesIO(_two_batches_for_one_tenant()), by=None,
                      chunk_size=4, on_chunk=pick_up_the_first_case)  # fmt: skip
    signals = Signal.objects.filter(partner_reference="REF-000001").order_by("id")
    assert [s.status for s in signals] == [SignalStatus.PICKED_UP, SignalStatus.PICKED_UP]
    assert len({s.case_id for s in signals}) == 1


def test_a_batch_being_written_is_reported_when_the_next_one_fails(covenant, settings, monkeypatch):
    """Deciding batch 2 fails while batch 1 is written: batch 1 is committed, and reported in
    the delivery's progress before the import fails, as one batch after another would."""
    settings.MELDPUNT_INTAKE_PARALLEL = False
    decide = IntakeRun.decide
    calls: list[int] = []

    def failing_the_second(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the register is gone")
        return decide(self, *args, **kwargs)

    monkeypatch.setattr(IntakeRun, "decide", failing_the_second)
    reported: list[int] = []
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="a.csv")
    with pytest.raises(RuntimeError):
        signal_import_run(batch=batch, stream=io.BytesIO(_two_batches_for_one_tenant()), by=None,
                          chunk_size=4, on_chunk=lambda o: reported.append(len(o)))  # fmt: skip
    batch.refresh_from_db()
    assert reported == [4]
    assert (batch.rows_done, batch.accepted, Signal.objects.count()) == (4, 4, 4)
    assert batch.status == batch.Status.FAILED


def test_inside_a_transaction_batches_are_written_one_after_another(covenant):
    with transaction.atomic():
        assert not ahead.can_write_ahead()
    assert ahead.can_write_ahead()
