from django.apps import AppConfig
from django.core import checks


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
    # Imported when the checks run, not when the app loads: the DDAS modules and the X.509
    # code they need cost every start-up (also of each import command, where the start-up
    # counts in rows per second, docs/adr/0121-intake-ratio.md) and only the checks use them.
    from .ddas import config
    from .ddas.signing import SigningConfigurationError

    if not config.enabled():
        return []
    try:
        config.load()
    except (SigningConfigurationError, ImportError) as exc:
        return [checks.Error(f"DDAS-levering: {exc}", id="reporting.E001")]
    return []
