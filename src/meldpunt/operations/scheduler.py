"""The scheduler inside the worker: find due jobs, claim each one's lease, run it, record it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils.module_loading import import_string
from django_tasks.base import Task

from meldpunt.core.tracing import reset_trace_id, set_trace_id

from .models import JobRun
from .selectors import due_jobs
from .services import scheduled_job_claim, scheduled_job_finish, scheduled_job_release

logger = logging.getLogger(__name__)


def job_run(run: JobRun) -> str:
    """Run a claimed job under the run's own trace id; returns the run's status.

    An exception fails the run (logged with its class, never its message) and the job waits for
    its next time. A stop of the worker (SystemExit, KeyboardInterrupt) releases the lease so
    another worker runs the job again.
    """
    token = set_trace_id(run.trace_id)
    name = run.job.name
    try:
        logger.info("geplande taak %s gestart (uitvoering %s)", name, run.pk)
        status, error_class = JobRun.Status.SUCCEEDED, ""
        try:
            target = import_string(run.job.callable_path)
            if isinstance(target, Task):
                target.call()
            else:
                target()
        except Exception as exc:
            status = JobRun.Status.FAILED
            error_class = f"{type(exc).__module__}.{type(exc).__qualname__}"
            logger.error("geplande taak %s mislukt (%s)", name, error_class, exc_info=True)
        except BaseException:
            scheduled_job_release(run=run)
            logger.warning("geplande taak %s onderbroken; wordt opnieuw uitgevoerd", name)
            raise
        scheduled_job_finish(run=run, status=status, error_class=error_class)
        logger.info("geplande taak %s klaar: %s", name, status)
    finally:
        reset_trace_id(token)
    return status


def scheduler_tick(
    *,
    worker_id: str,
    now: datetime | None = None,
    watch: Callable[[JobRun | None], None] | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> list[JobRun]:
    """Run every job that is due and whose lease this worker gets; returns the runs.

    ``watch`` is told which run is in progress (the worker's heartbeat renews its lease) and
    ``None`` after it; ``keep_going`` lets a stopping worker skip the remaining jobs.
    """
    runs = []
    for job_id in list(due_jobs(now=now).values_list("pk", flat=True)):
        if not keep_going():
            break
        run = scheduled_job_claim(job_id=job_id, worker_id=worker_id, now=now)
        if run is None:
            continue
        if watch is not None:
            watch(run)
        try:
            job_run(run)
        finally:
            if watch is not None:
                watch(None)
        runs.append(run)
    return runs
