"""Roles that see personal data may do nothing until they signed in with a second factor."""

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
