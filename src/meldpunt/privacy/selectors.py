"""Reads of the privacy app, always scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from .models import ProcessingActivity, ProcessingLogEntry

VIEW_LOG = "privacy.view_processing_log"
CHANGE_REGISTER = "privacy.change_processingactivity"


def register_current(*, user: Any) -> QuerySet[ProcessingActivity]:
    if not user.has_perm(CHANGE_REGISTER):
        raise PermissionDenied
    return ProcessingActivity.objects.filter(is_current=True).order_by("code")


def register_versions(*, user: Any, code: str) -> QuerySet[ProcessingActivity]:
    if not user.has_perm(CHANGE_REGISTER):
        raise PermissionDenied
    return (
        ProcessingActivity.objects.filter(code=code)
        .select_related("changed_by")
        .order_by("-version")
    )


def processing_log_search(
    *,
    user: Any,
    subject_id: str | None = None,
    actor_id: int | None = None,
    subject_ids: Iterable[str] | None = None,
    action: str = "",
    activity: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[ProcessingLogEntry]:
    """Log records matching every criterion given, newest first.

    Criteria: one data subject (``subject_id``) or the pseudonyms of one person
    (``subject_ids``, from a lookup by name and birth date; an empty list finds nothing), a
    user, an action, a processing activity (any version of it), and a period of days
    ``since``–``until`` inclusive, in Dutch time. Only for users with
    ``privacy.view_processing_log``; at least one criterion is required (the log is not browsed
    as a whole).
    """
    if not user.has_perm(VIEW_LOG):
        raise PermissionDenied
    subjects = None if subject_ids is None else [str(s) for s in subject_ids]
    if not (subject_id or actor_id or action or activity or since or until) and subjects is None:
        return ProcessingLogEntry.objects.none()
    entries = ProcessingLogEntry.objects.select_related(
        "processing_activity", "actor", "actor_organisation"
    )
    if subjects is not None:
        entries = entries.filter(data_subject_id__in=subjects)
    if subject_id:
        entries = entries.filter(data_subject_id=subject_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    if activity:
        entries = entries.filter(processing_activity__code=activity)
    if since:
        entries = entries.filter(start_time__gte=_start_of(since))
    if until:
        entries = entries.filter(start_time__lt=_start_of(until + timedelta(days=1)))
    return entries.order_by("-sequence")


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Dutch time (the officer thinks in local days)."""
    return timezone.make_aware(datetime.combine(day, time.min))
