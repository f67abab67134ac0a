"""The worker process: queued tasks under their own trace id, heartbeats, abandoned tasks."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meldpunt.operations.jobs import (
    DEFAULT_JOBS,
    ProcessingLogTampered,
    abandoned_tasks_requeue,
    database_statistics_refresh,
    housekeeping,
    processing_log_verify,
)
from meldpunt.operations.models import JobRun, ScheduledJob, WorkerHeartbeat
from meldpunt.operations.selectors import worker_seen_within
from meldpunt.operations.services import worker_heartbeat_record
from meldpunt.operations.worker import MeldpuntWorker
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.services import processing_log_record
from tests import operations_jobs


def worker(**overrides) -> MeldpuntWorker:
    options = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "database",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return MeldpuntWorker(**{**options, **overrides})


@pytest.mark.django_db(transaction=True)
def test_queued_tasks_run_each_under_a_trace_id_of_their_own():
    operations_jobs.traces.clear()
    first = operations_jobs.remember_trace.enqueue()
    second = operations_jobs.remember_trace.enqueue()
    worker(scheduler=False).run()
    results = DBTaskResult.objects.filter(pk__in=[first.id, second.id])
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
    assert len(operations_jobs.traces) == 2
    assert all(len(t) == 32 for t in operations_jobs.traces)
    assert operations_jobs.traces[0] != operations_jobs.traces[1]
    # A worker that stopped cleanly is gone from the heartbeats at once.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_syncs_and_ticks_the_scheduler():
    worker().run()
    assert ScheduledJob.objects.filter(name="deadline-reminders").exists()
    # The every-5-minutes job was due at once and ran under its own trace id.
    run = JobRun.objects.get(job__name="requeue-abandoned-tasks")
    assert run.status == "geslaagd" and len(run.trace_id) == 32


@pytest.mark.django_db
def test_heartbeat_and_readiness_window():
    now = timezone.now()
    assert not worker_seen_within(60)
    worker_heartbeat_record(worker_id="w", hostname="h", pid=1, started_at=now, now=now)
    assert worker_seen_within(60, now=now + timedelta(seconds=59))
    assert not worker_seen_within(60, now=now + timedelta(seconds=61))
    worker_heartbeat_record(
        worker_id="w", hostname="h", pid=1, started_at=now, now=now + timedelta(seconds=61)
    )
    assert WorkerHeartbeat.objects.count() == 1
    assert worker_seen_within(60, now=now + timedelta(seconds=62))


def _running(worker_id: str) -> DBTaskResult:
    result = operations_jobs.remember_trace.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=timezone.now()
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_dead_worker_goes_back_in_the_queue_and_runs_once():
    now = timezone.now()
    stale = now - timedelta(minutes=10)
    worker_heartbeat_record(worker_id="dead", hostname="h", pid=1, started_at=stale, now=stale)
    worker_heartbeat_record(worker_id="alive", hostname="h", pid=2, started_at=now, now=now)
    of_dead, of_alive, of_plain_db_worker = _running("dead"), _running("alive"), _running("x")
    assert abandoned_tasks_requeue() == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[of_dead.pk] == TaskResultStatus.READY
    assert statuses[of_alive.pk] == statuses[of_plain_db_worker.pk] == TaskResultStatus.RUNNING
    operations_jobs.traces.clear()
    worker(scheduler=False).run()
    assert len(operations_jobs.traces) == 1
    assert DBTaskResult.objects.get(pk=of_dead.pk).status == TaskResultStatus.SUCCESSFUL
    assert abandoned_tasks_requeue() == 0


@pytest.mark.django_db
def test_housekeeping_keeps_recent_bookkeeping():
    now = timezone.now()
    old = now - timedelta(days=3)
    worker_heartbeat_record(worker_id="gone", hostname="h", pid=1, started_at=old, now=old)
    worker_heartbeat_record(worker_id="here", hostname="h", pid=1, started_at=old)
    daily = ScheduledJob.objects.create(name="d", callable_path="x", kind="dagelijks",
                                        at_time=time(7), next_run_at=now)  # fmt: skip
    often = ScheduledJob.objects.create(name="i", callable_path="x", kind="interval",
                                        every_minutes=5, next_run_at=now)  # fmt: skip

    def run(job, days, status="geslaagd"):
        started = now - timedelta(days=days)
        return JobRun.objects.create(job=job, lease_token=f"{job.name}{days}{status}",
                                     worker_id="w", trace_id="t", due_at=started,
                                     started_at=started, status=status).pk  # fmt: skip

    kept = {run(daily, 30), run(often, 6), run(daily, 100, status="bezig")}
    run(daily, 91)
    run(often, 8)
    counts = housekeeping()
    assert counts["hartslagen"] == 1 and counts["uitvoeringen"] == 2
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]
    assert set(JobRun.objects.values_list("pk", flat=True)) == kept


@pytest.mark.django_db
def test_processing_log_check_job_fails_on_tampering(covenant):
    processing_log_record(actor=None, activity="intake", action="create", name="test",
                          subject_id="s1", object_type="signal", object_id=1)  # fmt: skip
    assert processing_log_verify() >= 1
    entry = ProcessingLogEntry.objects.order_by("-id").first()
    # Change a record behind the ORM's append-only guard, as someone with database access could.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProcessingLogEntry._meta.db_table} SET name = %s WHERE id = %s",
            ["changed", entry.pk],
        )
    with pytest.raises(ProcessingLogTampered):
        processing_log_verify()


@pytest.mark.django_db
def test_the_daily_statistics_job_gives_sqlite_statistics_of_the_tables_as_they_are(covenant):
    """A database migrated empty has no statistics: SQLite plans as if every table were small."""
    assert "database-statistics" in {job.name for job in DEFAULT_JOBS}
    if connection.vendor != "sqlite":
        assert database_statistics_refresh() == "niet nodig (PostgreSQL: autovacuum)"
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1")
    assert database_statistics_refresh() == "statistieken bijgewerkt"
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    # Every table that holds rows gets statistics, e.g. the organisations of the covenant.
    assert "organisations_organisation" in analysed
