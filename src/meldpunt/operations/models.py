"""The background worker's own state: scheduled jobs, their runs, and worker heartbeats.

None of these rows holds personal data: job names, times, worker ids, trace ids and the class
name of an error (never its message, which may quote data).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ScheduledJob(models.Model):
    """A job the worker runs on a schedule (geplande taak): daily at a local time, or every N
    minutes. The lease columns make sure only one worker runs it at a time."""

    class Kind(models.TextChoices):
        DAILY = "dagelijks", "dagelijks"
        INTERVAL = "interval", "elke N minuten"

    name = models.SlugField(max_length=64, unique=True)
    # A function without arguments, or a django-tasks task, by dotted path. Set from the code's
    # list of jobs (operations/jobs.py); not editable in the admin.
    callable_path = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at_time = models.TimeField(null=True, blank=True, help_text="lokale tijd (dagelijks)")
    time_zone = models.CharField(max_length=64, default="Europe/Amsterdam")
    every_minutes = models.PositiveIntegerField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # How long a run may go without its worker renewing the lease before another worker takes
    # it over (the worker renews every few seconds while the job runs).
    lease_seconds = models.PositiveIntegerField(default=300)

    next_run_at = models.DateTimeField(db_index=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="operations_job_schedule_complete",
                condition=(
                    Q(kind="dagelijks", at_time__isnull=False)
                    | Q(kind="interval", every_minutes__gte=1)
                ),
            ),
            models.CheckConstraint(
                name="operations_job_lease_positive", condition=Q(lease_seconds__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """One run of a scheduled job (uitvoering). A run whose worker died stays "bezig" until the
    next worker takes the job over and marks it "afgebroken"."""

    class Status(models.TextChoices):
        RUNNING = "bezig", "bezig"
        SUCCEEDED = "geslaagd", "geslaagd"
        FAILED = "mislukt", "mislukt"
        ABANDONED = "afgebroken", "afgebroken (worker gestopt)"

    job = models.ForeignKey(ScheduledJob, on_delete=models.CASCADE, related_name="runs")
    lease_token = models.CharField(max_length=32, unique=True)
    worker_id = models.CharField(max_length=64)
    trace_id = models.CharField(max_length=32, db_index=True)
    due_at = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    error_class = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self) -> str:
        return f"{self.job_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class WorkerHeartbeat(models.Model):
    """A running worker process says it is alive; ``/readyz`` looks for a recent one."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
