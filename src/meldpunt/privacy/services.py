"""Writes of the privacy app: the processing-log writer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.utils import timezone

from meldpunt.core.tracing import current_trace_id, new_span_id

from .models import ProcessingActivity, ProcessingLogEntry


@cache
def _activity_id(code: str) -> int:
    return ProcessingActivity.objects.get(code=code, is_current=True).pk


def activity_id(code: str) -> int:
    """Id of the current version of a register entry (cached; the register changes rarely)."""
    try:
        return _activity_id(code)
    except ProcessingActivity.DoesNotExist:
        _activity_id.cache_clear()
        raise


@dataclass(frozen=True)
class Processing:
    """One processing of one data subject's data, to be logged."""

    subject_id: str
    object_type: str
    object_id: Any
    fields: Sequence[str] = ()
    subject_type: str = "huurder"


def processing_log_record(
    *,
    actor: Any,
    activity: str,
    action: str,
    name: str,
    subject_id: str,
    object_type: str,
    object_id: Any,
    fields: Iterable[str] = (),
    subject_type: str = "huurder",
    started_at: datetime | None = None,
    status: str = ProcessingLogEntry.Status.OK,
) -> ProcessingLogEntry:
    """Record one read, change, export or deletion of a person's data."""
    return processing_log_record_many(
        actor=actor,
        activity=activity,
        action=action,
        name=name,
        items=[Processing(subject_id, object_type, object_id, tuple(fields), subject_type)],
        started_at=started_at,
        status=status,
    )[0]


def processing_log_record_many(
    *,
    actor: Any,
    activity: str,
    action: str,
    name: str,
    items: Iterable[Processing],
    started_at: datetime | None = None,
    status: str = ProcessingLogEntry.Status.OK,
) -> list[ProcessingLogEntry]:
    """Record the same processing for many subjects at once (lists, imports, exports)."""
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    organisation_id = getattr(user, "organisation_id", None)
    trace_id = current_trace_id()
    entries = [
        ProcessingLogEntry(
            trace_id=trace_id,
            span_id=new_span_id(),
            name=name,
            start_time=started_at or now,
            end_time=now,
            status=status,
            action=action,
            processing_activity_id=activity_id(activity),
            data_subject_id=str(item.subject_id),
            data_subject_type=item.subject_type,
            actor=user,
            actor_organisation_id=organisation_id,
            object_type=item.object_type,
            object_id=str(item.object_id),
            fields=list(item.fields),
        )
        for item in items
    ]
    return ProcessingLogEntry.objects.bulk_create(entries, batch_size=500)
