"""Scheduled jobs in the admin: functioneel beheer changes times and switches jobs off."""

from django.contrib import admin

from .models import JobRun, ScheduledJob, WorkerHeartbeat


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "at_time", "every_minutes", "enabled", "next_run_at",
                    "last_started_at", "last_status"]  # fmt: skip
    fields = ["name", "callable_path", "kind", "at_time", "time_zone", "every_minutes",
              "enabled", "lease_seconds", "next_run_at", "last_started_at", "last_finished_at",
              "last_status", "lease_expires_at"]  # fmt: skip
    readonly_fields = ["name", "callable_path", "last_started_at", "last_finished_at",
                       "last_status", "lease_expires_at"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False  # jobs come from the code (operations/jobs.py)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "started_at", "finished_at", "status", "worker_id", "trace_id"]
    list_filter = ["status", "job"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
