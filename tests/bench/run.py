"""make bench: intake throughput and memory, and the crash-and-rerun check, with a report.

Each measurement runs the real command (`meldpunt import-signalen`) in a fresh process against
a fresh database, as an operator would. Figures go to stdout and to bench-report.txt.

Environment knobs: BENCH_ROWS (default 100000), BENCH_MEMORY_ROWS (default 1000000; 0 skips),
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres; "" skips PostgreSQL),
BENCH_DDAS=0 skips the DDAS part (tests/bench/ddas.py, BENCH_DDAS_SIGNALS).
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench import ddas
from tests.bench.generate import write_csv

ROOT = Path(__file__).resolve().parents[2]
MELDPUNT = str(ROOT / ".venv" / "bin" / "meldpunt")
REPORT: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)
    REPORT.append(line)


def env_for(database_url: str) -> dict[str, str]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="meldpunt.conf.settings",
        MELDPUNT_ENV_FILE="/nonexistent",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        MELDPUNT_ENCRYPTION_KEYS=f"k1:{key}",
        MELDPUNT_ENCRYPTION_ACTIVE_KEY="k1",
        MELDPUNT_BLIND_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        MELDPUNT_DEMO_MODE="true",
        MELDPUNT_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    return env


def prepare(database_url: str) -> dict[str, str]:
    env = env_for(database_url)
    for args in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["seed-demo"]):
        subprocess.run([MELDPUNT, *args], env=env, check=True, capture_output=True)
    return env


def fresh_postgres(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def _pss_kib(pid: int) -> int:
    """Proportional set size of a process and its children (shared pages counted once)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class _Sampler(threading.Thread):
    """Samples the import's memory (writer plus preparing process) every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, _pss_kib(self.pid))


def timed_import(env: dict[str, str], path: Path) -> tuple[float, int, str]:
    """Run the import; returns (seconds, peak memory in KiB, last output line).

    Peak memory is the larger of the highest resident set of any one process (ru_maxrss of the
    writer and the preparing process it forks) and the sampled sum of both processes'
    proportional set sizes, so two processes are never reported as one.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        [MELDPUNT, "import-signalen", "--partner", "eigen-haard", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sampler = _Sampler(process.pid)
    sampler.start()
    last = ""
    for line in process.stdout:
        last = line.strip()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"import failed ({status}): {last}")
    return seconds, max(usage.ru_maxrss, sampler.peak), last


def count(env: dict[str, str], sql: str) -> int:
    code = (
        "import django;django.setup();from django.db import connection\n"
        f"c=connection.cursor();c.execute({sql!r});print(c.fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def _cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def throughput(label: str, database_url: str, path: Path, rows: int) -> None:
    env = prepare(database_url)
    busy0, total0 = _cpu_busy()
    seconds, rss, last = timed_import(env, path)
    busy1, total1 = _cpu_busy()
    cores = (os.cpu_count() or 1) * (busy1 - busy0) / max(total1 - total0, 1)
    say(
        f"intake {label}: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s end-to-end; "
        f"peak memory {rss / 1024:.0f} MB; machine busy {cores:.2f} of {os.cpu_count()} cores "
        f"({last})"
    )


def _gone(marker: str, within: float = 10.0) -> bool:
    """Whether no process with ``marker`` in its command line is left (the forked preparing
    process must die with its writer: it gets a broken pipe on its next send)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and marker in (proc / "cmdline").read_text():
                    alive.append(proc.name)
            except OSError:
                continue
        if not alive:
            return True
        time.sleep(0.1)  # polling a process table, not timing a result
    return False


def kill_and_rerun(label: str, database_url: str, path: Path, rows: int) -> None:
    """SIGKILL an import after its third committed batch, check, rerun, check."""
    env = prepare(database_url)
    process = subprocess.Popen(
        [MELDPUNT, "import-signalen", "--partner", "eigen-haard", "--chunk-size", "500", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("batch 3 "):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    orphans_gone = _gone(str(path))
    after_kill = count(env, "SELECT COUNT(*) FROM intake_signal WHERE channel = 'bestand'")
    whole = after_kill % 500 == 0
    timed_import(env, path)
    total = count(env, "SELECT COUNT(*) FROM intake_signal WHERE channel = 'bestand'")
    distinct = count(
        env, "SELECT COUNT(DISTINCT intake_key) FROM intake_signal WHERE channel = 'bestand'"
    )
    logs = count(
        env, "SELECT COUNT(*) FROM privacy_processinglogentry WHERE name = 'signal.receive.bestand'"
    )
    ok = whole and orphans_gone and total == distinct == logs == rows
    say(
        f"kill -9 during import ({label}): {after_kill} signals after the kill (whole batches: {whole}; "
        f"preparing process gone: {orphans_gone}); "
        f"after rerun {total} signals, {distinct} distinct, {logs} log records -> {'OK' if ok else 'FAILED'}"
    )
    if not ok:
        raise SystemExit("crash-and-rerun check failed")


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    memory_rows = int(os.environ.get("BENCH_MEMORY_ROWS", "1000000"))
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    say(f"Meldpunt bench — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        path = write_csv(tmpdir / "signals.csv", rows)
        throughput("SQLite", f"sqlite:///{tmpdir / 'bench.sqlite3'}", path, rows)
        if pg:
            throughput("PostgreSQL", fresh_postgres(pg, "meldpunt_bench"), path, rows)
        small = write_csv(tmpdir / "kill.csv", 5000, seed=11)
        kill_and_rerun("SQLite", f"sqlite:///{tmpdir / 'kill.sqlite3'}", small, 5000)
        if pg:
            kill_and_rerun("PostgreSQL", fresh_postgres(pg, "meldpunt_bench_kill"), small, 5000)
        if memory_rows:
            big = write_csv(tmpdir / "million.csv", memory_rows, seed=3)
            throughput(
                f"SQLite, {memory_rows:,} rows (memory)",
                f"sqlite:///{tmpdir / 'mem.sqlite3'}",
                big,
                memory_rows,
            )
    if os.environ.get("BENCH_DDAS", "1") != "0":  # the DDAS export and CBS pages (issue 11)
        ddas.main(say)
    (ROOT / "bench-report.txt").write_text("\n".join(REPORT) + "\n")


if __name__ == "__main__":
    main()
