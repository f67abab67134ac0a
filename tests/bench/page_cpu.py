"""CPU of one screen, this checkout against another, in the same run (issue #14, ADR 0123).

    python -m tests.bench.page_cpu BASE_SRC EMAIL PATH [ROUNDS] [REQUESTS]

BASE_SRC is the ``src`` directory of another checkout (e.g. ``git worktree add --detach
var/base main`` gives ``var/base/src``). Each round runs both versions in turn, each in a fresh
process on the database that DATABASE_URL names (use a copy: every request writes its
processing-log record), signed in as EMAIL (a demo user, with MFA done), 5 warm-up requests and
then REQUESTS requests through Django's whole stack (middleware, session, template). Printed: the
median CPU (``time.process_time``) and wall time per request of each version and their ratio,
per round and overall, and the load average. The ratio is the figure to quote: absolute times
depend on what else the machine does.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def measure(email: str, path: str, requests: int) -> dict[str, float]:
    """In this process: the median CPU and wall time of ``requests`` requests, in ms."""
    import django

    django.setup()
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from django.test import Client
    from django.utils import timezone

    from meldpunt.accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    now = timezone.now().timestamp()
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session.save()
    for _ in range(5):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
    cpu, wall = [], []
    for _ in range(requests):
        c, w = time.process_time(), time.perf_counter()
        client.get(path)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return {"cpu": statistics.median(cpu) * 1000, "wall": statistics.median(wall) * 1000}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(argv[1], argv[2], int(argv[3]))))
        return
    base_src, email, path = argv[0], argv[1], argv[2]
    rounds = int(argv[3]) if len(argv) > 3 else 3
    requests = int(argv[4]) if len(argv) > 4 else 20
    versions = {"base": str(Path(base_src).resolve()), "this": str(ROOT / "src")}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in versions}
    for _ in range(rounds):
        for name, src in versions.items():
            out = subprocess.run(
                [sys.executable, "-m", "tests.bench.page_cpu", "--measure", email, path,
                 str(requests)],
                env={**os.environ, "PYTHONPATH": src}, cwd=ROOT, capture_output=True, text=True,
                check=False,
            )  # fmt: skip
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    for key in ("cpu", "wall"):
        base = statistics.median(r[key] for r in results["base"])
        this = statistics.median(r[key] for r in results["this"])
        per_round = ", ".join(
            f"{t[key] / b[key]:.2f}" for b, t in zip(results["base"], results["this"], strict=True)
        )
        print(f"{key}: base {base:.1f} ms, this {this:.1f} ms, this/base {this / base:.2f} "
              f"(per round {per_round})")  # fmt: skip
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main(sys.argv[1:])
