"""make bench, the load test (issue 14): locust against gunicorn on loopback.

16 concurrent users for BENCH_LOAD_SECONDS (default 300): caseworkers on the case list and case
detail, regie on triage and the case list, beleid on the dashboard, and landlords' systems on the
intake API (weights in locustfile.py), against a seeded database, under the production settings
with gunicorn as operators run it (docs/operations.md). Users log in through the real log-in
(password + TOTP of the demo accounts) once each before the load starts.

locust runs from .venv-bench (requirements-bench.lock): it brings gevent, which patches the
standard library, so it is kept out of the test environment.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
USERS = 16
# Targets of issue 14 on this 2-core machine (milliseconds).
TARGETS = {"case list": (50, 150), "intake API": (100, None)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser for the log-in: cookies by hand (production's are Secure and
    `__Host-`; a cookie jar would not send them over loopback HTTP), CSRF token and Origin."""

    def __init__(self, base: str) -> None:
        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", "https://" + self.base.split("://", 1)[1])
        request.add_header("Referer", "https://" + self.base.split("://", 1)[1] + path)
        if self.cookies:
            request.add_header("Cookie", self.cookie_header())
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx without a handler arrive here
            response = error
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers.get("Location", ""), text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        _status, _location, page = self._request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise SystemExit(f"load test: no form on {path}")
        return self._request(path, {"csrfmiddlewaretoken": html.unescape(token[1]), **fields})

    def get(self, path: str) -> tuple[int, str, str]:
        return self._request(path)


