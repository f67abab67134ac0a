"""Retention (bewaartermijnen): expired data is anonymised or deleted, statistics stay (issue #5).

Time travel with ``time_machine``; each rule is tested just before (kept) and just after
(removed) its period ends. See docs/adr/0006-retention.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from meldpunt.cases.models import (
    Case,
    CaseNote,
    CaseStatusChange,
    ContactAttempt,
    Instrument,
    InstrumentDeployment,
    Signal,
)
from meldpunt.cases.services import (
    case_close,
    case_note_add,
    contact_attempt_record,
    instrument_deploy,
)
from meldpunt.cases.vocabulary import NO_CONTACT, ContactKind, PartOfDay, SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.anonymous import ANONYMISED
from meldpunt.dataprotection.retention import retention_apply
from meldpunt.intake.models import SignalImport
from meldpunt.intake.personal_data import upload_dir
from meldpunt.intake.services import signal_submit
from meldpunt.privacy import chain
from meldpunt.privacy.models import (
    ProcessingLogEntry,
    RetentionCategory,
    RetentionDeletion,
    RetentionRun,
    RetentionUnit,
)
from meldpunt.privacy.retention import expiry_cutoff, retention_period, retention_period_set
from meldpunt.privacy.services import processing_log_record

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def submit(covenant, users, **overrides) -> Signal:
    return signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(**overrides),
    )


def unjustified(covenant, users, **overrides) -> Signal:
    """A signal outside the target group: kept only as a closed signal (not taken up)."""
    signal = submit(
        covenant, users, achterstand_bedrag="20,00", onbereikbaar_in_incasso="", **overrides
    )
    assert signal.status == SignalStatus.UNJUSTIFIED and signal.case_id is None
    return signal


def closed_case(covenant, users, today, **overrides) -> Signal:
    """A worked case (attempt, note, instrument with agreements), then closed."""
    signal = submit(covenant, users, **overrides)
    centram = users["centram"]
    contact_attempt_record(
        case_id=signal.case_id, by=centram, kind=ContactKind.PHONE, reached=True, on=today,
        part_of_day=PartOfDay.MORNING,
    )  # fmt: skip
    case_note_add(case_id=signal.case_id, by=centram, text="Ook schuld bij de energieleverancier")
    instrument_deploy(
        case_id=signal.case_id, by=centram, instrument=Instrument.objects.get(code="budgetbeheer"),
        deployed_on=today, agreements="Huur eerst betalen", first_due_on=today,
    )  # fmt: skip
    case_close(case_id=signal.case_id, by=centram, end_result=NO_CONTACT)
    return signal


def run_after(days: int) -> RetentionRun:
    with time_machine.travel(timezone.now() + timedelta(days=days), tick=False):
        return retention_apply(trigger="test")


def is_anonymised(signal: Signal) -> bool:
    signal.refresh_from_db()
    return signal.person_index.startswith(ANONYMISED) and signal.details == {}


def test_defaults_are_the_documented_periods(db):
    assert retention_period(RetentionCategory.SIGNAL_NOT_TAKEN_UP) == (6, RetentionUnit.MONTHS)
    assert retention_period(RetentionCategory.CLOSED_CASE) == (18, RetentionUnit.MONTHS)
    assert retention_period(RetentionCategory.PROCESSING_LOG) == (5, RetentionUnit.YEARS)
    assert retention_period(RetentionCategory.UPLOAD_FILE) == (7, RetentionUnit.DAYS)


def test_calendar_months_and_years():
    now = timezone.now().replace(year=2026, month=8, day=31)
    assert expiry_cutoff(now, 6, RetentionUnit.MONTHS).date().isoformat() == "2026-02-28"
    assert expiry_cutoff(now, 18, RetentionUnit.MONTHS).date().isoformat() == "2025-02-28"
    assert expiry_cutoff(now, 5, RetentionUnit.YEARS).date().isoformat() == "2021-08-31"
    assert expiry_cutoff(now, 7, RetentionUnit.DAYS).date().isoformat() == "2026-08-24"


def test_signal_not_taken_up_is_kept_for_six_months_then_anonymised(covenant, users):
    signal = unjustified(covenant, users)
    other = unjustified(covenant, users, partner_referentie="EH-2", achternaam="Anderspersoon")
    subject = str(signal.subject_id)

    run_after(170)
    assert not is_anonymised(signal)
    assert not RetentionDeletion.objects.exists()

    run = run_after(190)
    assert is_anonymised(signal) and is_anonymised(other)
    signal.refresh_from_db()
    assert signal.household_index == f"{ANONYMISED}s{signal.pk}"
    assert signal.partner_reference == "-"
    other.refresh_from_db()
    assert other.household_index != signal.household_index  # never pooled as one household
    assert signal.status == SignalStatus.UNJUSTIFIED  # statistics stay
    assert signal.received_at.day == 1 or signal.received_at.astimezone().day == 1
    record = RetentionDeletion.objects.get(run=run, object_type="signal")
    assert record.category == RetentionCategory.SIGNAL_NOT_TAKEN_UP
    assert record.count == 2 and str(signal.public_id) in record.object_ids
    assert subject in record.subject_ids
    # The deletion record holds ids and pseudonyms only, never a value of personal data.
    assert "Testpersoon" not in str(record.object_ids + record.subject_ids)
    logged = ProcessingLogEntry.objects.get(
        data_subject_id=subject, action="delete", object_type="signal"
    )
    assert logged.object_id == str(signal.public_id) and logged.actor is None
    assert "details" in logged.fields


def test_open_case_is_never_anonymised(covenant, users):
    signal = submit(covenant, users)
    run_after(365 * 3)
    assert not is_anonymised(signal)
    assert not Case.objects.get(pk=signal.case_id).household_index.startswith(ANONYMISED)


def test_closed_case_is_kept_18_months_after_closing_then_anonymised(covenant, users, today):
    signal = closed_case(covenant, users, today)
    case = Case.objects.get(pk=signal.case_id)

    run_after(30 * 17)
    assert not is_anonymised(signal)
    assert CaseNote.objects.filter(case=case).exists()

    run = run_after(30 * 19)
    assert is_anonymised(signal)
    case.refresh_from_db()
    assert case.household_index == f"{ANONYMISED}z{case.pk}" and case.routing_reason == ""
    signal.refresh_from_db()
    # Nothing links the anonymised rows to a person any more: no tenancy, no household member.
    assert signal.person_id is None and signal.tenancy_id is None
    assert not case.members.exists()
    assert case.status == CaseStatus.CLOSED and case.end_result == NO_CONTACT
    assert case.district_id is not None and case.provider_id is not None
    assert not CaseNote.objects.filter(case=case).exists()
    deployment = InstrumentDeployment.objects.get(case=case)
    assert deployment.agreements is None and deployment.deployed_on.day == 1
    assert ContactAttempt.objects.get(case=case).on.day == 1
    assert CaseStatusChange.objects.filter(case=case).count() >= 2  # append-only, kept
    kinds = dict(RetentionDeletion.objects.filter(run=run).values_list("object_type", "category"))
    # The tenancy born from the signal forgets its person too, now its signals are anonymised.
    assert kinds == {
        "signal": RetentionCategory.CLOSED_CASE,
        "case": RetentionCategory.CLOSED_CASE,
        "tenancy": RetentionCategory.SIGNAL_NOT_TAKEN_UP,
    }
    assert ProcessingLogEntry.objects.filter(
        action="delete", data_subject_id=str(case.subject_id), object_type="case"
    ).exists()


def test_anonymous_statistics_are_the_same_before_and_after(covenant, users, today):
    closed_case(covenant, users, today)
    unjustified(covenant, users, partner_referentie="EH-2")
    submit(covenant, users, partner_referentie="EH-3", achternaam="Derde", postcode="1021 AB",
           huisnummer="3")  # fmt: skip
    submit(covenant, users, partner_referentie="EH-4", achternaam="Vierde", postcode="1095 AB",
           huisnummer="8")  # fmt: skip

    def figures():
        return (
            sorted(Signal.objects.values_list("status", "district_id", "partner_id")
                   .annotate(n=Count("id"))),
            sorted(Case.objects.values_list("status", "district_id", "track", "end_result")
                   .annotate(n=Count("id"))),
            sorted(ContactAttempt.objects.values_list("kind", "reached").annotate(n=Count("id"))),
            sorted(InstrumentDeployment.objects.values_list("instrument__code")
                   .annotate(n=Count("id"))),
        )  # fmt: skip

    before = figures()
    run = run_after(30 * 19)
    # signals (two runs' worth of categories), the case, and the emptied tenancy
    assert set(RetentionDeletion.objects.filter(run=run).values_list("object_type", flat=True)) == {
        "signal", "case", "tenancy",
    }  # fmt: skip
    assert figures() == before
    assert Signal.objects.filter(person_index__startswith=ANONYMISED).count() == 2


def test_a_second_run_finds_nothing_new(covenant, users):
    unjustified(covenant, users)
    first = RetentionDeletion.objects.filter(run=run_after(200))
    assert sorted(first.values_list("object_type", flat=True)) == ["signal", "tenancy"]
    assert not RetentionDeletion.objects.filter(run=run_after(201)).exists()


def test_periods_are_configuration_and_only_privacy_or_beheer_change_them(covenant, users):
    signal = unjustified(covenant, users)
    with pytest.raises(PermissionDenied):
        retention_period_set(
            by=users["regie"], category=RetentionCategory.SIGNAL_NOT_TAKEN_UP, amount=1,
            unit=RetentionUnit.MONTHS,
        )  # fmt: skip
    retention_period_set(
        by=users["beheer"], category=RetentionCategory.SIGNAL_NOT_TAKEN_UP, amount=1,
        unit=RetentionUnit.MONTHS,
    )  # fmt: skip
    run_after(20)
    assert not is_anonymised(signal)
    run_after(40)
    assert is_anonymised(signal)
    retention_period_set(
        by=users["privacy"], category=RetentionCategory.SIGNAL_NOT_TAKEN_UP, amount=6,
        unit=RetentionUnit.MONTHS,
    )  # fmt: skip
    assert retention_period(RetentionCategory.SIGNAL_NOT_TAKEN_UP) == (6, RetentionUnit.MONTHS)


def test_processing_log_is_pruned_after_five_years_and_stays_verifiable(covenant, users):
    old = processing_log_record(
        actor=users["regie"], activity="triage", action="read", name="case.view",
        subject_id="oud", object_type="case", object_id="1",
    )  # fmt: skip
    run_after(365 * 5 - 2)
    assert ProcessingLogEntry.objects.filter(pk=old.pk).exists()
    run = run_after(365 * 5 + 3)
    assert not ProcessingLogEntry.objects.filter(pk=old.pk).exists()
    record = RetentionDeletion.objects.get(run=run, category=RetentionCategory.PROCESSING_LOG)
    assert record.count >= 1 and record.kind == RetentionDeletion.Kind.DELETED
    assert chain.verify().ok


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload_dir().mkdir(parents=True)
    return tmp_path


def upload(covenant, status) -> tuple[SignalImport, object]:
    batch = SignalImport.objects.create(
        partner=covenant["eigen-haard"], file_name="huurders.csv", status=status
    )
    path = upload_dir() / f"{batch.public_id}.enc"
    path.write_bytes(os.urandom(64))
    SignalImport.objects.filter(pk=batch.pk).update(stored_file=path.name)
    return batch, path


def test_upload_files_go_after_processing_and_leftovers_after_seven_days(covenant, media):
    done, done_path = upload(covenant, SignalImport.Status.DONE)
    queued, queued_path = upload(covenant, SignalImport.Status.QUEUED)

    run_after(3)
    assert not done_path.exists()  # processed: deleted at once
    assert queued_path.exists()  # still waiting, within 7 days: kept
    done.refresh_from_db()
    assert done.stored_file == ""

    run = run_after(8)
    assert not queued_path.exists()
    record = RetentionDeletion.objects.get(run=run, category=RetentionCategory.UPLOAD_FILE)
    assert record.object_ids == [str(queued.public_id)]
    assert ProcessingLogEntry.objects.filter(
        action="delete", object_type="upload", data_subject_id=str(queued.public_id)
    ).exists()


def test_command_and_task_run_retention(covenant, users):
    unjustified(covenant, users)
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        call_command("apply-retention", stdout=out)
    assert "signaal-niet-opgepakt: 1 signal geanonimiseerd" in out.getvalue()
    assert "Testpersoon" not in out.getvalue()
    call_command("apply-retention", "--enqueue", stdout=out)  # immediate backend in tests
    assert RetentionRun.objects.filter(trigger="taak").exists()


def test_an_anonymised_closed_case_is_not_processed_again(covenant, users, today):
    """Review finding: anonymised rows carry a unique marker, which must still be recognised."""
    closed_case(covenant, users, today)
    run_after(30 * 19)
    deletions = RetentionDeletion.objects.count()
    deletes_logged = ProcessingLogEntry.objects.filter(action="delete").count()
    run_after(30 * 19 + 1)
    assert RetentionDeletion.objects.count() == deletions
    assert ProcessingLogEntry.objects.filter(action="delete").count() == deletes_logged
