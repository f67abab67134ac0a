"""The one background worker: django-tasks-db's queue (file imports) plus the scheduler.

A thread beside the main loop writes the worker's heartbeat and renews the lease of the job in
progress, so a long import or retention run neither looks like a dead worker to ``/readyz``
nor loses its lease to another worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from meldpunt.core.tracing import new_trace_id, reset_trace_id, set_trace_id

from .models import JobRun
from .scheduler import scheduler_tick
from .services import (
    scheduled_job_renew,
    scheduled_jobs_sync,
    worker_heartbeat_record,
    worker_heartbeat_remove,
)

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Every ``interval`` seconds: "this worker is alive", and renew the running job's lease."""

    def __init__(self, *, worker_id: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.current_run: JobRun | None = None
        self._stop_event = threading.Event()

    def beat(self) -> None:
        worker_heartbeat_record(
            worker_id=self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            started_at=self.started_at,
        )
        run = self.current_run
        if run is not None and not scheduled_job_renew(run=run):
            logger.warning("lease van geplande taak %s verloren", run.job.name)

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                close_old_connections()
                try:
                    self.beat()
                except Exception:  # a locked or briefly unreachable database: try next time
                    logger.warning("hartslag van de worker niet vastgelegd", exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=self.interval + 30)


class MeldpuntWorker(Worker):
    """django-tasks-db's worker with the scheduler ticked before each look at the queue."""

    def __init__(self, *, scheduler: bool = True, heartbeat_seconds: float = 10, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scheduler = scheduler
        self.heartbeat = Heartbeat(worker_id=self.worker_id, interval=heartbeat_seconds)

    def _watch(self, run: JobRun | None) -> None:
        # While a job runs, a first SIGTERM waits for it to finish (like a queued task).
        self.heartbeat.current_run = run
        self.running_task = run is not None

    def _tick(self) -> list[JobRun] | None:
        """Run due jobs; None when the database was locked (try again, not "nothing to do")."""
        try:
            return scheduler_tick(
                worker_id=self.worker_id, watch=self._watch, keep_going=lambda: self.running
            )
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def _claim_task(self) -> tuple[bool, DBTaskResult | None]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return False, None
            raise
        return True, task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """A queued task runs under a trace id of its own, logged at start and end."""
        token = set_trace_id(new_trace_id())
        try:
            logger.info("taak %s gestart (%s)", db_task_result.task_name, db_task_result.pk)
            super().run_task(db_task_result)
            logger.info("taak %s klaar: %s", db_task_result.task_name, db_task_result.status)
        finally:
            reset_trace_id(token)

    def run(self) -> None:
        logger.info(
            "worker %s gestart (planner %s)", self.worker_id, "aan" if self.scheduler else "uit"
        )
        self.heartbeat.beat()  # seen at once, not after the first interval
        self.heartbeat.start()
        try:
            if self.scheduler:
                scheduled_jobs_sync()
            while self.running:
                close_old_connections()
                runs = self._tick() if self.scheduler else []
                retrieved, task_result = self._claim_task() if self.running else (False, None)
                if task_result is not None:
                    self.run_task(task_result)
                idle = not runs and task_result is None
                if self.batch and idle and retrieved and runs is not None:
                    logger.info("worker %s: niets meer te doen, gestopt", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                close_old_connections()
                if self.running and idle:
                    time.sleep(self.interval)
        finally:
            self.heartbeat.stop()
            try:
                worker_heartbeat_remove(worker_id=self.worker_id)
            finally:
                connection.close()
