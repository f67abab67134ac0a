"""System check: a selected BRP adapter must be configured before the first signal arrives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from .haalcentraal import HaalCentraalConfig, HaalCentraalRegistry

HAAL_CENTRAAL = f"{HaalCentraalRegistry.__module__}.{HaalCentraalRegistry.__qualname__}"


def brp_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.MELDPUNT_REGISTRY != HAAL_CENTRAAL:
        return []
    return [
        Error(problem, hint="Zie docs/operators.md, 'BRP-koppeling'.", id="registries.E001")
        for problem in HaalCentraalConfig.from_settings().problems()
    ]
