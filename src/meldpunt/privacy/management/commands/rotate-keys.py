"""``meldpunt rotate-keys``: re-encrypt all encrypted data under the active key."""

from django.core.management.base import BaseCommand

from meldpunt.privacy.crypto import keyring
from meldpunt.privacy.rotation import FILES_LABEL, keys_rotate


class Command(BaseCommand):
    help = (
        "Versleutelt alle versleutelde gegevens opnieuw met de actieve sleutel "
        "(MELDPUNT_ENCRYPTION_ACTIVE_KEY). Hervatbaar: alleen waarden onder een andere sleutel "
        "worden herschreven. Met --check wordt alleen geteld."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check", action="store_true", help="alleen tellen per sleutel, niets wijzigen"
        )

    def handle(self, *args, **options):
        active = keyring().active_id
        reports = keys_rotate(batch_size=options["batch_size"], dry_run=options["check"])
        remaining = 0
        for report in reports:
            per_key = ", ".join(f"{k}: {n}" for k, n in sorted(report.keys_before.items())) or "-"
            old = sum(n for k, n in report.keys_before.items() if k != active)
            self.stdout.write(
                f"{report.label}: waarden per sleutel vooraf [{per_key}]; "
                f"rijen herversleuteld: {report.rows_rotated}"
            )
            if options["check"] or report.label == FILES_LABEL:
                remaining += old
        total = sum(r.rows_rotated for r in reports)
        if options["check"]:
            self.stdout.write(
                f"Actieve sleutel {active}; {remaining} waarde(n) nog onder een oude sleutel."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Klaar: {total} rij(en) herversleuteld met sleutel {active}. "
                    "Controleer met --check voordat u een oude sleutel verwijdert."
                )
            )
            if remaining:
                self.stdout.write(
                    f"Let op: {remaining} versleuteld(e) bestand(en) wachten nog op verwerking "
                    "onder een oude sleutel; verwijder die sleutel pas als ze verwerkt zijn."
                )
