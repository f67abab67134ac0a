"""Cross-cutting request handling: trace ids, no-store for pages with personal data, API version."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .tracing import reset_trace_id, set_trace_id, trace_id_from_header


class TraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_trace_id(trace_id_from_header(request.headers.get("traceparent")))
        try:
            response = self.get_response(request)
        finally:
            reset_trace_id(token)
        return response


class NoStoreMiddleware:
    """Pages behind login may hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ApiVersionMiddleware:
    """NL API Design Rules: every API response carries the full version in ``API-Version``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the user chose another language with the switch (cookie).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: staff of a
    Dutch municipality often run English browsers, and the product is Dutch first (ADR 0001).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
