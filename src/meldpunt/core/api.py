"""API conventions of the NL API Design Rules: problem+json errors (RFC 9457)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ProblemJSONRenderer(JSONRenderer):
    media_type = "application/problem+json"
    format = "problem+json"


TITLES = {
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    415: "Mediatype niet ondersteund",
    422: "Onverwerkbare invoer",
    429: "Te veel verzoeken",
}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(code, "Fout"),
        "status": code,
    }
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "Een of meer velden zijn niet goed ingevuld."
        body["invalidParams"] = _invalid_params(data)
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    request = context.get("request")
    if request is not None:
        body["instance"] = request.path
    response.data = body
    response.content_type = "application/problem+json"
    if code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
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
