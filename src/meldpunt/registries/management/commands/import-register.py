from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from meldpunt.registries.services import local_registry_import


class Command(BaseCommand):
    help = "Laadt het lokale register (ingezetenen, overledenen, uitkeringsgerechtigden) uit een CSV-bestand."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as stream:
                count = local_registry_import(stream=stream)
        except (OSError, ValidationError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{count} registerregels geladen.")
