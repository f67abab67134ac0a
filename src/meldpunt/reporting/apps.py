from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "meldpunt.reporting"
    label = "reporting"
    verbose_name = "Rapportage"
