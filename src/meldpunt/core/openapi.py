"""The OpenAPI document as the NL API Design Rules want it (drf-spectacular postprocessing hook).

drf-spectacular documents the success bodies the views declare; this hook adds what is the same
for every operation, so no view can forget it (docs/adr/0110-api-contract.md):

- the ``API-Version`` header on every response, errors included (``ApiVersionMiddleware``);
- every error the API can answer, as ``application/problem+json`` (RFC 9457, ``core.api``): 400,
  404, 406, 429 and 500 everywhere; 401 and 403 where a key is needed; 413 and 415 where a body
  is sent; whatever else a view declares (409, 422) gets the same problem body;
- a description on every response (the rules and Spectral's ``oas3-schema`` want one).

The committed ``openapi.yaml`` is this document (``make openapi``; a test keeps it current).
"""

from __future__ import annotations

from typing import Any

from .api import TITLES

PROBLEM_JSON = "application/problem+json"
VERSION_HEADER = {"$ref": "#/components/headers/API-Version"}
PROBLEM_REF = {"$ref": "#/components/schemas/Probleem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Foutmelding volgens RFC 9457 (Problem Details for HTTP APIs).",
    "properties": {
        "type": {
            "type": "string",
            "description": "Soort fout; about:blank als de status zegt wat er is.",
        },
        "title": {"type": "string", "description": "Korte omschrijving van de soort fout."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {
            "type": "string",
            "description": "Wat er mis is en wat u kunt doen (Nederlands).",
        },
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "description": "Per veld wat er mis is.",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

# Answered by every operation: bad input (path, query, header), unknown or not one's own (404),
# an Accept header that is not JSON, throttling and a crash.
EVERYWHERE = (400, 404, 406, 429, 500)
WITH_KEY = (401, 403)
WITH_BODY = (413, 415)


def _problem_response(code: int) -> dict[str, Any]:
    return {
        "description": TITLES.get(code, "Fout"),
        "headers": {"API-Version": VERSION_HEADER},
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }


def _needs_key(operation: dict[str, Any]) -> bool:
    security = operation.get("security")
    return not (security is not None and all(not s for s in security))


def nl_api_design_rules(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: headers, problem responses, descriptions."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Probleem"] = PROBLEM_SCHEMA
    components.setdefault("headers", {})["API-Version"] = {
        "description": "De volledige versie van de API (semver), op elk antwoord.",
        "schema": {"type": "string", "example": result["info"]["version"]},
        "required": True,
    }
    components.setdefault("responses", {}).update(
        {f"Fout{code}": _problem_response(code) for code in EVERYWHERE + WITH_KEY + WITH_BODY}
    )
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = set(EVERYWHERE)
            if _needs_key(operation):
                codes.update(WITH_KEY)
            if "requestBody" in operation:
                codes.update(WITH_BODY)
            for code in sorted(codes):
                responses.setdefault(str(code), {"$ref": f"#/components/responses/Fout{code}"})
            for code, response in responses.items():
                status = int(code)
                if "$ref" in response:
                    continue
                response.setdefault("headers", {})["API-Version"] = VERSION_HEADER
                if status >= 400:
                    response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
                    if not response.get("description"):
                        response["description"] = _problem_response(status)["description"]
                elif not response.get("description"):
                    response["description"] = "Gelukt."
            operation["responses"] = dict(sorted(responses.items()))
    return result
