from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meldpunt.core"
    label = "core"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
