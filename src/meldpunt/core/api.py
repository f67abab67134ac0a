"""API conventions of the NL API Design Rules: every error is problem+json (RFC 9457).

Two ways in, one body: ``problem_exception_handler`` for errors inside DRF views, and
``problem_response`` for errors Django answers before or around a view (unknown path, a body
too large to read, a crash), used by the handlers in ``core.views`` and by middleware.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from .parsers import PayloadTooLarge

PROBLEM_JSON = "application/problem+json"


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_JSON
    format = "problem+json"


TITLES = {
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    413: "Verzoek te groot",
    415: "Mediatype niet ondersteund",
    422: "Onverwerkbare invoer",
    429: "Te veel verzoeken",
    500: "Interne fout",
}
# Dutch details for the errors DRF and Django raise with their own (partly English) text.
DETAILS = {
    400: "Het verzoek is ongeldig.",
    401: "Meld u aan met een API-sleutel: Authorization: Token <sleutel>.",
    403: "U heeft geen toegang tot deze handeling.",
    404: "Dit bestaat niet, of u heeft er geen toegang toe.",
    405: "Deze methode is hier niet toegestaan.",
    406: "Deze API antwoordt alleen in JSON (application/json).",
    409: "Het verzoek botst met de huidige toestand; probeer het opnieuw.",
    413: "Het verzoek is te groot.",
    415: "Stuur de gegevens als JSON (Content-Type: application/json).",
    422: "Het verzoek kan niet worden verwerkt.",
    429: "Te veel verzoeken; probeer het later opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = DETAILS[409]
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = DETAILS[422]
    default_code = "unprocessable"


def is_api_request(request: HttpRequest) -> bool:
    path = request.path_info
    return path == "/api" or path.startswith("/api/")


def problem_body(
    code: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    invalid_params: list[dict[str, str]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or TITLES.get(code, "Fout"),
        "status": code,
        "detail": detail or DETAILS.get(code, TITLES.get(code, "Fout")),
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    if instance:
        body["instance"] = instance
    return body


def problem_response(
    code: int,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> JsonResponse:
    """A problem+json answer outside DRF (handlers, middleware)."""
    response = JsonResponse(
        problem_body(code, detail, **kwargs),
        status=code,
        content_type=PROBLEM_JSON,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_problem(
    code: int, detail: str, *, invalid_params: list[dict] | None = None, title: str | None = None
) -> Response:
    """A problem+json answer from inside a DRF view (for errors a view decides itself)."""
    body = problem_body(code, detail, title=title, invalid_params=invalid_params)
    return Response(body, status=code, content_type=PROBLEM_JSON)


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        # Never Http404's own text: get_object_or_404 names the model ("No Signal matches").
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(DETAILS[400])
    return exc


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a crash: Django's handler500 answers (core.views.server_error)
    code = response.status_code
    data = response.data
    invalid = None
    if isinstance(exc, exceptions.ValidationError):
        detail = "Een of meer velden zijn niet goed ingevuld."
        invalid = _invalid_params(data)
    elif isinstance(exc, exceptions.Throttled):
        detail = (
            f"Te veel verzoeken; probeer het over {exc.wait:.0f} seconden opnieuw."
            if exc.wait is not None
            else DETAILS[429]
        )
    elif isinstance(exc, exceptions.UnsupportedMediaType | exceptions.NotAcceptable):
        detail = DETAILS[code]
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = DETAILS[401]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = f"De methode {context['request'].method} is hier niet toegestaan."
    elif isinstance(data, dict) and "detail" in data:
        detail = str(data["detail"])
    else:
        detail = DETAILS.get(code)
    request = context.get("request")
    # An unknown path is not echoed back: it is whatever someone typed (docs/privacy.md).
    echo = request is not None and not isinstance(context.get("view"), UnknownApiPath)
    response.data = problem_body(
        code, detail, invalid_params=invalid, instance=request.path if echo else None
    )
    response.content_type = PROBLEM_JSON
    if code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    if code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


def _invalid_params(data: Any, prefix: str = "") -> list[dict[str, str]]:
    params: list[dict[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            params.extend(_invalid_params(value, name))
    elif isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            for value in data:
                params.append(
                    {
                        "name": prefix or "nonFieldErrors",
                        "code": getattr(value, "code", "invalid"),
                        "reason": str(value),
                    }
                )
        else:
            for index, value in enumerate(data):
                params.extend(_invalid_params(value, f"{prefix}[{index}]"))
    else:
        params.append({"name": prefix or "nonFieldErrors", "code": "invalid", "reason": str(data)})
    return params


def _unknown_path_detail(path: str) -> str:
    if path.endswith("/") and path.rstrip("/"):
        try:
            match = resolve(path.rstrip("/"))
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-unknown":
            return (
                "Paden in deze API eindigen niet op een schuine streep: laat de / aan het eind weg."
            )
    return "Dit pad bestaat niet in de API. Zie /api/v1/openapi.json voor de paden."


@extend_schema(exclude=True)
class UnknownApiPath(APIView):
    """Answers every path under /api/ that no route matches, for every method, with a 404.

    A route rather than only handler404: Django's APPEND_SLASH would otherwise redirect
    ``/api/v1`` and the unknown path would pass the API's throttles untouched.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def _not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound(_unknown_path_detail(request.path_info))

    http_method_not_allowed = _not_found
    options = _not_found
