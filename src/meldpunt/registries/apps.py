from django.apps import AppConfig
from django.core import checks


class RegistriesConfig(AppConfig):
    name = "meldpunt.registries"
    label = "registries"
    verbose_name = "Registers"

    def ready(self) -> None:
        # Imported here: the check module loads models, which exist only once apps are ready.
        from .checks import brp_settings_check

        checks.register(brp_settings_check, checks.Tags.compatibility)
