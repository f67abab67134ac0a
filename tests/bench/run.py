"""make bench: intake throughput and memory, and the crash-and-rerun check, with a report.

Each measurement runs the real command (`meldpunt import-signalen`) in a fresh process against
a fresh database, as an operator would. Figures go to stdout and to bench-report.txt.

The machine is shared, so a figure on its own says little: every comparison below is measured
in the same run, side by side, and reported as a ratio.
- SQLite and PostgreSQL throughput of a rent-only file; PostgreSQL also against its own floor,
  a raw binary COPY of the same rows into the same tables, indexes and foreign keys
  (tests/bench/pgfloor.py, also reported without the foreign keys;
  issue 14 asks for intake ÷ floor ≥ 0.6);
- a mixed file set (every kind of signal partner, about the same people) next to the rent-only
  file, alternately (issue 10);
- this checkout against an older commit (issue 9: "within 10 % of the figure before this
  change"): a `git worktree` of that commit under var/bench/ with its own virtualenv installed
  from its lock file, the same file imported by old and new alternately, several repeats;
  rows/s and CPU µs per row (writer and preparing process, from wait4) for both, and the ratio;
- kill -9 during an import and a rerun; peak memory for a million rows.

Environment knobs: BENCH_ROWS (default 100000), BENCH_MEMORY_ROWS (default 1000000; 0 skips),
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres; "" skips PostgreSQL;
the bench databases on that server are named after the checkout, so worktrees measuring at
once never drop each other's),
BENCH_COMPARE_WITH (default f8d80cd, the last commit before the identity work of issue 9;
"" skips), BENCH_COMPARE_REPEATS (default 3), BENCH_ONLY (comma-separated parts to run:
sqlite, postgres, mixed, compare, kill, memory, ddas, scale, caselist; default all).
BENCH_DDAS=0 skips the DDAS part (tests/bench/ddas.py, BENCH_DDAS_SIGNALS); scale is the
million cases with the dashboard timings and the load test (tests/bench/scale.py, BENCH_CASES,
BENCH_LOAD_SECONDS); caselist the case list with filters and searches on BENCH_CASES cases
(tests/bench/caselist.py).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from meldpunt.intake.ramp import batch_ends
from tests.bench import caselist, ddas, scale
from tests.bench.generate import MIXED_PARTNERS, write_csv, write_partner_csv

ROOT = Path(__file__).resolve().parents[2]
MELDPUNT = str(ROOT / ".venv" / "bin" / "meldpunt")
REPORT: list[str] = []
PARTS = ("sqlite", "postgres", "mixed", "compare", "kill", "memory", "ddas", "scale", "caselist")


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


def prepare(database_url: str, meldpunt: str = MELDPUNT) -> dict[str, str]:
    env = env_for(database_url)
    for args in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["seed-demo"]):
        subprocess.run([meldpunt, *args], env=env, check=True, capture_output=True)
    return env


# A signal partner of every kind the intake knows that the demo seed lacks, for Amsterdam
# (the demo has a landlord, an energy supplier, a water company and a health insurer).
_ADD_PARTNERS = """
import django, sys
django.setup()
from meldpunt.organisations.models import Municipality, Organisation
amsterdam = Municipality.objects.get(code="0363")
for slug, kind in (a.split("=", 1) for a in sys.argv[1:]):
    partner, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": "Bench " + kind, "type": "partner", "partner_type": kind})
    partner.municipalities.add(amsterdam)
"""


def add_partners(env: dict[str, str]) -> None:
    pairs = [f"{slug}={kind}" for slug, kind in MIXED_PARTNERS]
    subprocess.run([sys.executable, "-c", _ADD_PARTNERS, *pairs], env=env, check=True)


def copy_sqlite(source: Path, target: Path) -> str:
    """A fresh copy of a prepared SQLite database (migrating and seeding once per side is
    enough; every import gets the same starting file)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


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


class Import(NamedTuple):
    seconds: float
    peak_kib: int
    cpu: float  # user + system seconds of the writer and the preparing process it forks
    last: str  # the command's last line of output


