"""Trace ids for one request or job, shared by logs and the processing log."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_trace_id: ContextVar[str | None] = ContextVar("meldpunt_trace_id", default=None)
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_span_id() -> str:
    return secrets.token_hex(8)


def trace_id_from_header(traceparent: str | None) -> str:
    match = _TRACEPARENT.match((traceparent or "").strip().lower())
    return match.group(1) if match else new_trace_id()


def current_trace_id() -> str:
    """The trace id of the running request or job; a fresh one outside any."""
    trace_id = _trace_id.get()
    if trace_id is None:
        trace_id = new_trace_id()
        _trace_id.set(trace_id)
    return trace_id


def set_trace_id(trace_id: str):
    return _trace_id.set(trace_id)


def reset_trace_id(token) -> None:
    _trace_id.reset(token)
