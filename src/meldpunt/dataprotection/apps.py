from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """Retention and access requests (AVG art. 5.1.e and 15): the top layer that asks each app to
    anonymise or export its own rows (docs/architecture.md)."""

    name = "meldpunt.dataprotection"
    label = "dataprotection"
    verbose_name = "Gegevensbescherming"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)
