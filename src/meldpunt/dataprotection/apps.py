from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """Retention and access requests (AVG art. 5.1.e and 15): the top layer that asks each app to
    anonymise or export its own rows (docs/architecture.md)."""

    name = "meldpunt.dataprotection"
    label = "dataprotection"
    verbose_name = "Gegevensbescherming"
