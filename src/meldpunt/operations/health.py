"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work), for load balancers,
container platforms and monitoring.

Answered before every other middleware: no session, no login or MFA, no host check (a probe
asks by IP address), no HTTPS redirect (probes speak plain HTTP inside the platform). The
answers hold no personal data and no version numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from meldpunt.core.middleware import ENVIRON_ROUTE

from .selectors import worker_seen_within

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"

_migrations_applied = False  # once true it stays true for this process's code


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def forget_migrations_state() -> None:
    """For tests that unapply a migration record."""
    global _migrations_applied
    _migrations_applied = False


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {"database": "ok", "migrations": "onbekend", "worker": "onbekend"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        checks["database"] = "onbereikbaar"
        return False, checks
    try:
        checks["migrations"] = "ok" if migrations_applied() else "niet alle toegepast"
        seen = worker_seen_within(settings.MELDPUNT_READY_WORKER_SECONDS)
        checks["worker"] = "ok" if seen else "niet gezien"
    except DatabaseError:  # e.g. the operations tables do not exist yet
        checks["database"] = "fout"
    return all(value == "ok" for value in checks.values()), checks


def _answer(request: HttpRequest, body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    request.META[ENVIRON_ROUTE] = request.path_info.lstrip("/")
    # "Not ready" is an answer, not a server error: the access log has it, and Django's request
    # logger would otherwise write an ERROR line for every probe while a worker is down.
    response._has_been_logged = True
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in (HEALTH_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return _answer(request, {"status": "methode niet toegestaan"}, 405)
        if path == HEALTH_PATH:
            return _answer(request, {"status": "ok"}, 200)
        ready, checks = readiness()
        body = {"status": "ok" if ready else "niet gereed", "checks": checks}
        return _answer(request, body, 200 if ready else 503)
