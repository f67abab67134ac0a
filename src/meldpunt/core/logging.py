"""Log filters and the JSON formatter (docs/operations.md, "Logs").

Log lines never carry personal data: messages are written without it, request paths are
replaced by their URL pattern (privacy/logging.py), and the JSON formatter leaves out the
message of an exception, which may quote a value (a database error names the duplicate key),
keeping its type and where it happened.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

from .tracing import _span_id, _trace_id

# What a log line says instead of a request path nobody may read (privacy/logging.py).
UNKNOWN_PATH = "[pad verborgen]"


class TraceIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = _trace_id.get() or "-"
        record.span_id = _span_id.get() or "-"
        return True


# Extra fields of a log record that are safe to copy (Django's request logger adds status_code;
# its "request" object is left out).
_SAFE_EXTRAS = ("status_code",)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, trace and span id, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("trace_id", "span_id"):
            value = getattr(record, name, "-")
            if value and value != "-":
                entry[name] = value
        for name in _SAFE_EXTRAS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            entry["error"] = {
                "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
                "stack": [
                    f"{frame.filename}:{frame.lineno} in {frame.name}"
                    for frame in traceback.extract_tb(tb)
                ],
            }
        return json.dumps(entry, ensure_ascii=False, default=str)


# A path followed by a query string, anywhere in a text ("GET /zoek?naam=… HTTP/1.1", or the
# quoted request line of "Bad request syntax ('GET /?x')").
_QUERY = re.compile(r"(/[^\s?'\"]*)\?[^\s'\"]*")


def strip_query_strings(text: str) -> str:
    return _QUERY.sub(r"\1", text)


class StripQueryStringFilter(logging.Filter):
    """The development server's access log (logger ``django.server``) without query strings.

    A query string is whatever a form or link put there, so it may hold a name or an e-mail
    address (docs/privacy.md, "Logging"); the path is enough to see what was asked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = strip_query_strings(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                strip_query_strings(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
