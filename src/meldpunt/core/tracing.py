"""Trace ids for one request or job, shared by logs and the processing log.

W3C Trace Context: a request's ``traceparent`` header (version-traceid-parentid-flags) gives the
trace id; without a valid one a new trace starts. Each request and each background job has a
span of its own. Logboek Dataverwerkingen records the trace id with every processing.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from typing import NamedTuple

_trace_id: ContextVar[str | None] = ContextVar("meldpunt_trace_id", default=None)
_span_id: ContextVar[str | None] = ContextVar("meldpunt_span_id", default=None)
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


class TraceParent(NamedTuple):
    trace_id: str
    parent_id: str
    flags: str


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_span_id() -> str:
    return secrets.token_hex(8)


def parse_traceparent(header: str | None) -> TraceParent | None:
    """The parts of a valid ``traceparent`` header, or None (then a new trace starts).

    Per the W3C rules: version ``ff`` and all-zero ids are invalid; version 00 has exactly four
    parts, a later version may add parts after them.
    """
    match = _TRACEPARENT.match((header or "").strip().lower())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    return TraceParent(trace_id, parent_id, flags)


def trace_id_from_header(traceparent: str | None) -> str:
    parsed = parse_traceparent(traceparent)
    return parsed.trace_id if parsed else new_trace_id()


def traceparent(trace_id: str, span_id: str, flags: str = "01") -> str:
    return f"00-{trace_id}-{span_id}-{flags}"


def current_trace_id() -> str:
    """The trace id of the running request or job; a fresh one outside any."""
    trace_id = _trace_id.get()
    if trace_id is None:
        trace_id = new_trace_id()
        _trace_id.set(trace_id)
    return trace_id


def current_span_id() -> str | None:
    return _span_id.get()


def set_trace_id(trace_id: str, span_id: str | None = None):
    """Start a trace (and span) for a request or job; returns a token for ``reset_trace_id``."""
    return _trace_id.set(trace_id), _span_id.set(span_id or new_span_id())


def reset_trace_id(token) -> None:
    trace_token, span_token = token
    _span_id.reset(span_token)
    _trace_id.reset(trace_token)
