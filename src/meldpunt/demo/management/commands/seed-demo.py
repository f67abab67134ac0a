from django.core.management.base import BaseCommand

from meldpunt.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users_ensure
from meldpunt.demo.history import PER_MONTH, demo_history_ensure
from meldpunt.demo.income import demo_income_ensure
from meldpunt.demo.outreach import demo_outreach_ensure
from meldpunt.demo.signals import demo_signals_ensure
from meldpunt.demo.work import demo_work_ensure
from meldpunt.organisations.services import covenant_seed


class Command(BaseCommand):
    help = "Laadt demogegevens: organisaties, stadsdelen, een gebruiker per rol en signalen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history-per-month",
            type=int,
            default=PER_MONTH,
            help=f"huishoudens per maand in het demojaar voor de cijfers (standaard {PER_MONTH})",
        )

    def handle(self, *args, **options):
        covenant_seed()
        users = demo_users_ensure()
        created = demo_signals_ensure()
        # Before the history: its refresh of the figures then counts Geregelde betaling too.
        created += demo_income_ensure()
        created += demo_history_ensure(per_month=options["history_per_month"])
        created += demo_work_ensure()
        demo_outreach_ensure()
        self.stdout.write(self.style.SUCCESS(f"Demogegevens geladen ({created} nieuwe signalen)."))
        self.stdout.write("")
        self.stdout.write("Demo-aanmeldingen (wachtwoord voor allemaal: " + DEMO_PASSWORD + ")")
        self.stdout.write(f"Tweestapsverificatie: TOTP-geheim {DEMO_TOTP_SECRET}")
        self.stdout.write("  actuele code: .venv/bin/meldpunt demo-totp")
        for user in users:
            roles = ", ".join(g.name for g in user.groups.all())
            self.stdout.write(f"  {user.email:<45} {roles:<20} {user.organisation.name}")
