"""The scheduler inside the worker (issue #14): due times, one run at a time, rerun after a kill."""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from meldpunt.operations import schedule
from meldpunt.operations.jobs import DEFAULT_JOBS
from meldpunt.operations.models import JobRun, ScheduledJob
from meldpunt.operations.scheduler import scheduler_tick
from meldpunt.operations.services import scheduled_job_claim, scheduled_jobs_sync
from tests import operations_jobs

ROOT = Path(__file__).resolve().parent.parent
MELDPUNT = str(Path(sys.executable).parent / "meldpunt")
AMS = "Europe/Amsterdam"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestNextRun:
    def test_daily_is_local_time_across_summer_time(self):
        # 07:00 in Amsterdam is 06:00 UTC in winter and 05:00 UTC in summer.
        winter = schedule.next_run(kind="dagelijks", at_time=time(7), after=utc(2026, 1, 10, 12))
        assert winter == utc(2026, 1, 11, 6)
        summer = schedule.next_run(kind="dagelijks", at_time=time(7), after=utc(2026, 7, 10, 4))
        assert summer == utc(2026, 7, 10, 5)
        # Saturday 28 March 2026 07:00 CET, then Sunday 29 March 07:00 CEST.
        saturday = utc(2026, 3, 28, 6)
        assert schedule.next_run(kind="dagelijks", at_time=time(7), after=saturday) == utc(
            2026, 3, 29, 5
        )

    def test_daily_time_in_the_spring_gap_still_runs_that_night(self):
        due = schedule.next_run(kind="dagelijks", at_time=time(2, 30), after=utc(2026, 3, 28, 12))
        assert utc(2026, 3, 29, 0) < due < utc(2026, 3, 29, 3)

    def test_strictly_after(self):
        at = utc(2026, 1, 10, 6)  # 07:00 local
        assert schedule.next_run(kind="dagelijks", at_time=time(7), after=at) == at + timedelta(1)

    def test_interval(self):
        at = utc(2026, 1, 10, 6, 3)
        assert schedule.next_run(kind="interval", every_minutes=5, after=at) == utc(
            2026, 1, 10, 6, 8
        )

    def test_incomplete_schedule_is_refused(self):
        with pytest.raises(ValueError):
            schedule.next_run(kind="interval", after=utc(2026, 1, 1))
        with pytest.raises(ValueError):
            schedule.next_run(kind="dagelijks", after=utc(2026, 1, 1))


def make_job(name: str, callable_path: str, **fields) -> ScheduledJob:
    fields.setdefault("kind", "interval")
    fields.setdefault("every_minutes", 60)
    fields.setdefault("next_run_at", timezone.now() - timedelta(minutes=1))
    return ScheduledJob.objects.create(name=name, callable_path=callable_path, **fields)


@pytest.mark.django_db
def test_sync_creates_the_default_jobs_once_and_keeps_operator_changes():
    scheduled_jobs_sync()
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {
        d.name for d in DEFAULT_JOBS
    }
    ScheduledJob.objects.filter(name="deadline-reminders").update(at_time=time(8, 15))
    assert scheduled_jobs_sync() == []
    reminders = ScheduledJob.objects.get(name="deadline-reminders")
    assert reminders.at_time == time(8, 15)
    assert reminders.next_run_at > timezone.now()  # daily jobs wait for their time


@pytest.mark.django_db
def test_a_due_job_runs_once_and_moves_to_its_next_time():
    job = make_job("test-ok", "tests.operations_jobs.count_then_maybe_block", every_minutes=5)
    os.environ["MELDPUNT_TEST_JOB_LOG"] = os.devnull
    try:
        start = timezone.now()
        runs = scheduler_tick(worker_id="w1")
        assert [r.status for r in runs] == ["geslaagd"]
        assert scheduler_tick(worker_id="w1") == []  # not due again yet
    finally:
        del os.environ["MELDPUNT_TEST_JOB_LOG"]
    job.refresh_from_db()
    assert job.last_status == "geslaagd" and job.lease_token == "" and job.lease_expires_at is None
    assert start + timedelta(minutes=5) <= job.next_run_at <= timezone.now() + timedelta(minutes=5)
    run = JobRun.objects.get(job=job)
    assert len(run.trace_id) == 32 and run.finished_at is not None


@pytest.mark.django_db
def test_a_failing_job_is_recorded_without_its_message_and_waits_for_next_time(caplog):
    job = make_job("test-fails", "tests.operations_jobs.failing")
    with caplog.at_level(logging.INFO, logger="meldpunt.operations"):
        runs = scheduler_tick(worker_id="w1")
    assert [r.status for r in runs] == ["mislukt"]
    run = JobRun.objects.get(job=job)
    assert run.error_class == "builtins.ValueError"
    job.refresh_from_db()
    assert job.next_run_at > timezone.now() and job.lease_token == ""
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "test-fails" in messages and "Jansen" not in messages


