from django.core.management.base import BaseCommand

from meldpunt.accounts.demo import demo_totp_code, require_demo_mode


class Command(BaseCommand):
    help = "Toont de actuele TOTP-code van de demogebruikers (alleen in demomodus)."

    def handle(self, *args, **options):
        require_demo_mode()
        self.stdout.write(demo_totp_code())
