"""The jobs the worker runs on a schedule, and the small jobs of the operations app itself.

Each definition becomes a ``ScheduledJob`` row the first time a worker starts
(``services.scheduled_jobs_sync``); after that the row is what counts, so an operator's change of
time or interval in the admin survives upgrades.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meldpunt.privacy import chain

from .models import JobRun, ScheduledJob, WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobDefinition:
    name: str
    callable_path: str
    at: time | None = None  # daily at this local time (Europe/Amsterdam)
    every_minutes: int | None = None
    lease_seconds: int = 300


DEFAULT_JOBS: tuple[JobDefinition, ...] = (
    JobDefinition("deadline-reminders", "meldpunt.cases.tasks.deadline_reminders_send", at=time(7)),
    JobDefinition(
        "apply-retention", "meldpunt.dataprotection.tasks.retention_apply_daily", at=time(2, 30),
        lease_seconds=1800,
    ),
    JobDefinition(
        "verify-processing-log", "meldpunt.operations.jobs.processing_log_verify",
        at=time(3, 30), lease_seconds=1800,
    ),
    JobDefinition("housekeeping", "meldpunt.operations.jobs.housekeeping", at=time(4)),
    JobDefinition(
        "database-statistics", "meldpunt.operations.jobs.database_statistics_refresh",
        at=time(4, 15), lease_seconds=600,
    ),
    JobDefinition(
        "refresh-figures", "meldpunt.reporting.figures.figures_refresh_recent",
        every_minutes=15, lease_seconds=900,
    ),
    JobDefinition(
        "refresh-all-figures", "meldpunt.reporting.figures.figures_refresh_all",
        at=time(1, 30), lease_seconds=3600,
    ),
    # Geregelde betaling: the outbox of instructions to the income administration, and its
    # receipts (cases/income_services.py, ADR 0111).
    JobDefinition(
        "deliver-income-instructions", "meldpunt.cases.income_services.instructions_deliver",
        every_minutes=5, lease_seconds=300,
    ),
    JobDefinition(
        "read-income-receipts", "meldpunt.cases.income_services.income_receipts_read",
        every_minutes=15, lease_seconds=300,
    ),
    # Webhooks: the outbox of feedback events to partners' systems, retried with backoff
    # (webhooks/services.py, ADR 0110).
    JobDefinition(
        "deliver-webhooks", "meldpunt.webhooks.services.webhooks_deliver_due",
        every_minutes=1, lease_seconds=300,
    ),
    JobDefinition(
        "requeue-abandoned-tasks", "meldpunt.operations.jobs.abandoned_tasks_requeue",
        every_minutes=5, lease_seconds=120,
    ),
)  # fmt: skip


class ProcessingLogTampered(Exception):
    """The daily check found the processing log's hash chain broken."""


def processing_log_verify() -> int:
    """Check the processing log's hash chain daily; logs the anchor to keep outside the database."""
    result = chain.verify()
    if not result.ok:
        for finding in result.findings:
            logger.error("verwerkingslog: %s", finding)
        raise ProcessingLogTampered(f"{len(result.findings)} bevinding(en)")
    logger.info(
        "verwerkingslog intact: %s records, anker %s:%s",
        result.checked,
        result.head_length,
        result.head_hash,
    )
    return result.checked


def housekeeping() -> dict[str, int]:
    """Delete the worker's own old bookkeeping: finished task results, job runs, heartbeats."""
    now = timezone.now()
    keep_tasks = timedelta(days=settings.MELDPUNT_TASK_RESULTS_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - keep_tasks).delete()
    # Runs of daily jobs are kept 90 days; an every-few-minutes job's runs a week.
    finished = JobRun.objects.exclude(status=JobRun.Status.RUNNING)
    runs, _ = finished.filter(
        Q(started_at__lt=now - timedelta(days=90))
        | Q(job__kind=ScheduledJob.Kind.INTERVAL, started_at__lt=now - timedelta(days=7))
    ).delete()
    heartbeats, _ = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=now - timedelta(days=1)
    ).delete()
    counts = {"taakresultaten": tasks, "uitvoeringen": runs, "hartslagen": heartbeats}
    logger.info("opgeruimd: %s", counts)
    return counts


def database_statistics_refresh() -> str:
    """Give SQLite's query planner statistics of the tables as they are now (daily).

    SQLite never gathers them by itself: a database migrated empty keeps planning as if every
    table were small, and then counts a caseworker's cases through the provider's index (a
    million cases: 324 instead of 54 ms) — docs/scaling.md. ``analysis_limit`` samples each
    index (about 0.1 s on a million cases) instead of reading it whole. PostgreSQL's autovacuum
    does this itself; nothing to do there.
    """
    if connection.vendor != "sqlite":
        return "niet nodig (PostgreSQL: autovacuum)"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return "statistieken bijgewerkt"


def abandoned_tasks_requeue() -> int:
    """Put tasks back in the queue whose worker died while running them (kill -9, power loss).

    django-tasks-db leaves such a task "RUNNING" forever. A task counts as abandoned when the
    worker that claimed it last has not been seen for ``MELDPUNT_WORKER_STALE_SECONDS``; tasks of
    workers that never sent a heartbeat (a plain ``db_worker``) are left alone. The queued tasks
    (file imports) are safe to run again: a rerun skips the rows already received.
    """
    stale = timezone.now() - timedelta(seconds=settings.MELDPUNT_WORKER_STALE_SECONDS)
    dead = set(
        WorkerHeartbeat.objects.filter(last_seen_at__lt=stale).values_list("worker_id", flat=True)
    )
    if not dead:
        return 0
    abandoned = [
        pk
        for pk, worker_ids in DBTaskResult.objects.running().values_list("pk", "worker_ids")
        if worker_ids and worker_ids[-1] in dead
    ]
    requeued = (
        DBTaskResult.objects.filter(pk__in=abandoned)
        .running()
        .update(status=TaskResultStatus.READY)
    )
    if requeued:
        logger.warning("%s taak/taken van een gestopte worker opnieuw in de wachtrij", requeued)
    return requeued
