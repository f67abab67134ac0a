"""make bench, case list (issue #12): a filter and a search on 1,000,000 cases, SQLite and PostgreSQL.

For each database, BENCH_CASES cases (default 1,000,000) on top of ``seed-demo``, written in
bulk with their person, household member and signal: blind indexes computed the real way
(``privacy.keys``), the signal's details sealed once and shared, statuses, providers, districts,
caseworkers and deadlines spread as in a city. The seeded database is kept under var/bench/
(SQLite: a file each run copies; PostgreSQL: a template each run clones), keyed by the seeding
code as tests/bench/seed.py keeps its own, so a run after a change of the product starts in
seconds: migrations added since (an index) are applied to the cache. Deadlines are seeded around
the day of seeding; delete var/bench/caselist-* to seed afresh. Then, in a fresh process, the
real screens through Django's test client (middleware, scoping, template, the
processing-log records of the names on the page), signed in as regie or a caseworker:

- regie's case list by deadline, first page;
- "crisis + provider": regie filters one provider's crisis cases;
- "my cases over deadline": a caseworker's own overdue cases;
- a search on surname + birth date (POST, then the list with a filter);
- a search on postcode + house number with a filter on status;
- a page deep in the list (keyset, after 20,000 cases).

Each is timed 15 times after 3 warm-up calls; the median and the slowest are reported. Target:
a filter and a search answer in under 100 ms on both databases.

Run alone: ``python -m tests.bench.caselist`` (BENCH_CASES, BENCH_POSTGRES_URL as in run.py).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests.bench import seed as bench_seed

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench"
MELDPUNT = str(ROOT / ".venv" / "bin" / "meldpunt")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TARGET_MS = 100.0
CHUNK = 20_000


def seed_version() -> str:
    """A hash of what the seeded rows depend on (the seeding functions, not the timings) and
    of this checkout (worktrees share one PostgreSQL server)."""
    digest = hashlib.sha256(str(ROOT).encode())
    for function in (_statuses, _letters, seed):
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:12]


def checkout_database(name: str, root: Path = ROOT) -> str:
    """``name`` made this checkout's own: worktrees share one PostgreSQL server, and a run in
    one must never drop the database a run in another is measuring."""
    tail = re.sub(r"[^a-z0-9]+", "_", root.name.lower()).strip("_")[:20]
    return f"{name}_{tail}_{hashlib.sha256(str(root).encode()).hexdigest()[:8]}"


def env_for(database_url: str, keys: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="meldpunt.conf.settings",
        MELDPUNT_ENV_FILE="/nonexistent",
        MELDPUNT_DEMO_MODE="true",
        MELDPUNT_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        **keys,
    )
    return env


def _seed_into(env: dict[str, str], n: int) -> tuple[dict, float]:
    started = time.perf_counter()
    for args in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["seed-demo"]):
        bench_seed._run(env, [MELDPUNT, *args])
    out = bench_seed._run(env, [PYTHON, "-m", "tests.bench.caselist", "seed", str(n)])
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - started


def _manifest(path: Path) -> dict | None:
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    return manifest if bench_seed._still_valid(manifest) else None


def seeded_sqlite(target: Path, n: int, say: Callable[[str], None]) -> tuple[dict[str, str], dict]:
    """A copy at ``target`` of the cached seeded SQLite database: its environment and probe.

    Seeded once (the cache under var/bench/ is keyed by the seeding code, as tests/bench/seed.py
    does it); migrations added since are applied to the cache, a changed one means seeding again.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = CACHE / f"caselist-{seed_version()}-{n}"
    database, path = stem.with_suffix(".sqlite3"), stem.with_suffix(".json")
    manifest = _manifest(path) if database.exists() else None
    if manifest is None:
        for old in CACHE.glob(f"caselist-*-{n}.*"):
            old.unlink()
        partial = stem.with_suffix(".partial.sqlite3")
        partial.unlink(missing_ok=True)
        keys, made_with = bench_seed._new_keys(), bench_seed.migrations()
        probe, seconds = _seed_into(env_for(f"sqlite:///{partial}", keys), n)
        partial.rename(database)
        manifest = {"keys": keys, "migrations": made_with, "probe": probe}
        path.write_text(json.dumps(manifest))
        say(f"{n:,} cases seeded in {seconds:.0f} s ({database.name})")
    else:
        say(f"{n:,} cases reused from {database.name}")
        env = env_for(f"sqlite:///{database}", manifest["keys"])
        bench_seed._bring_up_to_date(env, manifest, path, say)
    shutil.copyfile(database, target)
    return env_for(f"sqlite:///{target}", manifest["keys"]), manifest["probe"]


