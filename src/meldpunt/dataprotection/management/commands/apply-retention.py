"""``meldpunt apply-retention``: anonymise or delete what has passed its retention period."""

from django.core.management.base import BaseCommand

from meldpunt.dataprotection.retention import retention_apply
from meldpunt.dataprotection.tasks import retention_apply_daily
from meldpunt.privacy.retention import retention_periods


class Command(BaseCommand):
    help = (
        "Past de bewaartermijnen toe: anonimiseert verlopen signalen en zaken, verwijdert oude "
        "regels van het verwerkingslog en achtergebleven uploadbestanden, en legt een "
        "verwijderregistratie zonder persoonsgegevens vast. Met --enqueue in de takenwachtrij."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="als taak in de wachtrij zetten (meldpunt run-worker)",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            retention_apply_daily.enqueue()
            self.stdout.write("Bewaartermijntaak in de wachtrij gezet.")
            return
        for category, (amount, unit) in sorted(retention_periods().items()):
            self.stdout.write(f"{category}: {amount} {unit}")
        run = retention_apply(trigger="opdracht")
        for deletion in run.deletions.order_by("id"):
            self.stdout.write(
                f"{deletion.category}: {deletion.count} {deletion.object_type} {deletion.kind}"
            )
        self.stdout.write(self.style.SUCCESS(f"Klaar: run {run.pk}."))
