"""The retention run (bewaartermijnen): anonymise or delete what has expired (ADR 0006).

This module decides WHAT has expired by the periods in force (``privacy.retention``) and asks
each app to forget its own rows: the case file its signals, cases (with their Geregelde betaling), tenancies and persons
(``cases.personal_data``), the Sluitende Aanpak its checks (``safeguards.personal_data``), the
intake its delivered files (``intake.personal_data``), the privacy app its processing log.

Signals and cases are *anonymised*, not deleted: the rows keep their non-personal columns, so
the evaluation figures (art. 8.4) stay the same. Each run leaves a ``RetentionRun`` with one
``RetentionDeletion`` per category and object type (ids and pseudonyms, never values), and one
processing-log record (action "delete") per person.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from meldpunt.cases import personal_data as case_file
from meldpunt.intake import personal_data as deliveries
from meldpunt.privacy.models import (
    ProcessingLogEntry,
    RetentionCategory,
    RetentionDeletion,
    RetentionRun,
)
from meldpunt.privacy.retention import expiry_cutoff, retention_periods
from meldpunt.privacy.services import Processing, processing_log_prune, processing_log_record_many
from meldpunt.registries.income import income_administration
from meldpunt.safeguards import personal_data as safeguards

logger = logging.getLogger(__name__)


def retention_apply(*, trigger: str, now: datetime | None = None) -> RetentionRun:
    """Apply every retention period once. Idempotent: a second run finds nothing new."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now, trigger=trigger[:30])
    periods = retention_periods()
    cutoffs = {c: expiry_cutoff(now, *periods[c]) for c in RetentionCategory.values}
    _prune_processing_log(run, cutoffs[RetentionCategory.PROCESSING_LOG], periods)
    _anonymise_expired(run, cutoffs)
    _delete_upload_files(run, cutoffs[RetentionCategory.UPLOAD_FILE], now)
    _delete_income_exchange_files(run, cutoffs[RetentionCategory.UPLOAD_FILE])
    _forget_report_references(run, cutoffs[RetentionCategory.SIGNAL_NOT_TAKEN_UP])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    logger.info("retention run %s done", run.pk)
    return run


def _prune_processing_log(run: RetentionRun, before: datetime, periods: dict) -> None:
    amount, unit = periods[RetentionCategory.PROCESSING_LOG]
    pruning = processing_log_prune(
        before=before, reason=f"bewaartermijn verwerkingslog {amount} {unit} (run {run.pk})"
    )
    if pruning is None:
        return
    RetentionDeletion.objects.create(
        run=run,
        category=RetentionCategory.PROCESSING_LOG,
        object_type="processing_log_entry",
        kind=RetentionDeletion.Kind.DELETED,
        count=pruning.count,
        object_ids=[f"positie {pruning.first_sequence}-{pruning.last_sequence}"],
        expired_before=before,
    )


def _record(run, category, before, object_type, rows) -> None:
    """One deletion record: ids and pseudonyms of (public id, subject id) rows, never values."""
    if rows:
        RetentionDeletion.objects.create(
            run=run,
            category=category,
            object_type=object_type,
            kind=RetentionDeletion.Kind.ANONYMISED,
            count=len(rows),
            object_ids=sorted(str(p) for p, _s in rows),
            subject_ids=sorted({str(s) for _p, s in rows if s}),
            expired_before=before,
        )


@transaction.atomic
def _anonymise_expired(run: RetentionRun, cutoffs: dict[str, datetime]) -> None:
    signal_cutoff = cutoffs[RetentionCategory.SIGNAL_NOT_TAKEN_UP]
    case_cutoff = cutoffs[RetentionCategory.CLOSED_CASE]
    # A case closed as "niet opgepakt" counts as a signal not taken up (6 months by default).
    batches = [
        (
            RetentionCategory.SIGNAL_NOT_TAKEN_UP,
            signal_cutoff,
            case_file.closed_cases(not_taken_up=True, closed_before=signal_cutoff),
            case_file.loose_signals_not_taken_up(received_before=signal_cutoff),
        ),
        (
            RetentionCategory.CLOSED_CASE,
            case_cutoff,
            case_file.closed_cases(not_taken_up=False, closed_before=case_cutoff),
            None,
        ),
    ]
    for category, before, cases, loose in batches:
        case_rows = list(cases.values_list("pk", "public_id", "subject_id"))
        case_ids = [pk for pk, _p, _s in case_rows]
        signals = case_file.signals_to_anonymise(
            loose if loose is not None else case_file.Signal.objects.none(), case_ids
        )
        signal_rows = list(signals.values_list("pk", "public_id", "subject_id"))
        if not case_rows and not signal_rows:
            continue
        signal_ids = [pk for pk, _p, _s in signal_rows]
        arrangement_rows = case_file.arrangement_rows(case_ids)
        safeguards.anonymise_checks(signal_ids=signal_ids)
        case_file.anonymise_signals(signal_ids)
        case_file.anonymise_cases(case_ids)
        processing_log_record_many(
            actor=None,
            activity="privacy",
            action=ProcessingLogEntry.Action.DELETE,
            name=f"retention.anonymise.{category}",
            items=[
                Processing(str(s), "signal", p, case_file.SIGNAL_PERSONAL_FIELDS)
                for _pk, p, s in signal_rows
            ]
            + [
                Processing(str(s), "case", p, case_file.CASE_PERSONAL_FIELDS)
                for _pk, p, s in case_rows
            ]
            + [
                Processing(str(s), "arrangement", p, case_file.ARRANGEMENT_PERSONAL_FIELDS)
                for p, s in arrangement_rows
            ],
        )
        _record(run, category, before, "signal", [(p, s) for _pk, p, s in signal_rows])
        _record(run, category, before, "case", [(p, s) for _pk, p, s in case_rows])
        _record(run, category, before, "arrangement", arrangement_rows)
    # Tenancies whose signals are all anonymised now, and tenancies the landlord registered
    # itself with nothing recorded within the closed-case period.
    for tenancies, category, before in (
        (case_file.emptied_tenancies(), RetentionCategory.SIGNAL_NOT_TAKEN_UP, signal_cutoff),
        (
            case_file.expired_own_tenancies(before=case_cutoff),
            RetentionCategory.CLOSED_CASE,
            case_cutoff,
        ),
    ):
        rows = case_file.tenancy_rows(tenancies)
        if rows:
            ids = [pk for pk, _p, _s in rows]
            safeguards.anonymise_checks(tenancy_ids=ids)
            safeguards.anonymise_outcomes(tenancy_ids=ids)
            case_file.anonymise_tenancies(ids)
            processing_log_record_many(
                actor=None,
                activity="privacy",
                action=ProcessingLogEntry.Action.DELETE,
                name=f"retention.anonymise.{category}",
                items=[
                    Processing(str(s), "tenancy", p, case_file.TENANCY_PERSONAL_FIELDS)
                    for _pk, p, s in rows
                ],
            )
            _record(run, category, before, "tenancy", [(p, s) for _pk, p, s in rows])
    case_file.forget_unreferenced_persons()


