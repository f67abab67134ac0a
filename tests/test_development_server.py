"""`make run`: DEBUG off, the product's own error pages, static files from whitenoise, and an
access log without query strings (issue #13).

The development server is started as `make run` starts it (runserver, the development settings,
a .env as genenv writes it) on a free loopback port.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from meldpunt.conf import genenv
from meldpunt.core.logging import StripQueryStringFilter

SECRET = "geheim.adres@voorbeeld.nl"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture
def server(tmp_path, capsys):
    env_file = tmp_path / ".env"
    genenv.main()
    env_file.write_text(capsys.readouterr().out)
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_"))}
    environ.update(
        DJANGO_SETTINGS_MODULE="meldpunt.conf.settings",
        MELDPUNT_ENV_FILE=str(env_file),
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    # As `make run` does before it serves (the cache table holds the rate limits' counts).
    subprocess.run(
        [sys.executable, "-m", "meldpunt.cli", "createcachetable"], env=environ, check=True
    )
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "meldpunt.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until it listens (not a timing assertion)
        if process.poll() is not None:
            pytest.fail(Path(log).read_text())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_make_run_serves_without_debug_with_own_pages_static_files_and_a_clean_log(server):
    base, log = server
    status, content_type, body = _get(f"{base}/bestaat-niet?email={SECRET}")
    assert status == 404, Path(log).read_text()
    assert content_type.startswith("text/html")
    text = body.decode()
    assert "Niet gevonden" in text  # templates/404.html, not Django's technical 404 page
    assert "Using the URLconf" not in text and "DEBUG = True" not in text

    status, content_type, body = _get(f"{base}/static/vendor/utrecht/index.css?v={SECRET}")
    assert status == 200 and content_type.startswith("text/css") and len(body) > 100_000
    assert _get(f"{base}/static/meldpunt/meldpunt.css")[0] == 200

    status, content_type, _body = _get(f"{base}/api/v1/bestaat-niet")
    assert status == 404 and content_type == "application/problem+json"

    assert _get(f"{base}/gezondheid?naam={SECRET}")[0] == 200
    deadline = time.monotonic() + 30
    while "/gezondheid" not in Path(log).read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    access_log = Path(log).read_text()
    assert '"GET /gezondheid HTTP/1.1" 200' in access_log
    assert '"GET /bestaat-niet HTTP/1.1" 404' in access_log
    assert '"GET /static/vendor/utrecht/index.css HTTP/1.1" 200' in access_log
    assert SECRET not in access_log
    assert not any(q in access_log for q in ("?email=", "?naam=", "?v="))


def test_a_developer_can_switch_debug_on(capsys):
    genenv.main()
    written = capsys.readouterr().out
    assert "DJANGO_DEBUG=false" in written.splitlines()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("GET /zaken?naam=Jansen&bsn=1 HTTP/1.1", "200", "512"), "GET /zaken HTTP/1.1"),
        (("GET /?q=x HTTP/1.1", "302", "0"), "GET / HTTP/1.1"),
        (("GET /zaken HTTP/1.1", "200", "9"), "GET /zaken HTTP/1.1"),
        (("POST /a/b/?x=%20y HTTP/1.1", "400", "0"), "POST /a/b/ HTTP/1.1"),
    ],
)
def test_the_access_log_filter_strips_query_strings(args, expected):
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', args, None)
    assert StripQueryStringFilter().filter(record) is True
    assert record.getMessage() == f'"{expected}" {args[1]} {args[2]}'


def test_a_malformed_request_line_loses_its_query_string_too():
    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        "code %d, message %s",
        (400, "Bad request version ('GET /x?email=a@b.nl HTTP/9')"),
        None,
    )
    StripQueryStringFilter().filter(record)
    assert "a@b.nl" not in record.getMessage() and "/x" in record.getMessage()


def test_the_filter_is_on_the_development_server_logger():
    assert any(
        isinstance(f, StripQueryStringFilter) for f in logging.getLogger("django.server").filters
    )
