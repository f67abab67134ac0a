from django.apps import AppConfig
from django.core import checks

from meldpunt.reporting.ddas import config
from meldpunt.reporting.ddas.signing import SigningConfigurationError


class ReportingConfig(AppConfig):
    name = "meldpunt.reporting"
    label = "reporting"
    verbose_name = "Rapportage"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers the home-screen panels, core.home)

        checks.register(ddas_configuration_check, checks.Tags.security)


def ddas_configuration_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With the DDAS delivery switched on, its keys and certificates must load (at deploy time,
    not at CBS's first call)."""
    if not config.enabled():
        return []
    try:
        config.load()
    except (SigningConfigurationError, ImportError) as exc:
        return [checks.Error(f"DDAS-levering: {exc}", id="reporting.E001")]
    return []
