from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)
