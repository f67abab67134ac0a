"""Job functions for the scheduler tests, importable by a worker process (PYTHONPATH=repo)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from django_tasks import task

from meldpunt.core.tracing import current_trace_id

calls: list[str] = []
release = threading.Event()


def record_and_wait() -> None:
    """Hold the job (and its lease) until the test releases it."""
    calls.append(threading.current_thread().name)
    release.wait(timeout=30)


def failing() -> None:
    raise ValueError("Jansen, 1012AB")  # a message with "personal data" that must not be logged


def count_then_maybe_block() -> None:
    """Append a line per start; block for ever when the worker was started to be killed."""
    with Path(os.environ["MELDPUNT_TEST_JOB_LOG"]).open("a") as log:
        log.write("gestart\n")
    if os.environ.get("MELDPUNT_TEST_JOB_BLOCK") == "1":
        print("JOB-STARTED", flush=True)
        threading.Event().wait()
    sys.stdout.flush()


traces: list[str] = []


@task(backend="database")
def remember_trace() -> str:
    """A queued task that notes the trace id it ran under."""
    trace = current_trace_id()
    traces.append(trace)
    return trace