@pytest.mark.django_db
def test_a_disabled_job_does_not_run():
    make_job("test-off", "tests.operations_jobs.failing", enabled=False)
    assert scheduler_tick(worker_id="w1") == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_due_job_run_it_once():
    """Two threads, each with its own database connection, tick at the same moment."""
    job = make_job("test-race", "tests.operations_jobs.record_and_wait")
    operations_jobs.calls.clear()
    operations_jobs.release.clear()
    barrier = threading.Barrier(2)
    done: queue.Queue = queue.Queue()

    def worker(worker_id: str) -> None:
        try:
            barrier.wait(timeout=10)
            done.put((worker_id, scheduler_tick(worker_id=worker_id)))
        except Exception as exc:  # reported to the test below
            done.put((worker_id, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",), name=f"w{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    # The loser returns while the winner still holds the job (and its lease).
    first_id, first = done.get(timeout=30)
    operations_jobs.release.set()
    second_id, second = done.get(timeout=30)
    for thread in threads:
        thread.join(timeout=30)
    assert first == [], f"{first_id} ran the job while the other held it: {first!r}"
    assert isinstance(second, list) and len(second) == 1, second
    assert operations_jobs.calls == [second_id]
    assert list(JobRun.objects.filter(job=job).values_list("worker_id", "status")) == [
        (second_id, "geslaagd")
    ]


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    return (
        f"postgres://{settings['USER']}{password}@{host}:{settings.get('PORT') or 5432}"
        f"/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_killed_mid_way_runs_again_after_restart_exactly_once(tmp_path):
    """kill -9 of a worker inside a job; its lease expires; the next worker runs it once."""
    job_log = tmp_path / "job.log"
    job = make_job("test-killed", "tests.operations_jobs.count_then_maybe_block", lease_seconds=300)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(ROOT),
        "MELDPUNT_TEST_JOB_LOG": str(job_log),
    }
    worker_args = [MELDPUNT, "run-worker", "--backend", "database", "--no-reload",
                   "--no-startup-delay", "--interval", "0.2"]  # fmt: skip
    first = subprocess.Popen(
        worker_args,
        env={**env, "MELDPUNT_TEST_JOB_BLOCK": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = first.stdout.readline()
        assert line.strip() == "JOB-STARTED", "the worker did not start the job"
    finally:
        first.kill()  # SIGKILL: no clean-up, the lease and the run stay as they were
        first.wait(timeout=30)
        first.stdout.close()
    run = JobRun.objects.get(job=job)
    assert run.status == "bezig"
    # The worker also made the product's own jobs; only the test's job matters here.
    ScheduledJob.objects.exclude(pk=job.pk).update(enabled=False)

    # While the lease lasts, nobody else takes the job (the dead worker might still be busy).
    os.environ["MELDPUNT_TEST_JOB_LOG"] = str(job_log)
    try:
        assert scheduler_tick(worker_id="impatient") == []
    finally:
        del os.environ["MELDPUNT_TEST_JOB_LOG"]

    # The lease runs out (lease_seconds pass without renewal); a restarted worker runs it.
    ScheduledJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    restarted = subprocess.run(
        [*worker_args, "--once"], env=env, capture_output=True, text=True, timeout=120
    )
    assert restarted.returncode == 0, restarted.stderr
    assert list(JobRun.objects.filter(job=job).order_by("id").values_list("status", flat=True)) == [
        "afgebroken",
        "geslaagd",
    ]
    # ... and only once: the job is not due again, another restart does nothing.
    os.environ["MELDPUNT_TEST_JOB_LOG"] = str(job_log)
    try:
        assert scheduler_tick(worker_id="later") == []
    finally:
        del os.environ["MELDPUNT_TEST_JOB_LOG"]
    assert job_log.read_text().splitlines() == ["gestart", "gestart"]
    job.refresh_from_db()
    assert job.next_run_at > timezone.now() and job.lease_token == ""


@pytest.mark.django_db
def test_claim_with_an_unexpired_lease_fails_and_an_expired_one_succeeds():
    job = make_job("test-lease", "tests.operations_jobs.failing", lease_seconds=60)
    now = timezone.now()
    first = scheduled_job_claim(job_id=job.pk, worker_id="a", now=now)
    assert first is not None
    assert (
        scheduled_job_claim(job_id=job.pk, worker_id="b", now=now + timedelta(seconds=59)) is None
    )
    with time_machine.travel(now + timedelta(seconds=61), tick=False):
        second = scheduled_job_claim(job_id=job.pk, worker_id="b")
    assert second is not None and second.lease_token != first.lease_token
    first.refresh_from_db()
    assert first.status == "afgebroken"
