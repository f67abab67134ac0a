from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from meldpunt.accounts.services import api_token_create
from meldpunt.organisations.models import Organisation


class Command(BaseCommand):
    help = "Maakt een API-sleutel voor het systeem van een verhuurder. De sleutel wordt één keer getoond."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="code, bv. eigen-haard")
        parser.add_argument("--name", required=True, help="waarvoor, bv. 'huuradministratie'")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError("Onbekende organisatie.")
        try:
            token, key = api_token_create(organisation=organisation, name=options["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"API-sleutel voor {organisation.name} ({token.name}):")
        self.stdout.write(key)
        self.stdout.write("Bewaar deze sleutel veilig; hij wordt niet nog eens getoond.")
