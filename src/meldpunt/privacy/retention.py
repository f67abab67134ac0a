"""Retention (bewaartermijnen): anonymise or delete what has expired (docs/adr/0006-retention.md).

Signals and cases are *anonymised*, not deleted: the rows keep their non-personal columns
(status, track, district, provider, end result, flags, dates truncated to the month), so the
evaluation figures (art. 8.4) stay the same. Everything personal goes: the encrypted details,
the blind indexes, the landlord's reference, free-text reasons, notes (deleted), agreements and
amounts of instruments, and the justification of Sluitende Aanpak checks. Each run leaves a
``RetentionRun`` with one ``RetentionDeletion`` per category and object type (ids and
pseudonyms, never values), and one processing-log record (action "delete") per person.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, TruncMonth
from django.utils import timezone

from .models import (
    RETENTION_DEFAULTS,
    ProcessingLogEntry,
    RetentionCategory,
    RetentionDeletion,
    RetentionPeriod,
    RetentionRun,
    RetentionUnit,
)
from .services import Processing, processing_log_prune, processing_log_record_many

logger = logging.getLogger(__name__)

CHANGE_RETENTION = "privacy.change_retentionperiod"
ANONYMISED_REFERENCE = "-"
# An anonymised signal or case gets "geanonimiseerd-<s|z><id>" instead of its blind indexes:
# unique per row, so no two anonymised rows ever look like the same person or household (an empty
# value would pool all of them, e.g. in the Sluitende Aanpak facts of a household), and it is the
# marker that the row has been anonymised.
ANONYMISED = "geanonimiseerd-"


def _anonymous_key(kind: str) -> Concat:
    return Concat(Value(f"{ANONYMISED}{kind}"), Cast("id", output_field=CharField()))


SIGNAL_PERSONAL_FIELDS = ("details", "person_index", "household_index", "partner_reference")
CASE_PERSONAL_FIELDS = ("household_index", "routing_reason", "notes", "agreements")


# --------------------------------------------------------------------------------------------
# Periods (configuration)
# --------------------------------------------------------------------------------------------


def retention_period(category: str) -> tuple[int, str]:
    """The period in force for a category: the newest row, else the default."""
    row = (
        RetentionPeriod.objects.filter(category=category)
        .order_by("-changed_at", "-id")
        .values_list("amount", "unit")
        .first()
    )
    return row if row is not None else RETENTION_DEFAULTS[category]


def retention_periods() -> dict[str, tuple[int, str]]:
    return {category: retention_period(category) for category in RetentionCategory.values}


@transaction.atomic
def retention_period_set(*, by: Any, category: str, amount: int, unit: str) -> RetentionPeriod:
    """Change a period (privacy officer or functioneel beheer); the old row stays as history."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm(CHANGE_RETENTION):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if category not in RetentionCategory.values:
        errors["category"] = "Kies een categorie."
    if unit not in RetentionUnit.values:
        errors["unit"] = "Kies een eenheid."
    if not isinstance(amount, int) or amount < 1:
        errors["amount"] = "Vul een termijn van minstens 1 in."
    if errors:
        raise ValidationError(errors)
    row = RetentionPeriod.objects.create(category=category, amount=amount, unit=unit, changed_by=by)
    logger.info("retention period %s changed", category)
    return row


def expiry_cutoff(now: datetime, amount: int, unit: str) -> datetime:
    """The moment before which something of this age has expired (calendar months and years)."""
    if unit == RetentionUnit.DAYS:
        return now - timedelta(days=amount)
    months = amount * (12 if unit == RetentionUnit.YEARS else 1)
    years_back, month_index = divmod(now.month - 1 - months, 12)
    year, month = now.year + years_back, month_index + 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)


# --------------------------------------------------------------------------------------------
# The job
# --------------------------------------------------------------------------------------------


