from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "meldpunt.operations"
    label = "operations"
    verbose_name = "Beheer van de processen"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)
