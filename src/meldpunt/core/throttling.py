"""API rate limits. Rates are read from the settings on every request (not at import), so an
operator's value and a test's override both apply."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    scope: str

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Per client address, for calls without a user (the public verification)."""


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Per user or API key."""
