"""Rate limits for the API and for public pages, counted per client address or user.

Rates are read from the settings on every request (not at import), so an operator's value and a
test's override both apply. The client address is ``core.clientip.client_address``: never an
``X-Forwarded-For`` that did not come from a trusted proxy (DRF's own get_ident trusts any).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .clientip import client_address


class _MeldpuntThrottle:
    scope: str

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)

    def get_ident(self, request: Any) -> str:
        return client_address(request)


class AnonThrottle(_MeldpuntThrottle, AnonRateThrottle):
    """Per client address, for calls without a user."""


class UserThrottle(_MeldpuntThrottle, UserRateThrottle):
    """Per user or API key (per client address when there is no user)."""


class VerificationThrottle(_MeldpuntThrottle, SimpleRateThrottle):
    """Verifying a verklaring, per client address: the web page and the API share one count."""

    scope = "verification"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def seconds_to_wait(request: Any, throttle_class: type[SimpleRateThrottle]) -> int | None:
    """For a page outside the API: None when the request may go on, else the seconds to wait.

    The request counts towards the limit (it uses the same cache as the API's throttles).
    """
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 60))