def _delete_upload_files(run: RetentionRun, before: datetime, now: datetime) -> None:
    """Files of finished imports go at once; any other leftover once older than the period."""
    directory = deliveries.upload_dir()
    if not directory.is_dir():
        return
    finished = deliveries.finished_upload_files()
    removed: list[str] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo)
        if path.name in finished or modified < before:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    if not removed:
        return
    deliveries.forget_upload_files(removed)
    batch_ids = [name.removesuffix(".enc") for name in removed]
    with transaction.atomic():
        processing_log_record_many(
            actor=None,
            activity="privacy",
            action=ProcessingLogEntry.Action.DELETE,
            name=f"retention.delete.{RetentionCategory.UPLOAD_FILE}",
            items=[Processing(b, "upload", b, ("file",), "aanlevering") for b in batch_ids],
        )
        RetentionDeletion.objects.create(
            run=run,
            category=RetentionCategory.UPLOAD_FILE,
            object_type="upload_file",
            kind=RetentionDeletion.Kind.DELETED,
            count=len(removed),
            object_ids=batch_ids,
            expired_before=before,
        )


def _forget_report_references(run: RetentionRun, before: datetime) -> None:
    """The references in the reports of deliveries finished before the period of signals not
    taken up: a report never outlives the shortest-kept signal (docs/adr/0116)."""
    batch_ids = deliveries.expired_report_batches(before)
    if not batch_ids:
        return
    with transaction.atomic():
        deliveries.forget_report_references(batch_ids)
        processing_log_record_many(
            actor=None,
            activity="privacy",
            action=ProcessingLogEntry.Action.DELETE,
            name=f"retention.anonymise.{RetentionCategory.SIGNAL_NOT_TAKEN_UP}.upload_report",
            items=[
                Processing(b, "upload", b, ("partner_referentie",), "aanlevering")
                for b in batch_ids
            ],
        )
        RetentionDeletion.objects.create(
            run=run,
            category=RetentionCategory.SIGNAL_NOT_TAKEN_UP,
            object_type="upload_report",
            kind=RetentionDeletion.Kind.ANONYMISED,
            count=len(batch_ids),
            object_ids=batch_ids,
            expired_before=before,
        )


def _delete_income_exchange_files(run: RetentionRun, before: datetime) -> None:
    """Geregelde betaling: the exchange with the income administration holds copies of the
    instructions (client number, amounts). Once the other side answered every instruction of a
    batch it has imported it; older than the upload-file period, the batch goes, and so do the
    receipts put away (their answers are in the case file). Logged per instruction."""
    subjects: dict[str, str] = {}

    def answered(ids: set[str]) -> bool:
        found = case_file.instructions_answered(ids)
        subjects.update(found or {})
        return found is not None

    removed = income_administration().forget_exchanged(before=before, answered=answered)
    if not removed:
        return
    with transaction.atomic():
        processing_log_record_many(
            actor=None,
            activity="privacy",
            action=ProcessingLogEntry.Action.DELETE,
            name="retention.delete.income_exchange_file",
            items=[
                Processing(s, "income_instruction", i, ("exchange_file",))
                for i, s in sorted(subjects.items())
            ]
            + [
                Processing(
                    name[-64:], "income_exchange_file", name[-40:], ("file",), "uitwisselbestand"
                )
                for name in removed
                if name.startswith("in/")
            ],
        )
        RetentionDeletion.objects.create(
            run=run,
            category=RetentionCategory.UPLOAD_FILE,
            object_type="income_exchange_file",
            kind=RetentionDeletion.Kind.DELETED,
            count=len(removed),
            object_ids=removed,
            subject_ids=sorted(set(subjects.values())),
            expired_before=before,
        )
