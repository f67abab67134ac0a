"""System check: a selected BRP adapter must be configured before the first signal arrives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

# By name: the adapter (and the HTTP client it loads) is imported only when it is selected, not
# at every start-up (each import command's start-up counts in its rows per second,
# docs/adr/0121-intake-ratio.md); tests/test_registries_brp.py selects it by this name.
HAAL_CENTRAAL = "meldpunt.registries.haalcentraal.HaalCentraalRegistry"


def brp_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.MELDPUNT_REGISTRY != HAAL_CENTRAAL:
        return []
    from .haalcentraal import HaalCentraalConfig  # the adapter is selected: it loads anyway

    return [
        Error(problem, hint="Zie docs/operators.md, 'BRP-koppeling'.", id="registries.E001")
        for problem in HaalCentraalConfig.from_settings().problems()
    ]
