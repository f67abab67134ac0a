from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "meldpunt.organisations"
    label = "organisations"
    verbose_name = "Organisaties"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)
