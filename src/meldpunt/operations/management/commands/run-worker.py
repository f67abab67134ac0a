"""``meldpunt run-worker``: the background worker (queued tasks and the scheduled jobs)."""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from meldpunt.operations.worker import MeldpuntWorker


class Command(DbWorkerCommand):
    help = (
        "Start de achtergrondworker: voert taken uit de wachtrij uit (uploads) en de geplande "
        "taken (herinneringen, bewaartermijnen, controle van het verwerkingslog). Meerdere "
        "workers mogen naast elkaar draaien: een geplande taak loopt nooit twee keer tegelijk."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="scheduler",
            help="alleen de wachtrij, geen geplande taken",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="voer uit wat nu klaarstaat (geplande taken en wachtrij) en stop",
        )
        parser.add_argument(
            "--heartbeat-seconds",
            type=float,
            default=10,
            help="hoe vaak de worker laat weten dat hij leeft (standaard 10)",
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, scheduler, once,
               heartbeat_seconds, **options) -> None:  # fmt: skip
        self.configure_logging(verbosity)
        batch = batch or once
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues kan alleen samen met --queue-name='*'")
        if heartbeat_seconds <= 0:
            raise CommandError("--heartbeat-seconds moet groter dan 0 zijn")
        worker = MeldpuntWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay and not batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            scheduler=scheduler,
            heartbeat_seconds=heartbeat_seconds,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