def retention_apply(*, trigger: str, now: datetime | None = None) -> RetentionRun:
    """Apply every retention period once. Idempotent: a second run finds nothing new."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now, trigger=trigger[:30])
    periods = retention_periods()
    cutoffs = {c: expiry_cutoff(now, *periods[c]) for c in RetentionCategory.values}
    _prune_processing_log(run, cutoffs[RetentionCategory.PROCESSING_LOG], periods)
    _anonymise_expired(run, cutoffs)
    _delete_upload_files(run, cutoffs[RetentionCategory.UPLOAD_FILE], now)
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


@transaction.atomic
def _anonymise_expired(run: RetentionRun, cutoffs: dict[str, datetime]) -> None:
    from meldpunt.cases.models import Case, Signal
    from meldpunt.cases.vocabulary import NOT_TAKEN_UP, SignalStatus
    from meldpunt.cases.workflow import CaseStatus

    signal_cutoff = cutoffs[RetentionCategory.SIGNAL_NOT_TAKEN_UP]
    case_cutoff = cutoffs[RetentionCategory.CLOSED_CASE]
    closed = (
        Case.objects.select_for_update()
        .filter(status=CaseStatus.CLOSED)
        .exclude(household_index__startswith=ANONYMISED)
    )
    # A case closed as "niet opgepakt" counts as a signal not taken up (6 months by default).
    batches = [
        (
            RetentionCategory.SIGNAL_NOT_TAKEN_UP,
            signal_cutoff,
            closed.filter(end_result__in=NOT_TAKEN_UP, closed_at__lt=signal_cutoff),
            Signal.objects.filter(case__isnull=True, received_at__lt=signal_cutoff).exclude(
                Q(status=SignalStatus.NOT_YET_PICKED_UP) | Q(person_index__startswith=ANONYMISED)
            ),
        ),
        (
            RetentionCategory.CLOSED_CASE,
            case_cutoff,
            closed.exclude(end_result__in=NOT_TAKEN_UP).filter(closed_at__lt=case_cutoff),
            Signal.objects.none(),
        ),
    ]
    for category, before, cases, loose_signals in batches:
        case_rows = list(cases.values_list("pk", "public_id", "subject_id"))
        case_ids = [pk for pk, _, _ in case_rows]
        signals = Signal.objects.filter(
            Q(pk__in=loose_signals.values("pk")) | Q(case_id__in=case_ids)
        ).exclude(person_index__startswith=ANONYMISED)
        signal_rows = list(signals.values_list("pk", "public_id", "subject_id"))
        if not case_rows and not signal_rows:
            continue
        _anonymise_signals([pk for pk, _, _ in signal_rows])
        _anonymise_cases(case_ids)
        _forget_people()
        processing_log_record_many(
            actor=None,
            activity="privacy",
            action=ProcessingLogEntry.Action.DELETE,
            name=f"retention.anonymise.{category}",
            items=[
                Processing(str(s), "signal", p, SIGNAL_PERSONAL_FIELDS) for _, p, s in signal_rows
            ]
            + [Processing(str(s), "case", p, CASE_PERSONAL_FIELDS) for _, p, s in case_rows],
        )
        for object_type, rows in (("signal", signal_rows), ("case", case_rows)):
            if rows:
                RetentionDeletion.objects.create(
                    run=run,
                    category=category,
                    object_type=object_type,
                    kind=RetentionDeletion.Kind.ANONYMISED,
                    count=len(rows),
                    object_ids=sorted(str(p) for _, p, _ in rows),
                    subject_ids=sorted({str(s) for _, _, s in rows}),
                    expired_before=before,
                )


def _anonymise_signals(ids: list[int]) -> None:
    from meldpunt.cases.models import Signal
    from meldpunt.safeguards.models import SafeguardCheck

    if not ids:
        return
    signals = Signal.objects.filter(pk__in=ids)
    subject_ids = list(signals.values_list("subject_id", flat=True))
    SafeguardCheck.objects.filter(Q(signal_id__in=ids) | Q(subject_id__in=subject_ids)).update(
        justification=None,
        partner_reference="",
        asked_on=TruncMonth("asked_on"),
        asked_at=TruncMonth("asked_at"),
    )
    signals.update(
        person=None,
        tenancy=None,
        details={},
        person_index=_anonymous_key("s"),
        household_index=_anonymous_key("s"),
        partner_reference=ANONYMISED_REFERENCE,
        intake_key=_anonymous_key("s"),
        decision="",
        signal_date=TruncMonth("signal_date"),
        received_at=TruncMonth("received_at"),
        contact_attempted_on=TruncMonth("contact_attempted_on"),
        referred_to_debt_help_on=TruncMonth("referred_to_debt_help_on"),
        written_reminder_on=TruncMonth("written_reminder_on"),
        tenant_informed_on=TruncMonth("tenant_informed_on"),
    )


def _anonymise_cases(ids: list[int]) -> None:
    from meldpunt.cases.models import (
        Case,
        CaseNote,
        ContactAttempt,
        InstrumentDeployment,
        InstrumentEvent,
    )
    from meldpunt.safeguards.models import SafeguardCheck

    if not ids:
        return
    cases = Case.objects.filter(pk__in=ids)
    SafeguardCheck.objects.filter(subject_id__in=cases.values("subject_id")).update(
        justification=None, partner_reference=""
    )
    CaseNote.objects.filter(case_id__in=ids).delete()
    # The status history (CaseStatusChange) stays as it is: it is the process statistics and a
    # database trigger keeps it append-only. Its reasons are routing texts of regie, not personal
    # data (see docs/adr/0006-retention.md, "Beperkingen").
    ContactAttempt.objects.filter(case_id__in=ids).update(
        on=TruncMonth("on"), recorded_at=TruncMonth("recorded_at")
    )
    InstrumentDeployment.objects.filter(case_id__in=ids).update(
        agreements=None,
        monthly_amount=None,
        deployed_on=TruncMonth("deployed_on"),
        ended_on=TruncMonth("ended_on"),
        recorded_at=TruncMonth("recorded_at"),
    )
    InstrumentEvent.objects.filter(case_id__in=ids).update(
        on=TruncMonth("on"), recorded_at=TruncMonth("recorded_at")
    )
    cases.update(
        household_index=_anonymous_key("z"),
        routing_reason="",
        opened_at=TruncMonth("opened_at"),
        assigned_at=TruncMonth("assigned_at"),
        picked_up_on=TruncMonth("picked_up_on"),
        closed_at=TruncMonth("closed_at"),
    )


def _forget_people() -> None:
    """Unlink what no longer belongs to anyone: the households of anonymised cases, tenancies
    whose signals are all anonymised (with the landlord's own instruments for them), and the
    persons nothing refers to any more."""
    from meldpunt.cases.models import CaseMember, InstrumentDeployment, Person, Tenancy

    CaseMember.objects.filter(case__household_index__startswith=ANONYMISED).delete()
    emptied = Tenancy.objects.filter(
        signals__isnull=True, registered_by__isnull=True, person__isnull=False
    )
    InstrumentDeployment.objects.filter(tenancy__in=emptied).update(
        agreements=None,
        deployed_on=TruncMonth("deployed_on"),
        first_due_on=TruncMonth("first_due_on"),
        ended_on=TruncMonth("ended_on"),
        recorded_at=TruncMonth("recorded_at"),
    )
    emptied.update(
        person=None,
        details=None,
        reference=ANONYMISED_REFERENCE,
        household_index=_anonymous_key("h"),
    )
    Person.objects.filter(
        signals__isnull=True, tenancies__isnull=True, memberships__isnull=True
    ).delete()


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def _delete_upload_files(run: RetentionRun, before: datetime, now: datetime) -> None:
    """Files of finished imports go at once; any other leftover once older than the period."""
    from meldpunt.intake.models import SignalImport

    directory = upload_dir()
    if not directory.is_dir():
        return
    finished = {
        f"{public_id}.enc"
        for public_id in SignalImport.objects.exclude(
            status__in=[SignalImport.Status.QUEUED, SignalImport.Status.RUNNING]
        ).values_list("public_id", flat=True)
    }
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
    SignalImport.objects.filter(stored_file__in=removed).update(stored_file="")
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
