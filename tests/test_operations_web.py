"""Production pieces of the web process (issue #14): health endpoints, W3C trace context shared
with the processing log, JSON logs and gunicorn's access log without personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config

from meldpunt.conf.gunicorn import AccessLogger
from meldpunt.core.logging import JsonFormatter, TraceIdFilter
from meldpunt.core.tracing import parse_traceparent, reset_trace_id, set_trace_id
from meldpunt.intake.services import signal_submit
from meldpunt.operations import health
from meldpunt.operations.services import worker_heartbeat_record
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

MELDPUNT = str(Path(sys.executable).parent / "meldpunt")
INCOMING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture(autouse=True)
def _fresh_migration_state():
    health.forget_migrations_state()
    yield
    health.forget_migrations_state()


def test_healthz_answers_without_database_login_or_known_host():
    # No django_db mark: any database query here would fail the test.
    client = Client(HTTP_HOST="10.1.2.3:8000")  # a probe asks by address, not by name
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_needs_a_worker_seen_within_a_minute(caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert not caplog.records  # a probe's "not ready" is no server error in the log
    assert response.wsgi_request.META["meldpunt.route"] == "readyz"  # for the access log
    assert response.json() == {
        "status": "niet gereed",
        "checks": {"database": "ok", "migrations": "ok", "worker": "niet gezien"},
    }
    old = timezone.now() - timedelta(seconds=61)
    worker_heartbeat_record(worker_id="w", hostname="h", pid=1, started_at=old, now=old)
    assert Client().get("/readyz").status_code == 503
    worker_heartbeat_record(worker_id="w", hostname="h", pid=1, started_at=old)
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }


@pytest.mark.django_db
def test_readyz_sees_an_unapplied_migration():
    worker_heartbeat_record(worker_id="w", hostname="h", pid=1, started_at=timezone.now())
    MigrationRecorder.Migration.objects.filter(app="operations", name="0001_initial").delete()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "niet alle toegepast"


def test_a_signed_in_user_without_mfa_is_not_redirected(users):
    client = Client()
    client.force_login(users["regie"])  # no second factor in this session
    worker_heartbeat_record(worker_id="w", hostname="h", pid=1, started_at=timezone.now())
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get(reverse("home")).status_code == 302  # everything else still is


def test_parse():
    assert parse_traceparent(INCOMING) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        "01",
    )
    assert parse_traceparent(INCOMING.upper()) is not None
    for bad in (
        None,
        "",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
        "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",
    ):
        assert parse_traceparent(bad) is None, bad
    # A later version may add fields; its first four are read.
    later = "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what"
    assert parse_traceparent(later).trace_id == "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize("incoming", [INCOMING, None, "garbage"])
def test_response_and_processing_log_share_the_trace_id(clients, users, covenant, incoming):
    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    before = ProcessingLogEntry.objects.count()
    headers = {"HTTP_TRACEPARENT": incoming} if incoming else {}
    url = reverse("cases:case-detail", args=[signal.case.public_id])
    response = clients["regie"].get(url, **headers)
    assert response.status_code == 200
    version, trace_id, span_id, flags = response["traceparent"].split("-")
    assert (version, flags) == ("00", "01") and len(span_id) == 16
    assert response["traceresponse"] == response["traceparent"]
    if incoming == INCOMING:
        assert trace_id == "0af7651916cd43dd8448eb211c80319c"
        assert span_id != "b7ad6b7169203331"  # our own span, child of the caller's
    entries = ProcessingLogEntry.objects.order_by("id")[before:]
    assert entries and {e.trace_id for e in entries} == {trace_id}


def test_each_request_has_its_own_trace_without_a_header(client):
    first = client.get("/accounts/login/")["traceparent"].split("-")[1]
    second = client.get("/accounts/login/")["traceparent"].split("-")[1]
    assert first != second


def _json_line(record: logging.LogRecord) -> dict:
    TraceIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_line_is_json_with_trace_and_span():
    token = set_trace_id("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
    try:
        record = logging.LogRecord("meldpunt.x", logging.INFO, __file__, 1, "%s rijen", (3,), None)
        line = _json_line(record)
    finally:
        reset_trace_id(token)
    assert line["message"] == "3 rijen" and line["level"] == "INFO"
    assert line["logger"] == "meldpunt.x"
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert line["span_id"] == "b7ad6b7169203331"
    assert line["time"].endswith("+00:00")


def test_an_exception_keeps_its_type_and_place_but_not_its_message():
    try:
        raise ValueError("Key (email)=(q.testpersoon@example.org) already exists")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            ("[zaken/<uuid:public_id>]",), sys.exc_info(),
        )  # fmt: skip
    record.status_code = 500
    text = JsonFormatter().format(record)
    assert "testpersoon" not in text
    line = json.loads(text)
    assert line["error"]["type"] == "builtins.ValueError"
    assert "test_operations_web.py" in line["error"]["stack"][-1]
    assert line["status_code"] == 500


def test_a_404_with_a_name_in_the_path_logs_the_pattern_only(client):
    formatter = JsonFormatter()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(TraceIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/zaken/Jansen-1012AB/?achternaam=Jansen")
    finally:
        logger.removeHandler(handler)
    assert response.status_code in (302, 404)
    assert "Jansen" not in stream.getvalue()


def _access_line(environ: dict, status: str, sent: int, duration: timedelta, capsys) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")  # gunicorn writes the access log to stdout
    logger = AccessLogger(cfg)
    capsys.readouterr()

    class Response:
        pass

    response = Response()
    response.status, response.sent = status, sent
    logger.access(response, None, environ, duration)
    return capsys.readouterr().out.strip()


def test_json_line_with_pattern_and_trace_without_query_or_address(
    clients, users, covenant, capsys
):
    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    response = clients["regie"].get(
        reverse("cases:case-detail", args=[signal.case.public_id]) + "?achternaam=Testpersoon",
        REMOTE_ADDR="192.0.2.44",
    )
    status = f"{response.status_code} OK"
    text = _access_line(
        response.wsgi_request.META, status, 1234, timedelta(milliseconds=12.34), capsys
    )
    line = json.loads(text)
    assert line["route"] == "zaken/<uuid:public_id>"
    assert line["method"] == "GET" and line["status"] == response.status_code
    assert line["duration_ms"] == 12.3 and line["bytes"] == 1234
    assert line["trace_id"] == response["traceparent"].split("-")[1]
    for secret in ("Testpersoon", "achternaam", "192.0.2.44", str(signal.case.public_id)):
        assert secret not in text


def test_an_unknown_path_is_hidden(client, capsys):
    response = client.get("/Jansen/1012AB")
    text = _access_line(response.wsgi_request.META, "404 Not Found", 0, timedelta(0), capsys)
    assert json.loads(text)["route"] == "[pad verborgen]" and "Jansen" not in text


def test_production_settings_use_persistent_checked_connections_and_json_logs():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://meldpunt@db.example:5432/meldpunt",
        "DATABASE_CONN_MAX_AGE": "300",
        "MELDPUNT_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
        "MELDPUNT_ENCRYPTION_ACTIVE_KEY": "k1",
        "MELDPUNT_BLIND_INDEX_KEY": "B" * 43 + "=",
        "MELDPUNT_ENV_FILE": "/nonexistent",
    }
    env.pop("MELDPUNT_LOG_FORMAT", None)
    code = (
        "import json; from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
        "s.LOGGING['handlers']['console']['formatter'], s.MIDDLEWARE[:3], "
        "s.STORAGES['staticfiles']['BACKEND']]))"
    )
    result = subprocess.run(
        [MELDPUNT, "shell", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    engine, max_age, checks, formatter, first, static = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert engine == "django.db.backends.postgresql" and max_age == 300 and checks is True
    assert formatter == "json"
    assert first == [
        "meldpunt.operations.health.HealthCheckMiddleware",
        "meldpunt.core.middleware.TraceMiddleware",
        "django.middleware.security.SecurityMiddleware",
    ]
    assert static == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    import psycopg  # psycopg 3 is the driver Django picks for postgresql

    assert psycopg.__version__.startswith("3.")


def test_a_gunicorn_worker_freezes_the_loaded_app_out_of_the_collector():
    """Issue #14: the objects loaded before the first request are not walked by the cyclic
    collector (gc.freeze); new objects still are."""
    import gc

    from meldpunt.conf import gunicorn

    gc.unfreeze()
    try:
        gunicorn.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000
        assert gc.get_count()[0] < 1000  # the young generation starts afresh
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
