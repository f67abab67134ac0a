"""Reads of the operations app (no personal data here, so no organisation scoping)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import ScheduledJob, WorkerHeartbeat


def worker_seen_within(
    seconds: int, *, now: datetime | None = None, hostname: str | None = None
) -> bool:
    moment = (now or timezone.now()) - timedelta(seconds=seconds)
    beats = WorkerHeartbeat.objects.filter(last_seen_at__gte=moment)
    if hostname is not None:
        beats = beats.filter(hostname=hostname)
    return beats.exists()


def due_jobs(*, now: datetime | None = None) -> QuerySet[ScheduledJob]:
    """Jobs due now whose lease is free or expired (claiming still decides who runs them)."""
    now = now or timezone.now()
    return (
        ScheduledJob.objects.filter(enabled=True, next_run_at__lte=now)
        .exclude(lease_expires_at__gt=now)
        .order_by("next_run_at", "pk")
    )
