"""Log filters that keep personal data out of log output (docs/privacy.md, "Logging").

Django's request and security loggers write the request path ("Not Found: /zaken/…"). A path
is whatever someone typed, so it may hold a name, an e-mail address or a BSN. This filter puts
the matched URL pattern in its place (for example ``zaken/<uuid:public_id>``), or a fixed text
when nothing matched, so the log still says where it happened.
"""

from __future__ import annotations

import contextlib
import logging

from meldpunt.core.logging import UNKNOWN_PATH

__all__ = ["UNKNOWN_PATH", "RedactRequestPathFilter"]


def _redacted(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match, "route", None):
        return f"[{match.route}]"
    return UNKNOWN_PATH


class RedactRequestPathFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None or not isinstance(record.args, tuple):
            return True
        paths = {getattr(request, "path", None), getattr(request, "path_info", None)}
        with contextlib.suppress(Exception):  # a broken request must not stop logging
            paths.add(request.get_full_path())
        paths.discard(None)
        record.args = tuple(
            _redacted(request) if isinstance(arg, str) and arg in paths else arg
            for arg in record.args
        )
        return True
