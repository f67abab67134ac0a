from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "meldpunt.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Roles are data that must exist wherever the schema exists; Django itself creates
        # permissions the same way (docs/adr/0003-roles.md).
        from . import panels  # noqa: F401  (registers the home-screen panel, core.home)
        from .services import roles_ensure_after_migrate

        post_migrate.connect(roles_ensure_after_migrate, sender=self)