def log_in(base: str, env: dict[str, str], email: str, password: str) -> str:
    """Log in with password and TOTP; returns the Cookie header of the session."""
    browser = Browser(base)
    status, location, _ = browser.post_form(
        "/accounts/login/", {"login": email, "password": password}
    )
    if status != 302:
        raise SystemExit(f"load test: log-in of {email} refused ({status})")
    mfa_path = urllib.parse.urlparse(location).path
    for _attempt in range(3):  # a code typed at the end of its 30 s is refused: type the next
        code = subprocess.run(
            [str(BIN / "meldpunt"), "demo-totp"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        status, _, _ = browser.post_form(mfa_path, {"code": code})
        if status == 302:
            break
    else:
        raise SystemExit(f"load test: second factor of {email} refused ({status})")
    status, _, _ = browser.get("/zaken")
    if status not in (200, 403):
        raise SystemExit(f"load test: {email} is not logged in after TOTP ({status})")
    return browser.cookie_header()


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "meldpunt"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def _wait_ready(base: str, process: subprocess.Popen, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("load test: gunicorn stopped at start")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.2)  # polling a start-up, not timing a measurement
    raise SystemExit("load test: gunicorn did not answer /healthz")


def _accounts(env: dict[str, str]) -> dict[str, list[str]]:
    code = (
        "import django;django.setup()\n"
        "from meldpunt.accounts.demo import demo_users_spec\n"
        "import json;print(json.dumps(demo_users_spec()))"
    )
    spec = json.loads(
        subprocess.run(
            [str(BIN / "python"), "-c", code], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    by_role: dict[str, list[str]] = {}
    for email, slug, roles in spec:
        if slug == "gemeente-diemen":
            continue
        for role in roles:
            by_role.setdefault(role, []).append(email)
    return {
        "hulpverlener": by_role["hulpverlener"],
        "regie": by_role["regie"],
        "beleid": by_role["beleid"],
    }


def run_load(
    env: dict[str, str], say, seconds: int | None = None, *, refresh: bool = True
) -> dict[str, dict[str, float]]:
    """Run the load against the database of ``env`` (seeded, demo accounts present);
    ``refresh=False`` when the figures were just recomputed (minutes on a million cases)."""
    if not LOCUST.exists():
        raise SystemExit("load test: .venv-bench is missing (make bench installs it)")
    seconds = seconds or int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        static_root = Path(tmp) / "static"
        web_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "meldpunt.conf.production",
            "MELDPUNT_STATIC_ROOT": str(static_root),
            "MELDPUNT_BIND": f"127.0.0.1:{port}",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "MELDPUNT_ACCESS_LOG": "",
            "MELDPUNT_LOG_LEVEL": "WARNING",
        }
        _manage(web_env, "collectstatic", "--noinput", "-v0")
        if refresh:
            _manage(env, "refresh-figures")
        key = (
            _manage(
                env,
                "create-api-token",
                "--organisation",
                "eigen-haard",
                "--name",
                "load",
                "--scope",
                "submit",
            )
            .splitlines()[1]
            .strip()
        )
        with open(Path(tmp) / "gunicorn.log", "w") as log:
            gunicorn = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "python:meldpunt.conf.gunicorn"],
                env=web_env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            try:
                _wait_ready(base, gunicorn)
                sessions = {
                    role: [log_in(base, web_env, email, "Meldpunt-demo-2026") for email in emails]
                    for role, emails in _accounts(env).items()
                }
                context = Path(tmp) / "context.json"
                context.write_text(
                    json.dumps({"sessions": sessions, "api_key": key, "case_ids": {}}),
                    encoding="utf-8",
                )
                prefix = Path(tmp) / "locust"
                subprocess.run(
                    [
                        str(LOCUST),
                        "-f",
                        str(ROOT / "tests" / "bench" / "locustfile.py"),
                        "--headless",
                        "-u",
                        str(USERS),
                        "-r",
                        "4",
                        "-t",
                        f"{seconds}s",
                        "--host",
                        base,
                        "--csv",
                        str(prefix),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    env={**os.environ, "BENCH_LOAD_CONTEXT": str(context)},
                    check=False,
                    capture_output=True,
                    text=True,
                )
                stats = _read_stats(Path(f"{prefix}_stats.csv"))
                failures = _read_failures(Path(f"{prefix}_failures.csv"))
            finally:
                gunicorn.terminate()
                gunicorn.wait(30)
    _report(stats, seconds, say)
    for name, error, occurrences in failures:
        say(f"  failure: {name}: {error} ({occurrences}x)")
    return stats


def _read_failures(path: Path) -> list[tuple[str, str, int]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["Name"], r["Error"][:300], int(r["Occurrences"])) for r in csv.DictReader(f)]


def _read_stats(path: Path) -> dict[str, dict[str, float]]:
    stats = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median": float(row["Median Response Time"] or 0),
                "p95": float(row["95%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return stats


def _report(stats: dict[str, dict[str, float]], seconds: int, say) -> None:
    say(
        f"load: {USERS} users for {seconds} s against gunicorn (production settings), locust summary:"
    )
    say(f"  {'name':<14}{'requests':>9}{'failures':>9}{'median ms':>11}{'p95 ms':>9}{'req/s':>8}")
    for name, s in stats.items():
        target = TARGETS.get(name)
        verdict = ""
        if target:
            ok = s["median"] < target[0] and (target[1] is None or s["p95"] < target[1])
            verdict = (
                f"  target median < {target[0]}"
                + (f", p95 < {target[1]}" if target[1] else "")
                + (" -> OK" if ok else " -> MISSED")
            )
        say(
            f"  {name:<14}{s['requests']:>9,}{s['failures']:>9,}{s['median']:>11.0f}"
            f"{s['p95']:>9.0f}{s['rps']:>8.1f}{verdict}"
        )
    total = stats.get("Aggregated", {})
    say(f"  errors: {total.get('failures', 0):,} of {total.get('requests', 0):,} requests")


def main() -> None:
    """`python -m tests.bench.load`: the load alone, on a PostgreSQL database seeded through the
    intake with BENCH_LOAD_ROWS signals (default 20,000); `make bench` runs it on its million."""
    from tests.bench import run
    from tests.bench.generate import write_csv

    rows = int(os.environ.get("BENCH_LOAD_ROWS", "20000"))
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = run.fresh_postgres(pg, "meldpunt_bench_load")
    env = run.prepare(url)
    with tempfile.TemporaryDirectory() as tmp:
        run.timed_import(env, write_csv(Path(tmp) / "signals.csv", rows))
    run.say(f"load database: PostgreSQL seeded through the intake with {rows:,} signals")
    run_load(env, run.say)


if __name__ == "__main__":
    main()
