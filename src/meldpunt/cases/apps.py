from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "meldpunt.cases"
    label = "cases"
    verbose_name = "Zaken"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)

        # The instrument catalogue is data that must exist wherever the schema exists, like
        # the roles (docs/adr/0003-roles.md): re-ensured after migrate and after a flush.
        from .catalogue import catalogue_ensure_after_migrate

        post_migrate.connect(catalogue_ensure_after_migrate, sender=self)
