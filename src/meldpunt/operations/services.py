"""Writes of the operations app: worker heartbeats and the scheduled jobs' leases and runs.

The lease is one conditional UPDATE ("take the job if it is due and nobody holds an unexpired
lease"), which the database serialises on SQLite (one writer) and on PostgreSQL (the row lock;
a waiting UPDATE re-checks its WHERE on the new row), so two workers never both win. A worker
that dies leaves its lease to expire; the next claim marks the dead run "afgebroken" and runs
the job again, once, because only a finished run moves ``next_run_at`` on.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from meldpunt.core.tracing import new_trace_id

from . import schedule
from .jobs import DEFAULT_JOBS, JobDefinition
from .models import JobRun, ScheduledJob, WorkerHeartbeat

logger = logging.getLogger(__name__)


def job_next_run(job: ScheduledJob, *, after: datetime) -> datetime:
    return schedule.next_run(
        kind=job.kind,
        after=after,
        at_time=job.at_time,
        every_minutes=job.every_minutes,
        time_zone=job.time_zone,
    )


def scheduled_jobs_sync(
    *, definitions: Iterable[JobDefinition] = DEFAULT_JOBS, now: datetime | None = None
) -> list[ScheduledJob]:
    """Create the rows of jobs the code defines and the table lacks; existing rows stay as they
    are (an operator may have changed the time). Interval jobs are due at once, daily jobs at
    their next time."""
    now = now or timezone.now()
    created = []
    for definition in definitions:
        kind = schedule.DAILY if definition.at is not None else schedule.INTERVAL
        first = (
            now
            if kind == schedule.INTERVAL
            else schedule.next_run(kind=kind, after=now, at_time=definition.at)
        )
        try:
            with transaction.atomic():
                job, made = ScheduledJob.objects.get_or_create(
                    name=definition.name,
                    defaults={
                        "callable_path": definition.callable_path,
                        "kind": kind,
                        "at_time": definition.at,
                        "every_minutes": definition.every_minutes,
                        "lease_seconds": definition.lease_seconds,
                        "next_run_at": first,
                    },
                )
        except IntegrityError:  # another worker created it at the same moment
            continue
        if made:
            created.append(job)
    return created


def scheduled_job_claim(
    *, job_id: int, worker_id: str, now: datetime | None = None
) -> JobRun | None:
    """Take the lease of a due job and open its run; ``None`` if it is not due or taken."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        lease_seconds = (
            ScheduledJob.objects.filter(pk=job_id).values_list("lease_seconds", flat=True).first()
        )
        if lease_seconds is None:
            return None
        taken = (
            ScheduledJob.objects.filter(pk=job_id, enabled=True, next_run_at__lte=now)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .update(
                lease_token=token,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                last_started_at=now,
                last_status=JobRun.Status.RUNNING,
            )
        )
        if not taken:
            return None
        job = ScheduledJob.objects.get(pk=job_id)
        # A run still "bezig" here belonged to a worker whose lease ran out: it died.
        abandoned = JobRun.objects.filter(job=job, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.ABANDONED, finished_at=now
        )
        if abandoned:
            logger.warning("geplande taak %s: vorige uitvoering afgebroken, opnieuw", job.name)
        return JobRun.objects.create(
            job=job,
            lease_token=token,
            worker_id=worker_id,
            trace_id=new_trace_id(),
            due_at=job.next_run_at,
            started_at=now,
        )


def scheduled_job_renew(*, run: JobRun, now: datetime | None = None) -> bool:
    """Extend the lease while the job runs; False if it was lost (expired and taken over)."""
    now = now or timezone.now()
    return bool(
        ScheduledJob.objects.filter(pk=run.job_id, lease_token=run.lease_token).update(
            lease_expires_at=now + timedelta(seconds=run.job.lease_seconds)
        )
    )


def scheduled_job_finish(
    *, run: JobRun, status: str, error_class: str = "", now: datetime | None = None
) -> None:
    """Close the run, release the lease and set the next due time (from the run's start)."""
    now = now or timezone.now()
    with transaction.atomic():
        JobRun.objects.filter(pk=run.pk).update(
            status=status, finished_at=now, error_class=error_class[:200]
        )
        job = ScheduledJob.objects.get(pk=run.job_id)
        ScheduledJob.objects.filter(pk=job.pk, lease_token=run.lease_token).update(
            lease_token="",
            lease_expires_at=None,
            last_finished_at=now,
            last_status=status,
            next_run_at=job_next_run(job, after=max(run.started_at, job.next_run_at)),
        )
    run.status, run.finished_at, run.error_class = status, now, error_class


def worker_heartbeat_record(
    *, worker_id: str, hostname: str, pid: int, started_at: datetime, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=now):
        return
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname=hostname[:255], pid=pid, started_at=started_at,
        last_seen_at=now,
    )  # fmt: skip


def worker_heartbeat_remove(*, worker_id: str) -> None:
    """A worker that stops cleanly says so at once, so ``/readyz`` need not wait a minute."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def scheduled_job_release(*, run: JobRun, now: datetime | None = None) -> None:
    """The worker was stopped while the job ran: give the lease back at once (the job stays
    due, so the next worker runs it again) and mark the run "afgebroken"."""
    now = now or timezone.now()
    with transaction.atomic():
        JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.ABANDONED, finished_at=now
        )
        ScheduledJob.objects.filter(pk=run.job_id, lease_token=run.lease_token).update(
            lease_token="", lease_expires_at=None, last_status=JobRun.Status.ABANDONED
        )