def timed_import(
    env: dict[str, str], path: Path, *, partner: str = "eigen-haard", meldpunt: str = MELDPUNT
) -> Import:
    """Run the import; returns seconds, peak memory in KiB, CPU seconds, last output line.

    Peak memory is the larger of the highest resident set of any one process (ru_maxrss of the
    writer and the preparing process it forks) and the sampled sum of both processes'
    proportional set sizes, so two processes are never reported as one. The CPU time is the
    writer's with its reaped children (the preparing process) from wait4.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        [meldpunt, "import-signalen", "--partner", partner, str(path)],
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
    if " 0 geweigerd" not in last:
        raise SystemExit(f"the bench file was not accepted whole: {last}")
    cpu = usage.ru_utime + usage.ru_stime
    return Import(seconds, max(usage.ru_maxrss, sampler.peak), cpu, last)


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


def throughput(label: str, database_url: str, path: Path, rows: int) -> float:
    """One import into a fresh database; returns its rows/s. On PostgreSQL the same rows are
    then written by raw COPY (the floor) and the ratio is reported."""
    env = prepare(database_url)
    postgres = database_url.startswith("postgres")
    if postgres:
        from tests.bench.pgfloor import table_counts

        before = table_counts(database_url)
    busy0, total0 = _cpu_busy()
    result = timed_import(env, path)
    busy1, total1 = _cpu_busy()
    cores = (os.cpu_count() or 1) * (busy1 - busy0) / max(total1 - total0, 1)
    speed = rows / result.seconds
    say(
        f"intake {label}: {rows} rows in {result.seconds:.1f} s = {speed:,.0f} rows/s "
        f"end-to-end, CPU {result.cpu / rows * 1e6:,.0f} µs/row (writer and preparing process); "
        f"peak memory {result.peak_kib / 1024:.0f} MB; machine busy {cores:.2f} of "
        f"{os.cpu_count()} cores ({result.last})"
    )
    if postgres:
        from tests.bench.pgfloor import copy_floor

        bare, grown = copy_floor(database_url, before, foreign_keys=False)
        seconds, grown = copy_floor(database_url, before, foreign_keys=True)
        floor = rows / seconds
        tables = ", ".join(f"{t} {n:,}" for t, n in sorted(grown.items()))
        say(
            f"  PostgreSQL floor (raw binary COPY of the same {sum(grown.values()):,} rows into "
            f"twins with the same indexes and foreign keys: {tables}): {seconds:.1f} s = "
            f"{floor:,.0f} signals/s; intake ÷ floor = {speed / floor:.2f} (issue 14 target "
            f"≥ 0.6). Without the foreign keys: {bare:.1f} s = {rows / bare:,.0f} signals/s, "
            f"intake ÷ that = {speed * bare / rows:.2f}"
        )
    return speed


def _median_figures(runs: list[Import], rows: int) -> tuple[float, float]:
    """(median rows/s, median CPU µs per row) of several imports of ``rows`` rows."""
    return (
        statistics.median(rows / r.seconds for r in runs),
        statistics.median(r.cpu / rows * 1e6 for r in runs),
    )


def mixed_vs_rent(tmpdir: Path, rows: int, repeats: int) -> None:
    """Issue 10: a file set from every kind of signal partner next to a rent-only file.

    Both are ``rows`` signals about the same kind of people; the mixed set is one file per kind
    of partner (a delivery comes from one partner), the same person often in several (one
    household file across creditors), imported one after the other into one database. They are
    imported alternately into copies of one prepared database, ``repeats`` times each. A third
    set, rent only in files of the mixed set's sizes, tells the cost of the kinds of partner
    apart from the cost of many small files (each a process start-up and its own batches)."""
    seed = tmpdir / "mixed-seed.sqlite3"
    env = prepare(f"sqlite:///{seed}")
    add_partners(env)
    rent = write_csv(tmpdir / "rent.csv", rows, seed=5)
    share = -(-rows // len(MIXED_PARTNERS))
    files = [
        (slug, write_partner_csv(tmpdir / f"mixed-{index}.csv", min(share, rows - index * share),
                                 kind, seed=5, offset=index * share, step=share if index else 0))
        for index, (slug, kind) in enumerate(MIXED_PARTNERS)
    ]  # fmt: skip
    split = [
        ("eigen-haard", write_partner_csv(tmpdir / f"rent-{index}.csv",
                                          min(share, rows - index * share), "Huur", seed=6,
                                          offset=index * share))
        for index in range(len(files))
    ]  # fmt: skip
    runs: dict[str, list[Import]] = {"rent": [], "mixed": [], "split": []}
    for repeat in range(repeats):
        order = ("rent", "mixed", "split") if repeat % 2 == 0 else ("split", "mixed", "rent")
        for side in order:
            url = copy_sqlite(seed, tmpdir / "mixed-run.sqlite3")
            run_env = dict(env, DATABASE_URL=url)
            if side == "rent":
                runs["rent"].append(timed_import(run_env, rent))
                continue
            parts = [timed_import(run_env, path, partner=slug)
                     for slug, path in (files if side == "mixed" else split)]  # fmt: skip
            runs[side].append(
                Import(sum(p.seconds for p in parts), max(p.peak_kib for p in parts),
                       sum(p.cpu for p in parts), f"{len(parts)} files")
            )  # fmt: skip
    rent_speed, rent_cpu = _median_figures(runs["rent"], rows)
    mixed_speed, mixed_cpu = _median_figures(runs["mixed"], rows)
    split_speed, split_cpu = _median_figures(runs["split"], rows)
    kinds = ", ".join(kind for _slug, kind in MIXED_PARTNERS)
    say(
        f"intake SQLite, mixed partner kinds ({kinds}; {len(files)} files of ~{share:,} rows) "
        f"vs rent-only, {rows:,} rows each, median of {repeats} alternating runs: mixed "
        f"{mixed_speed:,.0f} rows/s, {mixed_cpu:,.0f} µs CPU/row; rent-only {rent_speed:,.0f} "
        f"rows/s, {rent_cpu:,.0f} µs CPU/row; mixed ÷ rent = {mixed_speed / rent_speed:.2f}; "
        f"rent-only in {len(split)} files of the same sizes {split_speed:,.0f} rows/s, "
        f"{split_cpu:,.0f} µs CPU/row; mixed ÷ that = {mixed_speed / split_speed:.2f}"
    )


def compiled(tree: Path) -> None:
    """The checkout's own modules compiled to bytecode, as an installed package has them.

    Its dependencies are (pip compiles what it installs), but the editable install of the
    project's source is not, and with PYTHONDONTWRITEBYTECODE (set on this machine) every
    process would compile each of its modules again: a cost of the checkout's size, not of
    the intake (docs/adr/0121-intake-ratio.md). Applied to both sides of a comparison."""
    python = tree / ".venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "compileall", "-q", str(tree / "src")], check=True,
                   capture_output=True)  # fmt: skip


def old_checkout(commit: str) -> tuple[str, str]:
    """A worktree of ``commit`` under var/bench/ with its own virtualenv; (sha, its meldpunt).

    Installed from that commit's own lock file, the way its Makefile did; kept between runs
    (a marker names the lock's digest, so a changed lock installs again)."""
    sha = subprocess.run(["git", "rev-parse", f"{commit}^{{commit}}"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout.strip()[:7]  # fmt: skip
    tree = ROOT / "var" / "bench" / f"old-{sha}"
    if not (tree / ".git").exists():
        tree.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
    lock = (tree / "requirements.lock").read_bytes() + (tree / "pyproject.toml").read_bytes()
    marker = tree / ".venv" / f".installed-{hashlib.sha256(lock).hexdigest()[:12]}"
    if not marker.exists():
        say(f"(installing {sha} into {tree / '.venv'} from its requirements.lock)")
        subprocess.run([sys.executable, "-m", "venv", str(tree / ".venv")], check=True)
        pip = [str(tree / ".venv" / "bin" / "pip"), "install", "--quiet",
               "--disable-pip-version-check"]  # fmt: skip
        subprocess.run([*pip, "-r", str(tree / "requirements.lock")], check=True)
        subprocess.run([*pip, "--no-deps", "-e", str(tree)], check=True)
        marker.touch()
    compiled(tree)
    return sha, str(tree / ".venv" / "bin" / "meldpunt")


def compare_with(commit: str, tmpdir: Path, path: Path, rows: int, repeats: int) -> None:
    """Issue 9: this checkout against ``commit``, the same file, alternately, on SQLite."""
    sha, old = old_checkout(commit)
    seeds = {}
    for side, meldpunt in (("old", old), ("new", MELDPUNT)):
        seed = tmpdir / f"compare-{side}.sqlite3"
        seeds[side] = (seed, prepare(f"sqlite:///{seed}", meldpunt), meldpunt)
    runs: dict[str, list[Import]] = {"old": [], "new": []}
    for repeat in range(repeats):
        for side in ("old", "new") if repeat % 2 == 0 else ("new", "old"):
            seed, env, meldpunt = seeds[side]
            url = copy_sqlite(seed, tmpdir / "compare-run.sqlite3")
            runs[side].append(timed_import(dict(env, DATABASE_URL=url), path, meldpunt=meldpunt))
    old_speed, old_cpu = _median_figures(runs["old"], rows)
    new_speed, new_cpu = _median_figures(runs["new"], rows)
    each = "; ".join(
        f"{side} " + ", ".join(f"{rows / r.seconds:,.0f}" for r in runs[side]) for side in runs
    )
    say(
        f"intake SQLite, this checkout vs {sha}, {rows:,} rows, median of {repeats} alternating "
        f"runs: old {old_speed:,.0f} rows/s, {old_cpu:,.0f} µs CPU/row; new {new_speed:,.0f} "
        f"rows/s, {new_cpu:,.0f} µs CPU/row; new ÷ old = {new_speed / old_speed:.2f} rows/s, "
        f"old ÷ new = {old_cpu / new_cpu:.2f} CPU (issue 9 target ≥ 0.90) [rows/s each: {each}]"
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
    """SIGKILL an import after its third committed batch, check, rerun, check.

    The demo seed has file signals of its own: the checks count what the import added."""
    env = prepare(database_url)
    signals_sql = "SELECT COUNT(*) FROM intake_signal WHERE channel = 'bestand'"
    keys_sql = "SELECT COUNT(DISTINCT intake_key) FROM intake_signal WHERE channel = 'bestand'"
    logs_sql = (
        "SELECT COUNT(*) FROM privacy_processinglogentry WHERE name = 'signal.receive.bestand'"
    )
    seeded = (count(env, signals_sql), count(env, keys_sql), count(env, logs_sql))
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
    after_kill = count(env, signals_sql) - seeded[0]
    whole = after_kill in batch_ends(rows, 500)  # the first batches are smaller (intake.ramp)
    timed_import(env, path)
    total = count(env, signals_sql) - seeded[0]
    distinct = count(env, keys_sql) - seeded[1]
    logs = count(env, logs_sql) - seeded[2]
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
    commit = os.environ.get("BENCH_COMPARE_WITH", "f8d80cd")
    repeats = int(os.environ.get("BENCH_COMPARE_REPEATS", "3"))
    only = {p.strip() for p in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if p}
    if only - set(PARTS):
        raise SystemExit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(only - set(PARTS)))}")
    say(f"Meldpunt bench — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores")
    compiled(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        path = write_csv(tmpdir / "signals.csv", rows)
        if "sqlite" in only:
            throughput("SQLite", f"sqlite:///{tmpdir / 'bench.sqlite3'}", path, rows)
        if pg and "postgres" in only:
            url = fresh_postgres(pg, caselist.checkout_database("meldpunt_bench"))
            throughput("PostgreSQL", url, path, rows)
        if "mixed" in only:
            mixed_vs_rent(tmpdir, rows, repeats)
        if commit and "compare" in only:
            compare_with(commit, tmpdir, path, rows, repeats)
        small = write_csv(tmpdir / "kill.csv", 5000, seed=11)
        if "kill" in only:
            kill_and_rerun("SQLite", f"sqlite:///{tmpdir / 'kill.sqlite3'}", small, 5000)
        if pg and "kill" in only:
            url = fresh_postgres(pg, caselist.checkout_database("meldpunt_bench_kill"))
            kill_and_rerun("PostgreSQL", url, small, 5000)
        if memory_rows and "memory" in only:
            big = write_csv(tmpdir / "million.csv", memory_rows, seed=3)
            throughput(
                f"SQLite, {memory_rows:,} rows (memory)",
                f"sqlite:///{tmpdir / 'mem.sqlite3'}",
                big,
                memory_rows,
            )
    # the DDAS export and CBS pages (issue 11)
    if os.environ.get("BENCH_DDAS", "1") != "0" and "ddas" in only:
        ddas.main(say)
    if "scale" in only:  # a million cases: screens, dashboard and the load (issues 11, 14)
        scale.main(say)
    # the case list with a filter and a search on a million cases (issue 12)
    if "caselist" in only:
        caselist.main(say)
    (ROOT / "bench-report.txt").write_text("\n".join(REPORT) + "\n")


if __name__ == "__main__":
    main()
