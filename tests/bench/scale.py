"""make bench, a million cases (issues 14 and 11): the screens on a case file of BENCH_CASES
cases (default 1,000,000, tests/bench/seed.py), on SQLite and PostgreSQL, then the load test
against the PostgreSQL one.

Per database, in a fresh process: ``meldpunt refresh-figures`` (the worker's quarter-hourly
recomputation of the last 13 months) timed, then each screen requested through Django's whole
stack (middleware, sessions, templates) as a signed-in demo user: one warm-up, then
BENCH_SCREEN_REPEATS (default 5) timed requests; median and slowest, with the number of
queries. Targets: city-wide dashboard under 1 s (issue 11). Then the locust load of
tests/bench/load.py (16 users, BENCH_LOAD_SECONDS, default 300) against gunicorn on the
PostgreSQL case file (issue 14: case list median < 50 ms, p95 < 150 ms; intake API median
< 100 ms; no errors).

Run alone: ``python -m tests.bench.scale`` (BENCH_CASES, BENCH_POSTGRES_URL, BENCH_SCALE_SQLITE=0
skips SQLite, BENCH_LOAD_SECONDS=0 skips the load).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import seed

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DASHBOARD_TARGET_MS = 1000

_SCREENS = r"""
import json, os, statistics, sys, time
import django
django.setup()
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY, AUTHENTICATION_METHODS_SESSION_KEY)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from meldpunt.accounts.models import User
from meldpunt.cases.models import Case

def client_for(email):
    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    now = timezone.now().timestamp()
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"}]
    session.save()
    return client, user

repeats = int(sys.argv[1])
results = {}
worker, worker_user = client_for("centram@demo.meldpunt.nl")
case = (Case.objects.for_user(worker_user).exclude(status="afgesloten")
        .order_by("-opened_at").first())
screens = [
    ("dashboard", "beleid@demo.meldpunt.nl", "/cijfers/"),
    ("case list", "centram@demo.meldpunt.nl", "/zaken"),
    ("case list (regie)", "regie@demo.meldpunt.nl", "/zaken"),
    ("case detail", "centram@demo.meldpunt.nl", f"/zaken/{case.public_id}"),
    ("triage", "regie@demo.meldpunt.nl", "/triage"),
]
for name, email, path in screens:
    client, _user = client_for(email)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    results[name] = {"median": statistics.median(times), "max": max(times),
                     "queries": len(queries), "bytes": len(response.content)}
print(json.dumps(results))
"""


def _run(env: dict[str, str], args: list[str]) -> str:
    out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:3])} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
        )
    return out.stdout


def screens(label: str, env: dict[str, str], say: Callable[[str], None]) -> None:
    env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver"}
    started = time.perf_counter()
    _run(env, [seed.MELDPUNT, "refresh-figures"])
    say(f"scale {label}: refresh-figures (13 months) in {time.perf_counter() - started:.0f} s")
    repeats = os.environ.get("BENCH_SCREEN_REPEATS", "5")
    out = _run(env, [PYTHON, "-c", _SCREENS, repeats])
    results = json.loads(out.strip().splitlines()[-1])
    for name, r in results.items():
        verdict = ""
        if name == "dashboard":
            ok = r["median"] < DASHBOARD_TARGET_MS
            verdict = f" (target < {DASHBOARD_TARGET_MS} ms) -> {'OK' if ok else 'MISSED'}"
        say(
            f"scale {label}: {name}: median {r['median']:.0f} ms, slowest {r['max']:.0f} ms of "
            f"{repeats}, {r['queries']} queries, {r['bytes'] / 1000:.0f} kB{verdict}"
        )


def main(say: Callable[[str], None] = print) -> None:
    from tests.bench import load

    cases = seed.bench_cases()
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    say(f"scale: a case file of {cases:,} cases (tests/bench/seed.py)")
    if os.environ.get("BENCH_SCALE_SQLITE", "1") != "0":
        seed.CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=seed.CACHE) as tmp:  # on disk: the copy is large
            env = seed.seeded_sqlite(Path(tmp) / "scale.sqlite3", cases, say=say)
            screens("SQLite", env, say)
    if pg:
        env = seed.seeded_postgres(pg, "meldpunt_bench_scale", cases, say=say)
        screens("PostgreSQL", env, say)
        seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
        if seconds:
            say(f"load database: PostgreSQL with the seeded {cases:,} cases")
            load.run_load(env, say, seconds, refresh=False)  # screens() just refreshed


if __name__ == "__main__":
    main()
