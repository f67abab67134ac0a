"""``meldpunt worker-status``: the workers seen and the scheduled jobs; exit 1 without a worker."""

import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meldpunt.operations.models import ScheduledJob, WorkerHeartbeat
from meldpunt.operations.selectors import worker_seen_within


class Command(BaseCommand):
    help = (
        "Toont de workers en de geplande taken (volgende uitvoering, laatste resultaat). "
        "Eindigt met code 1 als geen worker zich in de laatste minuut meldde."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="alleen de exitcode")
        parser.add_argument(
            "--this-host",
            action="store_true",
            help="alleen een worker op deze machine telt (healthcheck van een container)",
        )

    def handle(self, *args, quiet: bool, this_host: bool, **options) -> None:
        window = settings.MELDPUNT_READY_WORKER_SECONDS
        host = socket.gethostname() if this_host else None
        seen = worker_seen_within(window, hostname=host)
        if not quiet:
            now = timezone.now()
            for beat in WorkerHeartbeat.objects.order_by("hostname", "pid"):
                age = int((now - beat.last_seen_at).total_seconds())
                self.stdout.write(
                    f"worker {beat.worker_id} op {beat.hostname} (pid {beat.pid}): {age} s geleden"
                )
            for job in ScheduledJob.objects.all():
                when = timezone.localtime(job.next_run_at).strftime("%Y-%m-%d %H:%M")
                state = "aan" if job.enabled else "uit"
                self.stdout.write(
                    f"taak {job.name} ({state}): volgende {when}, laatst {job.last_status or '-'}"
                )
        if not seen:
            raise CommandError(f"geen worker gezien in de laatste {window} s", returncode=1)
