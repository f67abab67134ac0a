"""``Authorization: Token <key>``: API clients of organisations, with scopes and expiry
(docs/adr/0105-api-clients.md)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .models import ApiToken
from .scopes import ANY
from .token_hash import hash_key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Ongeldige Authorization-header.")
        token = (
            ApiToken.objects.select_related("user__organisation")
            .filter(key_hash=hash_key(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Onbekende of ingetrokken API-sleutel.")
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                "Deze API-sleutel is verlopen; vraag de beheerder van uw organisatie om een nieuwe."
            )
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class TokenScope(permissions.BasePermission):
    """An API key may call an operation only with the scope the view declares for the method
    (``token_scopes = {"POST": "submit"}``, or ``ANY``); undeclared means closed to keys.
    Signed-in users are not affected: their roles decide."""

    message = "Deze API-sleutel heeft niet de bevoegdheid voor deze handeling."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 for a method it does not have
        needed = getattr(view, "token_scopes", {}).get(request.method)
        if needed is None and request.method == "HEAD":
            needed = getattr(view, "token_scopes", {}).get("GET")
        return needed is not None and (needed == ANY or needed in token.scopes)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the API key in the OpenAPI document."""

    target_class = "meldpunt.accounts.api_auth.ApiTokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "API-sleutel van de verhuurder: `Token <sleutel>`.",
        }
