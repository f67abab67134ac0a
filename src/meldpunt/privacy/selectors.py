"""Reads of the privacy app, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

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
    *, user: Any, subject_id: str | None = None, actor_id: int | None = None
) -> QuerySet[ProcessingLogEntry]:
    """Log records about one data subject and/or by one user, newest first.

    Only for users with ``privacy.view_processing_log``; at least one criterion is required
    (the log is not browsed as a whole).
    """
    if not user.has_perm(VIEW_LOG):
        raise PermissionDenied
    if not subject_id and not actor_id:
        return ProcessingLogEntry.objects.none()
    entries = ProcessingLogEntry.objects.select_related(
        "processing_activity", "actor", "actor_organisation"
    )
    if subject_id:
        entries = entries.filter(data_subject_id=subject_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries.order_by("-sequence")
