from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_GET

from .api import is_api_request, problem_response
from .home import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's work queue: the panels the apps registered for the user's roles."""
    return render(request, "core/home.html", {"panels": panels_for(request)})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


# Error handlers (conf/urls.py): under /api/ every error is problem+json, elsewhere the
# product's own pages. None of them echoes the path or the request's data.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(413)
        return problem_response(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_response(500)
    return defaults.server_error(request)
