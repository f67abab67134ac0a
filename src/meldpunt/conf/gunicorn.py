"""gunicorn settings: ``gunicorn -c python:meldpunt.conf.gunicorn``. Every value from the
environment (.env.example); the defaults suit one server behind a reverse proxy.

The access log is one JSON line per request with the method, the URL pattern (never the typed
path, never the query string), status, duration, size and trace id; no client address and no
user (both personal data). Django puts the pattern and trace id in the WSGI environ
(core/middleware.py); gunicorn reads them there after the response.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "meldpunt.conf.wsgi:application"
bind = os.environ.get("MELDPUNT_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb: 2 per core + 1, each with its own database connection.
workers = _int("MELDPUNT_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("MELDPUNT_WEB_THREADS", 1)
timeout = _int("MELDPUNT_WEB_TIMEOUT", 60)
graceful_timeout = _int("MELDPUNT_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Restart a worker after this many requests (0: never), with jitter so not all at once.
max_requests = _int("MELDPUNT_WEB_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
# Addresses of the reverse proxy whose X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("MELDPUNT_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("MELDPUNT_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("MELDPUNT_LOG_LEVEL", "info").lower()
logger_class = "meldpunt.conf.gunicorn.AccessLogger"
proc_name = "meldpunt"
# gunicorn's control socket (gunicornc) is off: the image's home directory is read-only and
# operators stop and reload through systemd or the container platform with signals.
control_socket_disable = os.environ.get("MELDPUNT_GUNICORN_CONTROL_SOCKET", "") != "on"


def post_worker_init(worker: object) -> None:
    """The worker has loaded the app: its ~150,000 objects (modules, classes, settings) live as
    long as the worker. Frozen out of the cyclic collector's reach, a full collection no longer
    walks them on every request that triggers one (about 1.2 ms of CPU per request on average on
    the case page with 1,000,000 cases; issue #14, ADR 0123)."""
    gc.freeze()


class AccessLogger(Logger):
    """gunicorn's logger with an access log that holds no personal data."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = str(getattr(resp, "status", "") or "").split(" ", 1)[0]
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD", ""),
            "route": environ.get("meldpunt.route") or "[pad verborgen]",
            "status": int(status) if status.isdigit() else None,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
        }
        trace_id = environ.get("meldpunt.trace_id")
        if trace_id:
            entry["trace_id"] = trace_id
        try:
            self.access_log.info(json.dumps(entry))
        except Exception:
            self.error("access log line could not be written")
