"""``meldpunt refresh-figures``: recompute the dashboards' figures now."""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.reporting.figures import figures_refresh


class Command(BaseCommand):
    help = (
        "Berekent de cijfers van de dashboards opnieuw uit het zaakbestand (de worker doet dat "
        "elk kwartier voor de laatste 13 maanden en elke nacht voor alles)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=13,
            help="het aantal maanden terug vanaf deze maand (standaard 13)",
        )
        parser.add_argument(
            "--all", action="store_true", help="alle maanden sinds het eerste signaal"
        )

    def handle(self, *args, **options):
        if not options["all"] and options["months"] < 1:
            raise CommandError("--months moet 1 of meer zijn.")
        rows = figures_refresh(months=None if options["all"] else options["months"])
        self.stdout.write(self.style.SUCCESS(f"Cijfers bijgewerkt: {rows} regels."))
