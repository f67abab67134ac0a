"""``meldpunt restore FILE [--force]``: put a backup back into the database DATABASE_URL names."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meldpunt.operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Zet een back-up van 'meldpunt backup' terug in de database die DATABASE_URL noemt. "
        "Stop eerst de webprocessen en workers. Een database die niet leeg is, wordt alleen "
        "met --force overschreven. Het bestand wordt eerst helemaal ontsleuteld en gecontroleerd."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", type=Path, metavar="BESTAND")
        parser.add_argument(
            "--force", action="store_true", help="ook een database die niet leeg is overschrijven"
        )

    def handle(self, *args, source: Path, force: bool, **options) -> None:
        try:
            vendor = backup_restore(source=source, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Back-up hersteld ({vendor})."))
        self.stdout.write("Controleer het verwerkingslog: meldpunt verify-processing-log")
