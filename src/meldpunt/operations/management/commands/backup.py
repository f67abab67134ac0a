"""``meldpunt backup --output FILE``: an encrypted backup of the whole database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meldpunt.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Maakt een versleutelde back-up van de hele database (SQLite: online, terwijl de "
        "toepassing doordraait; PostgreSQL: pg_dump). Versleuteld met de actieve sleutel uit "
        "MELDPUNT_ENCRYPTION_KEYS: bewaar die sleutel zolang de back-up bewaard wordt."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, metavar="BESTAND")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            result = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Back-up ({result.vendor}, {result.size} bytes) in {result.path}.")
        )
