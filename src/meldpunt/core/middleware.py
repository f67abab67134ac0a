"""Cross-cutting request handling: trace ids, no-store for pages with personal data, API version."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .api import is_api_request
from .logging import UNKNOWN_PATH
from .tracing import new_span_id, new_trace_id, parse_traceparent, set_trace_id, traceparent

# Keys in the WSGI environ (request.META) that gunicorn's access log reads (conf/gunicorn.py).
ENVIRON_TRACE_ID = "meldpunt.trace_id"
ENVIRON_ROUTE = "meldpunt.route"


def request_route(request: HttpRequest) -> str:
    """Where a request went, without personal data: the URL pattern, never the typed path."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    if request.path.startswith(settings.STATIC_URL):
        return request.path  # file names of the product's own static files
    return UNKNOWN_PATH


class TraceMiddleware:
    """W3C Trace Context: take the trace id of an incoming ``traceparent`` (or start a trace),
    give the request a span of its own and answer with both in ``traceparent``.

    The processing log, the logs and the access log all use this trace id. It is not reset when
    the response leaves: Django logs a 4xx/5xx response after the middleware chain returned, and
    that line must carry it too; the next request on the thread sets its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = parse_traceparent(request.headers.get("traceparent"))
        trace_id = incoming.trace_id if incoming else new_trace_id()
        span_id = new_span_id()
        set_trace_id(trace_id, span_id)
        request.META[ENVIRON_TRACE_ID] = trace_id
        response = self.get_response(request)
        header = traceparent(trace_id, span_id)
        response.headers["traceparent"] = header
        # Trace Context Level 2 names the response header "traceresponse".
        response.headers["traceresponse"] = header
        request.META[ENVIRON_ROUTE] = request_route(request)
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
        if is_api_request(request):
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
