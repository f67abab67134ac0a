from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meldpunt.accounts.scopes import LEGACY_SCOPES, SCOPES
from meldpunt.accounts.services import api_token_create
from meldpunt.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Maakt een API-koppeling (sleutel) voor het systeem van een organisatie. De sleutel wordt "
        "één keer getoond. Gewoonlijk doet de beheerder van de organisatie dit op het scherm "
        "API-koppelingen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="code, bv. eigen-haard")
        parser.add_argument("--name", required=True, help="waarvoor, bv. 'huuradministratie'")
        parser.add_argument(
            "--scope",
            action="append",
            choices=sorted(SCOPES),
            help=f"bevoegdheid (herhaalbaar); standaard {' en '.join(LEGACY_SCOPES)}",
        )
        parser.add_argument(
            "--days", type=int, help="geldig voor zoveel dagen (standaard het maximum)"
        )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError("Onbekende organisatie.")
        expires_at = (
            timezone.now() + timedelta(days=options["days"])
            if options["days"] is not None
            else None
        )
        try:
            token, key = api_token_create(
                organisation=organisation,
                name=options["name"],
                scopes=options["scope"],
                expires_at=expires_at,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"API-sleutel voor {organisation.name} ({token.name}):")
        self.stdout.write(key)
        self.stdout.write(
            f"Bevoegdheden: {', '.join(token.scopes)}; geldig tot {timezone.localtime(token.expires_at):%d-%m-%Y}."
        )
        self.stdout.write("Bewaar deze sleutel veilig; hij wordt niet nog eens getoond.")
