"""Background work of data protection (django-tasks): the daily retention run."""

from __future__ import annotations

from django_tasks import task

from .retention import retention_apply


@task()
def retention_apply_daily() -> int:
    """Apply the retention periods; enqueued daily by ``meldpunt apply-retention --enqueue``."""
    return retention_apply(trigger="taak").pk
