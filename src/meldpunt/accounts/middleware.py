"""Roles that see personal data may do nothing until they signed in with a second factor; a
signed-in session ends after a quarter of an hour without requests."""

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from meldpunt.core.api import problem_response

# /healthz and /readyz are answered before this middleware (operations/health.py); listed anyway so
# a change of middleware order cannot put them behind MFA.
EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/verificatie/", "/gezondheid", "/healthz", "/readyz")


def session_has_mfa(request: HttpRequest) -> bool:
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if (
            user.is_authenticated
            and not path.startswith((settings.STATIC_URL, *EXEMPT_PREFIXES))
            and user.needs_second_factor
            and not session_has_mfa(request)
        ):
            if path.startswith("/api/"):
                return problem_response(
                    403,
                    "Meld u aan met tweestapsverificatie.",
                    title="Tweestapsverificatie vereist",
                )
            enrolled = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
            return redirect("mfa_reauthenticate" if enrolled else "mfa_activate_totp")
        return self.get_response(request)


# The moment (Unix seconds) the session's idle timeout was last renewed.
RENEWED_KEY = "_meldpunt_renewed"


class IdleTimeoutMiddleware:
    """Renews a session's idle timeout (SESSION_COOKIE_AGE) at most once a
    SESSION_RENEW_SECONDS, instead of writing the session on every request.

    Writing it on every request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE and a commit, a
    flushed WAL record on PostgreSQL, per page and per htmx fragment: 5-8 ms of the case list's
    50 under load on a million cases. The price is that a session ends between SESSION_COOKIE_AGE minus
    SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after its last request, never later (ADR 0124).
    Listed after SessionMiddleware, so its response phase runs first and SessionMiddleware saves
    what it marks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Nothing to renew without a session of record (no cookie, expired, or just flushed).
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_KEY] = now
        return response