def seeded_postgres(
    base_url: str, name: str, n: int, say: Callable[[str], None]
) -> tuple[dict[str, str], dict]:
    """Database ``name`` cloned from the cached seeded template: its environment and probe."""
    import psycopg

    CACHE.mkdir(parents=True, exist_ok=True)
    version = seed_version()
    template = f"meldpunt_caselist_{version}_{n}"
    path = CACHE / f"caselist-pg-{version}-{n}.json"
    server = base_url.rsplit("/", 1)[0]
    with psycopg.connect(base_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        manifest = _manifest(path) if exists else None
        if manifest is None:
            conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
            for old in CACHE.glob(f"caselist-pg-*-{n}.json"):
                old.unlink()
            conn.execute(f'CREATE DATABASE "{template}"')
            keys, made_with = bench_seed._new_keys(), bench_seed.migrations()
            try:
                probe, seconds = _seed_into(env_for(f"{server}/{template}", keys), n)
            except BaseException:
                conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
                raise
            with psycopg.connect(f"{server}/{template}", autocommit=True) as seeded:
                seeded.execute("VACUUM ANALYZE")
            manifest = {"keys": keys, "migrations": made_with, "probe": probe}
            path.write_text(json.dumps(manifest))
            say(f"{n:,} cases seeded in {seconds:.0f} s ({template})")
        else:
            say(f"{n:,} cases reused from template {template}")
            env = env_for(f"{server}/{template}", manifest["keys"])
            bench_seed._bring_up_to_date(env, manifest, path, say)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return env_for(f"{server}/{name}", manifest["keys"]), manifest["probe"]


# --- inside the Django process: python -m tests.bench.caselist run N ---------------------------


def _statuses(rnd: random.Random) -> str:
    """A city's spread of case statuses: a quarter closed, most others being worked."""
    x = rnd.random()
    for limit, status in (
        (0.05, "ontvangen"),
        (0.20, "toegewezen"),
        (0.35, "opgepakt"),
        (0.55, "in-contact"),
        (0.68, "instrument-ingezet"),
        (0.75, "afspraken-gevolgd"),
    ):
        if x < limit:
            return status
    return "afgesloten"


def _letters(i: int) -> str:
    """A number as letters: names are matched on their letters only (core.names)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = chr(97 + r) + out
        if i == 0:
            return out


def seed(n: int) -> dict:
    """Write ``n`` cases with person, member and signal; returns what the timings look for."""
    from django.db import connection, transaction
    from django.utils import timezone

    from meldpunt.accounts.models import User
    from meldpunt.accounts.services import user_create
    from meldpunt.cases.models import Case, CaseMember, Person, Signal
    from meldpunt.core.db import insert_rows
    from meldpunt.organisations.models import District, Organisation
    from meldpunt.privacy.keys import household_key, person_key

    rnd = random.Random(12)
    now = timezone.now()
    today = timezone.localdate()
    districts = list(District.objects.filter(provider__isnull=False).select_related("provider"))
    landlords = list(Organisation.objects.filter(type="partner", partner_type="Huur"))
    # 25 caseworkers per provider besides the demo caseworker.
    workers: dict[int, list[int]] = {}
    for district in districts:
        provider = district.provider
        if provider.pk in workers:
            continue
        ids = list(User.objects.filter(organisation=provider).values_list("pk", flat=True))
        for i in range(25):
            ids.append(
                user_create(
                    email=f"bench{i}.{provider.slug}@bench.example",
                    organisation=provider,
                    roles=["hulpverlener"],
                    first_name="Bench",
                    last_name=f"Casemanager {i}",
                ).pk
            )
        workers[provider.pk] = ids
    sealed = Signal._meta.get_field("details").seal(
        {
            "person": {"voorletters": "B.", "achternaam": "Benchhuurder", "straat": "Damrak",
                       "huisnummer": 1, "postcode": "1012LG", "woonplaats": "Amsterdam"},
            "arrears": {"achterstand_bedrag": "1234.56"},
        }
    )  # fmt: skip
    sealed_bytes = connection.Database.Binary(bytes(sealed))
    start = {
        model: (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for model in (Case, Person, Signal, CaseMember)
    }
    case_cols = ("id", "public_id", "subject_id", "household_index", "municipality_id", "status",
                 "track", "district_id", "provider_id", "routing_reason", "crisis", "opened_at",
                 "assigned_at", "picked_up_on", "closed_at", "end_result", "caseworker_id",
                 "due_on")  # fmt: skip
    person_cols = ("id", "subject_id", "name_key", "birth_key", "created_at")
    member_cols = ("id", "case_id", "person_id", "role", "added_at")
    signal_cols = ("id", "public_id", "subject_id", "partner_id", "partner_reference", "details",
                   "household_index", "person_index", "intake_key", "channel", "partner_type",
                   "district_id", "municipality_id", "signal_date", "received_at",
                   "contact_attempted_on", "referred_to_debt_help_on", "written_reminder_on",
                   "tenant_informed_on", "crisis", "warm_handover", "unreachable_in_collection",
                   "multiple_problems", "status", "decision", "case_id", "person_id")  # fmt: skip
    Case._meta.get_field("opened_at").auto_now_add = False
    probe = {}
    for begin in range(0, n, CHUNK):
        cases, persons, members, signals = [], [], [], []
        for i in range(begin, min(begin + CHUNK, n)):
            district = districts[i % len(districts)]
            provider = district.provider
            status = _statuses(rnd)
            opened = now - timedelta(days=rnd.randint(0, 720), minutes=rnd.randint(0, 1440))
            birth = today.replace(year=1940 + i % 60, month=1 + i % 12, day=1 + i % 28)
            surname = f"Bench{_letters(i)}"
            postcode, number = f"{1000 + i % 100:04d}AB", 1 + i // 100 % 999
            name_key = person_key(surname, "", birth)
            household = household_key(postcode, number)
            crisis = rnd.random() < 0.02
            assigned = status != "ontvangen"
            caseworker = rnd.choice(workers[provider.pk]) if assigned else None
            due = (
                today + timedelta(days=rnd.randint(-20, 30))
                if status in ("ontvangen", "toegewezen", "opgepakt")
                else None
            )
            subject = uuid.uuid4()
            case_id, person_id = start[Case] + i, start[Person] + i
            cases.append((case_id, uuid.uuid4(), subject, household, district.municipality_id,
                           status, "vroeg-eropaf" if assigned else "", district.pk,
                           provider.pk if assigned else None, "", crisis, opened,
                           opened if assigned else None, None,
                           opened + timedelta(days=60) if status == "afgesloten" else None,
                           "Definitief geen contact kunnen krijgen" if status == "afgesloten"
                           else "", caseworker, due))  # fmt: skip
            persons.append((person_id, subject, name_key, "", opened))
            members.append((start[CaseMember] + i, case_id, person_id, "huurder", opened))
            day = opened.date()
            signals.append((start[Signal] + i, uuid.uuid4(), subject, landlords[i % len(landlords)].pk,
                            f"B-{i}", sealed_bytes, household, name_key, f"bench{i}", "bestand",
                            "Huur", district.pk, district.municipality_id, day, opened,
                            day, day, day, day, crisis, False, False, False,
                            "Opgepakt" if status not in ("ontvangen", "toegewezen")
                            else "Nog niet opgepakt", "", case_id, person_id))  # fmt: skip
            if i == n // 2:
                probe = {"surname": surname, "birth": birth.isoformat(), "postcode": postcode,
                         "number": number, "caseworker": caseworker or workers[provider.pk][0],
                         "provider": provider.pk}  # fmt: skip
        with transaction.atomic():
            insert_rows(Person, person_cols, persons)
            insert_rows(Case, case_cols, cases)
            insert_rows(CaseMember, member_cols, members)
            insert_rows(Signal, signal_cols, signals, ready={"details"})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Case, Person, Signal, CaseMember):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return probe


def _client(user):
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from django.test import Client
    from django.utils import timezone

    client = Client()
    client.force_login(user)
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": timezone.now().timestamp(), "email": user.email},
        {"method": "mfa", "at": timezone.now().timestamp(), "type": "totp"},
    ]
    session.save()
    return client


def _time(call: Callable[[], object], repeat: int = 15) -> tuple[float, float, float]:
    """Median and slowest wall time of ``call`` in ms, and its median CPU time in this process
    (Python's share: a PostgreSQL server's own CPU is not in it), which a loaded machine
    changes far less than the wall time."""
    for _ in range(3):
        call()
    samples, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(samples), max(samples), statistics.median(cpu)


def measure(probe: dict) -> None:
    """Time the screens on a seeded database; ``probe`` is what ``seed`` returned."""
    from django.db import connection
    from django.urls import reverse

    from meldpunt.accounts.models import User
    from meldpunt.cases.models import Case
    from meldpunt.cases.search import Filters, case_page, filtered_cases

    total = Case.objects.count()
    print(f"{total:,} cases", flush=True)
    regie = _client(User.objects.get(email="regie@demo.meldpunt.nl"))
    worker_user = User.objects.get(pk=probe["caseworker"])
    worker = _client(worker_user)
    url = reverse("cases:case-list")

    def get(client, query: str) -> Callable[[], object]:
        def call():
            response = client.get(url + query)
            assert response.status_code == 200, response.status_code
            return response

        return call

    def search(client, data: dict, query: str) -> Callable[[], object]:
        def call():
            response = client.post(reverse("cases:case-search"), {**data, "filters": query})
            assert response.status_code == 302, response.content[:300]
            page = client.get(response["Location"])
            assert page.status_code == 200
            return page

        return call

    # The cursor after 20,000 cases by deadline, as "Volgende" would carry it 400 pages on.
    cases = filtered_cases(User.objects.get(email="regie@demo.meldpunt.nl"), Filters())
    depth = min(20_000, total // 10)
    deep = cases.filter(due_on__isnull=False).order_by("due_on", "id")[depth : depth + 1].get()
    cursor = f"d{deep.due_on.isoformat()}_{deep.pk}"
    assert case_page(cases, after=cursor)[0]
    birth = date.fromisoformat(probe["birth"]).strftime("%d-%m-%Y")
    checks = [
        ("regie, lopende zaken op termijn, eerste pagina", get(regie, "")),
        ("regie, crisis + uitvoerder (filter)",
         get(regie, f"?uitvoerder={probe['provider']}&crisis=on")),
        ("casemanager, mijn zaken over de termijn (filter)",
         get(worker, "?casemanager=mijn&te_laat=on")),
        ("regie, zoeken op naam + geboortedatum, met filter (POST + lijst)",
         search(regie, {"achternaam": probe["surname"], "geboortedatum": birth}, "staat=alle")),
        ("regie, zoeken op postcode + huisnummer, met filter status (POST + lijst)",
         search(regie, {"postcode": probe["postcode"], "huisnummer": str(probe["number"])},
                "staat=alle&status=afgesloten")),
        (f"regie, pagina na {depth:,} zaken (keyset)".replace(",", "."), get(regie, f"?na={cursor}")),
    ]  # fmt: skip
    print(f"database {connection.vendor}", flush=True)
    if os.environ.get("BENCH_CASELIST_PROFILE"):
        import cProfile
        import pstats

        for _ in range(3):
            checks[0][1]()
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(5):
            checks[0][1]()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    # The floor: the same client through the same middleware to a page that does nothing.
    floor, _, _ = _time(lambda: regie.get(reverse("health")))
    print(f"  vloer (zelfde client, /gezondheid): mediaan {floor:.1f} ms", flush=True)
    regie_user = User.objects.get(email="regie@demo.meldpunt.nl")
    queries = {
        0: lambda: _query(regie_user, Filters()),
        1: lambda: _query(regie_user, Filters(provider=probe["provider"], crisis=True)),
        2: lambda: _query(worker_user, Filters(caseworker="mijn", overdue=True)),
        5: lambda: _query(regie_user, Filters(), after=cursor),
    }
    for index, (label, call) in enumerate(checks):
        median, worst, cpu = _time(call)
        verdict = "OK" if median < TARGET_MS else "TE TRAAG"
        sql = ""
        if index in queries:
            sql_median, _, _ = _time(queries[index])
            sql = f"; waarvan zoeken, filteren en pagina in de database {sql_median:.1f} ms"
        print(
            f"  {label}: mediaan {median:.1f} ms ({median / floor:.1f}x de vloer), "
            f"traagste {worst:.1f} ms, CPU mediaan {cpu:.1f} ms{sql} [{verdict}]",
            flush=True,
        )
    print(f"  belasting van de machine (load average 1 min): {os.getloadavg()[0]:.1f} "
          f"op {os.cpu_count()} cores", flush=True)  # fmt: skip


def _query(user, filters, after: str = "") -> None:
    """The database part of a list: the filtered page and its capped count."""
    from meldpunt.cases.search import case_page, count_upto, filtered_cases

    cases = filtered_cases(user, filters).select_related("district", "provider", "caseworker")
    case_page(cases, sort=filters.sort, after=after, deadline=filters.deadline)
    count_upto(cases)


def run_one(label: str, env: dict[str, str], probe: dict, say: Callable[[str], None]) -> None:
    out = subprocess.run(
        [PYTHON, "-m", "tests.bench.caselist", "measure", json.dumps(probe)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        say(f"case list {label}: FAILED\n{out.stderr[-3000:]}")
        return
    for line in out.stdout.splitlines():
        say(f"case list {label}: {line.strip()}")


def main(say: Callable[[str], None] = print) -> None:
    n = int(os.environ.get("BENCH_CASES", "1000000"))
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if os.environ.get("BENCH_CASELIST_SQLITE", "1") != "0":
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as folder:  # on disk: the copy is large
            env, probe = seeded_sqlite(Path(folder) / "caselist.sqlite3", n, say)
            run_one("SQLite", env, probe, say)
    if pg:
        env, probe = seeded_postgres(pg, checkout_database("meldpunt_bench_caselist"), n, say)
        run_one("PostgreSQL", env, probe, say)


if __name__ == "__main__":
    if sys.argv[1:2] in (["seed"], ["measure"]):
        import django

        django.setup()
        if sys.argv[1] == "seed":
            print(json.dumps(seed(int(sys.argv[2]))))
        else:
            measure(json.loads(sys.argv[2]))
    else:
        main()
