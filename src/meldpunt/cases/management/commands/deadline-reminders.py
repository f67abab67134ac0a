"""Queue the reminder of overdue cases now; the worker also runs it daily (job "deadline-reminders")."""

from django.core.management.base import BaseCommand

from meldpunt.cases.tasks import deadline_reminders_send


class Command(BaseCommand):
    help = "Zet de dagelijkse herinnering voor zaken over de termijn in de wachtrij."

    def handle(self, *args, **options) -> None:
        result = deadline_reminders_send.enqueue()
        self.stdout.write(f"Herinnering in de wachtrij gezet ({result.id}).")
