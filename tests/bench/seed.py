"""make bench: a case file of BENCH_CASES cases (default 1,000,000), seeded fast and kept.

On top of ``seed-demo`` (the covenant's organisations, districts and the demo users who log in
for the load test), cases opened over the last two years, in the order they arrived:

- a person per tenant (12 % with a co-tenant; 4 % of households come back after closing), with
  ``name_key``/``birth_key``/``household_index``/``person_index``/``intake_key`` made by the
  product's own functions (privacy.keys, intake.pipeline.delivery_key) from generated names and
  addresses inside the district's postcode ranges;
- per case one to three signals (landlords of the municipality, a fifth from other kinds of
  partner), their details encrypted by the field itself (``seal``), a tenancy per partner and
  person; 3 % of signals are repeats that opened no case;
- statuses by age (awaiting triage, assigned, picked up, in contact, instrument deployed,
  monitored, closed with a DDAS end result) with the status history of the path, deadlines
  (``due_date``), caseworkers, contact attempts, instruments with encrypted agreements, events
  (kept, broken, refused) and encrypted notes.

Rows are written with ``core.db.insert_rows`` (COPY on PostgreSQL, executemany on SQLite) with
ids given here, so nothing is read back. Not seeded: processing-log records (a chain of 1M+
records, irrelevant to the screens measured) and Sluitende Aanpak checks.

The seeded database is kept under var/bench/ keyed by the code its rows depend on (this file)
and the number of cases: SQLite as a file that each run copies, PostgreSQL as a
template database that each run clones (CREATE DATABASE ... TEMPLATE). Beside it a manifest
holds its keys (encryption, blind index: its ciphertexts need them) and the migrations it was
made with: migrations added since are applied to the cache (an index takes seconds, a reseed
many minutes); a migration changed or removed since means seeding again.

    python -m tests.bench.seed [sqlite|postgres]    # seed (or reuse) and print where it is
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MELDPUNT = str(ROOT / ".venv" / "bin" / "meldpunt")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CACHE = ROOT / "var" / "bench"
DEFAULT_CASES = 1_000_000
DAYS = 730  # two years of cases
CHUNK = 10_000  # cases per transaction


def bench_cases() -> int:
    return int(os.environ.get("BENCH_CASES", str(DEFAULT_CASES)))


def code_version() -> str:
    """A hash of what the seeded rows depend on (this seeder) and of this checkout (two
    worktrees keep two caches on one PostgreSQL server). The demo data is as it was when
    seeded: the screens measured show the seeded cases, not the demo's few hundred."""
    digest = hashlib.sha256(str(ROOT).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


def migrations() -> dict[str, str]:
    """Every migration file by path, with a hash of its text."""
    src = ROOT / "src" / "meldpunt"
    return {
        str(path.relative_to(src)): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(src.glob("*/migrations/0*.py"))
    }


def _still_valid(manifest: dict) -> bool:
    """Whether a cached seed can be brought up to date by ``migrate``: every migration it was
    made with is still there, unchanged. (A new migration, such as an index, is applied to the
    cache as an upgrade is applied in production; a changed one means seeding again.)"""
    now = migrations()
    return all(now.get(name) == digest for name, digest in manifest.get("migrations", {}).items())


def _bring_up_to_date(env: dict[str, str], manifest: dict, path: Path, say) -> None:
    if manifest["migrations"] != migrations():
        started = time.perf_counter()
        _run(env, [MELDPUNT, "migrate", "--noinput", "-v0"])
        manifest["migrations"] = migrations()
        path.write_text(json.dumps(manifest))
        say(
            f"seed: new migrations applied to the cached seed in {time.perf_counter() - started:.0f} s"
        )


def _new_keys() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "MELDPUNT_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "MELDPUNT_ENCRYPTION_ACTIVE_KEY": "k1",
        "MELDPUNT_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def env_for(database_url: str, keys: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="meldpunt.conf.settings",
        MELDPUNT_ENV_FILE="/nonexistent",
        MELDPUNT_DEMO_MODE="true",
        MELDPUNT_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        **keys,
    )
    return env


def _run(env: dict[str, str], args: list[str]) -> str:
    out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:4])} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
        )
    return out.stdout


def _seed_into(env: dict[str, str], cases: int) -> float:
    started = time.perf_counter()
    for args in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["seed-demo"]):
        _run(env, [MELDPUNT, *args])
    _run(env, [PYTHON, "-m", "tests.bench.seed", "fill", str(cases)])
    return time.perf_counter() - started


def _manifest(path: Path) -> dict | None:
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    return manifest if _still_valid(manifest) else None


def seeded_sqlite(target: Path, cases: int | None = None, say=print) -> dict[str, str]:
    """A copy at ``target`` of the cached seeded SQLite database; returns its environment."""
    cases = bench_cases() if cases is None else cases
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = CACHE / f"seed-{code_version()}-{cases}"
    database, keyfile = stem.with_suffix(".sqlite3"), stem.with_suffix(".json")
    manifest = _manifest(keyfile) if database.exists() else None
    if manifest is None:
        for old in CACHE.glob(f"seed-*-{cases}.*"):
            old.unlink()  # another version's seed: never valid again
        manifest = {"keys": _new_keys(), "migrations": migrations()}
        partial = stem.with_suffix(".partial.sqlite3")
        partial.unlink(missing_ok=True)
        seconds = _seed_into(env_for(f"sqlite:///{partial}", manifest["keys"]), cases)
        partial.rename(database)
        keyfile.write_text(json.dumps(manifest))
        say(f"seed SQLite: {cases:,} cases seeded in {seconds:.0f} s ({database.name})")
    else:
        say(f"seed SQLite: {cases:,} cases reused from {database.name}")
        _bring_up_to_date(
            env_for(f"sqlite:///{database}", manifest["keys"]), manifest, keyfile, say
        )
    shutil.copyfile(database, target)
    return env_for(f"sqlite:///{target}", manifest["keys"])


def seeded_postgres(
    base_url: str, name: str, cases: int | None = None, say=print
) -> dict[str, str]:
    """A fresh database ``name`` cloned from the cached seeded template; returns its environment."""
    import psycopg

    cases = bench_cases() if cases is None else cases
    CACHE.mkdir(parents=True, exist_ok=True)
    version = code_version()
    template = f"meldpunt_seed_{version}_{cases}"
    keyfile = CACHE / f"seed-pg-{version}-{cases}.json"
    server = base_url.rsplit("/", 1)[0]
    with psycopg.connect(base_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        manifest = _manifest(keyfile) if exists else None
        if manifest is None:
            conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
            for old in CACHE.glob(f"seed-pg-*-{cases}.json"):
                old.unlink()
            conn.execute(f'CREATE DATABASE "{template}"')
            manifest = {"keys": _new_keys(), "migrations": migrations()}
            try:
                seconds = _seed_into(env_for(f"{server}/{template}", manifest["keys"]), cases)
            except BaseException:
                conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
                raise
            with psycopg.connect(f"{server}/{template}", autocommit=True) as seeded:
                seeded.execute("VACUUM ANALYZE")
            keyfile.write_text(json.dumps(manifest))
            say(f"seed PostgreSQL: {cases:,} cases seeded in {seconds:.0f} s ({template})")
        else:
            say(f"seed PostgreSQL: {cases:,} cases reused from template {template}")
            _bring_up_to_date(
                env_for(f"{server}/{template}", manifest["keys"]), manifest, keyfile, say
            )
        started = time.perf_counter()
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        say(f"seed PostgreSQL: cloned into {name} in {time.perf_counter() - started:.0f} s")
    return env_for(f"{server}/{name}", manifest["keys"])


# --- the fill (inside a Django process: python -m tests.bench.seed fill N) -------------------

GIVEN = "ABCDEFGHJKLMNPRSTWY"
SURNAMES = [
    ("", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"),
    ("", "Bakker"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"),
    ("", "Yılmaz"), ("", "El Idrissi"), ("", "Kaya"), ("", "Pinas"), ("", "Nunes"), ("", "Tahiri"),
    ("", "Boateng"), ("", "Sedney"), ("", "Ramdin"), ("", "Nguyen"), ("", "Çelik"), ("", "Özdemir"),
]  # fmt: skip
SECOND = ["Bakker", "Visser", "Smit", "Mulder", "Bos", "Vos", "Kok", "Kaya", "Pinas", "Nunes",
          "Brouwer", "Dekker", "Peters", "Jacobs", "Kramer", "Postma", "Hoekstra", "Koster",
          "Prins", "Blom", "Huisman", "Wouters", "Maas", "Verhoeven", "Schouten", "Willems",
          "Hermans", "Sanders", "Koning", "Linden", "Hoek", "Dam", "Vink", "Goossens", "Lambers",
          "Stam", "Bosman", "Kuipers", "Veenstra", "Post"]  # fmt: skip
STREETS = ["Kinkerstraat", "Bos en Lommerweg", "Javastraat", "Ganzenhoef", "Osdorpplein",
           "Van Woustraat", "Nieuwendammerdijk", "Bijlmerdreef", "Burgemeester de Vlugtlaan",
           "Plein '40-'45", "Eerste Oosterparkstraat", "Balboastraat"]  # fmt: skip
LETTERS = "BCEGHJKLMNPRTVWXZ"
BIRTH_DAYS = 23_741  # a prime: birth dates over 65 years, a bijection per surname
DAY_ZERO = date(1940, 1, 1)
# End results of closed cases (weights), by whether the household was reached.
REACHED_RESULTS = [
    ("Vervolghulp en/of verwijzing financieel", 30), ("(Budget)advies en/of quick fix", 20),
    ("Inwoner heeft zelf al betaald/betalingsregeling getroffen", 15),
    ("Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering", 10),
    ("Geen reactie na eerder contact", 5), ("Inwoner heeft al een ander lopend traject", 5),
    ("Vervolghulp en/of verwijzing niet financieel", 5),
    ("Inwoner al bekend bij schuldhulpverlening", 5),
]  # fmt: skip
UNREACHED_RESULTS = [("Definitief geen contact kunnen krijgen", 1)]
NOT_TAKEN_UP = [
    ("Niet opgepakt: onterecht signaal", 3), ("Persoon is geen inwoner (meer) in de gemeente", 2),
    ("Inwoner is overleden", 1), ("Niet opgepakt: andere reden", 2),
]  # fmt: skip
PATH = ["ontvangen", "toegewezen", "opgepakt", "in-contact", "instrument-ingezet",
        "afspraken-gevolgd"]  # fmt: skip


def _status(rnd: random.Random, age: int) -> str:
    """A case's status by its age in days (most old cases are closed, most new ones open)."""
    x = rnd.random()
    if age < 3:
        return "ontvangen" if x < 0.5 else ("toegewezen" if x < 0.9 else "opgepakt")
    if age < 30:
        table = [("toegewezen", 0.25), ("opgepakt", 0.25), ("in-contact", 0.2),
                 ("instrument-ingezet", 0.15), ("afgesloten", 0.15)]  # fmt: skip
    elif age < 120:
        table = [("toegewezen", 0.03), ("opgepakt", 0.05), ("in-contact", 0.1),
                 ("instrument-ingezet", 0.2), ("afspraken-gevolgd", 0.2), ("afgesloten", 0.42)]  # fmt: skip
    else:
        table = [("instrument-ingezet", 0.02), ("afspraken-gevolgd", 0.06), ("afgesloten", 0.92)]
    for status, share in table:
        if x < share:
            return status
        x -= share
    return table[-1][0]


def _weighted(rnd: random.Random, table: list[tuple[str, int]]) -> str:
    return rnd.choices([v for v, _ in table], [w for _, w in table])[0]


class _Ids:
    """Ids of new rows per table, following what the table holds (the demo's rows)."""

    def __init__(self, models) -> None:
        from django.db.models import Max

        self.next = {m: (m.objects.aggregate(n=Max("id"))["n"] or 0) + 1 for m in models}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def fill(cases: int) -> dict[str, int]:  # one generator, read top to bottom
    """Add ``cases`` cases to the case file of a database with the covenant and its users;
    returns the number of rows per table afterwards."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from meldpunt.accounts.models import User
    from meldpunt.cases.deadlines import current_targets, due_date
    from meldpunt.cases.models import (
        Case,
        CaseMember,
        CaseNote,
        CaseStatusChange,
        CaseworkerAssignment,
        ContactAttempt,
        Instrument,
        InstrumentDeployment,
        InstrumentEvent,
        Person,
        Signal,
        Tenancy,
    )
    from meldpunt.cases.vocabulary import ContactKind, PartOfDay
    from meldpunt.core.db import insert_rows
    from meldpunt.core.ids import ordered_hex_ids
    from meldpunt.intake.pipeline import delivery_key
    from meldpunt.intake.spec import arrears_fields_for
    from meldpunt.organisations.models import District, Organisation
    from meldpunt.privacy.keys import birth_key, household_key, person_key

    rnd = random.Random(20261202)
    today = timezone.localdate()
    now = timezone.now()
    targets = current_targets()
    districts = list(
        District.objects.filter(provider__isnull=False).prefetch_related("ranges").order_by("id")
    )
    partners = list(Organisation.objects.filter(type="partner").prefetch_related("municipalities"))
    landlords = {
        d.municipality_id: [
            p for p in partners if p.partner_type == "Huur" and d.municipality_id in
            {m.pk for m in p.municipalities.all()}
        ]
        for d in districts
    }  # fmt: skip
    others = [p for p in partners if p.partner_type != "Huur"]
    workers: dict[int, list[int]] = {}
    for pk, organisation in User.objects.filter(organisation__type="uitvoerder").values_list(
        "pk", "organisation_id"
    ):
        workers.setdefault(organisation, []).append(pk)
    catalogue = [
        i for i in Instrument.objects.filter(is_active=True, counts_through_attempts=False)
        if "uitvoerder" in i.allowed_organisation_types
    ]  # fmt: skip
    ranges = {d.pk: [(r.start, r.end) for r in d.ranges.all()] for d in districts}
    arrears_fields = {p.pk: arrears_fields_for(p.partner_type) for p in partners}
    kinds, parts = list(ContactKind.values), list(PartOfDay.values)
    models = [Person, Tenancy, Case, CaseMember, Signal, CaseStatusChange, CaseworkerAssignment,
              ContactAttempt, InstrumentDeployment, InstrumentEvent, CaseNote]  # fmt: skip
    ids = _Ids(models)
    seal = {
        "details": Signal._meta.get_field("details").seal,
        "agreements": InstrumentDeployment._meta.get_field("agreements").seal,
        "amount": InstrumentDeployment._meta.get_field("monthly_amount").seal,
        "note": CaseNote._meta.get_field("text").seal,
    }
    first_day = today - timedelta(days=DAYS)
    person_number = 0
    returning: list[tuple[int, str, tuple, int]] = []  # closed households that may come back
    started = time.perf_counter()

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        # In UTC, an hour behind Amsterdam's winter time: cheaper than the zone's rules and
        # close enough for office hours.
        return datetime(day.year, day.month, day.day, hour - 1, minute, tzinfo=UTC)

    sqlite = connection.vendor == "sqlite"

    def db(value):
        """A value in database form: what Django's SQLite backend would write; PostgreSQL's
        driver takes dates and datetimes as they are."""
        if not sqlite:
            return value
        if isinstance(value, datetime):
            return value.replace(tzinfo=None).isoformat(" ")
        if isinstance(value, date):
            return value.isoformat()
        return value

    # Columns the seeder does not know (added since) get their default, as a migration gives
    # existing rows: a new column with a default does not break the bench.
    defaults = {
        m: {
            f.name: db(f.get_default())
            for f in m._meta.concrete_fields
            if f.name not in COLUMNS[m.__name__] and not f.primary_key and f.has_default()
        }
        for m in models
    }

    taken = set(Person.objects.exclude(name_key="").values_list("name_key", flat=True))

    def new_person() -> tuple:
        """A person no other has: surname pair and birth date follow from the number (and a
        number the demo's people already have is skipped)."""
        nonlocal person_number
        while True:
            n = person_number
            person_number += 1
            person = _person(n)
            if person[1] not in taken:
                return person

    def _person(n: int) -> tuple:
        prefix, surname = SURNAMES[(n // BIRTH_DAYS) % len(SURNAMES)]
        double = (n // BIRTH_DAYS) // len(SURNAMES)
        if double:
            surname = f"{surname}-{SECOND[(double - 1) % len(SECOND)]}"
            if double > len(SECOND):
                surname += f" {double // len(SECOND)}"
        born = DAY_ZERO + timedelta(days=(n * 7919) % BIRTH_DAYS)
        name_key = person_key(surname, prefix, born)
        return (next(new_ids), name_key, birth_key(born), f"{GIVEN[n % 19]}.", prefix,
                surname, born)  # fmt: skip

    for chunk_start in range(0, cases, CHUNK):
        size = min(CHUNK, cases - chunk_start)
        rows: dict = {m: [] for m in models}
        new_ids = iter(ordered_hex_ids(size * 20))
        for k in range(size):
            i = chunk_start + k
            opened_day = first_day + timedelta(days=(i * DAYS) // cases)
            if opened_day.weekday() >= 5:  # signals arrive on working days
                opened_day -= timedelta(days=opened_day.weekday() - 4)
            opened = at(opened_day, 8 + rnd.randrange(9), rnd.randrange(60))
            age = (today - opened_day).days
            district = districts[rnd.randrange(len(districts))]
            crisis = rnd.random() < 0.03
            status = _status(rnd, age)
            track = "geregelde-betaling" if rnd.random() < 0.05 else "vroeg-eropaf"
            provider = district.provider_id if status != "ontvangen" else None
            worked = status not in ("ontvangen", "toegewezen")
            caseworker = None
            if worked and provider in workers and rnd.random() < 0.7:
                caseworker = rnd.choice(workers[provider])
            case_pk = ids.take(Case)
            # The household: a returning one (a new signal after closing) or new people.
            comeback = None
            if returning and rnd.random() < 0.04:
                pick = rnd.randrange(len(returning))
                if returning[pick][1] < opened:  # closed before this signal came
                    comeback = returning.pop(pick)
            tenant = comeback[2] if comeback else new_person()
            tenant_pk = comeback[0] if comeback else ids.take(Person)
            if not comeback:
                rows[Person].append((tenant_pk, tenant[0], tenant[1], tenant[2], opened))
            household_parts = comeback[3] if comeback else (
                f"{rnd.randint(*rnd.choice(ranges[district.pk]))} {rnd.choice(LETTERS)}{rnd.choice(LETTERS)}",
                str(rnd.randint(1, 300)), rnd.choice(["", "", "", "", "A", "B"]),
                rnd.choice(["", "", "", "", "", "1", "2", "H"]),
            )  # fmt: skip
            postcode, number, letter, addition = household_parts
            household = household_key(postcode, number, letter, addition)
            members = [(tenant_pk, "huurder")]
            co = None
            if not comeback and rnd.random() < 0.12:
                co = new_person()
                co_pk = ids.take(Person)
                rows[Person].append((co_pk, co[0], co[1], co[2], opened))
                members.append((co_pk, "medehuurder"))
            # Dates along the path.
            assigned_at = opened + timedelta(hours=rnd.randint(1, 30)) if provider else None
            picked_up_on = (
                min(opened_day + timedelta(days=rnd.randint(1, 4)), today) if worked else None
            )
            closed = status == "afgesloten"
            attempts, reached_on = [], None
            end_result = ""
            if closed:
                taken_up = rnd.random() < 0.9
                if not taken_up:
                    end_result = _weighted(rnd, NOT_TAKEN_UP)
                    picked_up_on = assigned_at = provider = caseworker = None
                    path = ["ontvangen"]
                else:
                    reached = rnd.random() < 0.75
                    end_result = _weighted(rnd, REACHED_RESULTS if reached else UNREACHED_RESULTS)
                    depth = 4 if reached and rnd.random() < 0.6 else (3 if reached else 2)
                    path = PATH[: depth + 1]
                    if rnd.random() < 0.5 and depth == 4:
                        path = PATH
            else:
                path = PATH[: PATH.index(status) + 1]
            if "toegewezen" in path and provider is None:
                provider = district.provider_id
                assigned_at = opened + timedelta(hours=rnd.randint(1, 30))
            worked = "opgepakt" in path
            if worked and picked_up_on is None:
                picked_up_on = min(opened_day + timedelta(days=rnd.randint(1, 4)), today)
            if "opgepakt" in path:
                n_attempts = rnd.choice((1, 1, 2, 2, 3, 4))
                contact = "in-contact" in path
                for a in range(n_attempts):
                    on = min(picked_up_on + timedelta(days=a * rnd.randint(1, 5)), today)
                    hit = contact and a == n_attempts - 1
                    attempts.append((on, hit))
                    if hit:
                        reached_on = on
            closed_at = None
            if closed:
                last = max([opened_day, *(a[0] for a in attempts)])
                closed_day = min(last + timedelta(days=rnd.randint(3, 90)), today)
                closed_at = max(at(closed_day, 16, rnd.randrange(60)), opened + timedelta(hours=1))
            due_on = None
            if status in ("ontvangen", "toegewezen", "opgepakt"):
                due_on = due_date(opened_day, crisis=crisis, attempted=bool(attempts),
                                  targets=targets)  # fmt: skip
            rows[Case].append((
                case_pk, next(new_ids), tenant[0], household, district.id, district.municipality_id,
                crisis, f"stadsdeel {district.name}" if provider else "", status, track, provider,
                caseworker, opened, assigned_at, picked_up_on, closed_at, end_result, due_on,
            ))  # fmt: skip
            for person_pk, role in members:
                rows[CaseMember].append((ids.take(CaseMember), case_pk, person_pk, role, opened))
            # Signals: the first opened the case; some households get more (co-creditors, a
            # landlord signalling again while the case runs).
            first_partner = (
                rnd.choice(landlords[district.municipality_id]) if rnd.random() < 0.8
                else rnd.choice(others)
            )  # fmt: skip
            signal_partners = [first_partner]
            for _extra in range(rnd.choices((0, 1, 2), (85, 12, 3))[0]):
                signal_partners.append(
                    first_partner if rnd.random() < 0.4 else rnd.choice(others + landlords[district.municipality_id])
                )  # fmt: skip
            tenancies: dict[int, int] = comeback[4] if comeback else {}
            signal_status = "Nog niet opgepakt"
            if picked_up_on:
                signal_status = "Opgepakt"
            elif end_result:
                signal_status = end_result  # not taken up: the signal says why
            keys_in_case: set[str] = set()
            for number_in_case, partner in enumerate(signal_partners):
                received = opened + timedelta(days=7 * number_in_case, minutes=number_in_case)
                if (closed_at and received >= closed_at) or received > now:
                    received = opened + timedelta(minutes=number_in_case)
                signal_day = _day(received)
                if partner.pk not in tenancies:
                    tenancies[partner.pk] = ids.take(Tenancy)
                    rows[Tenancy].append((
                        tenancies[partner.pk], next(new_ids), partner.pk, tenant_pk,
                        f"{partner.slug[:6].upper()}-{tenant_pk:08d}", household,
                        district.municipality_id, received,
                    ))  # fmt: skip
                cents = rnd.randint(40_000, 600_000)
                since = signal_day - timedelta(days=rnd.randint(40, 120))
                values = {
                    "partner_referentie": f"{partner.slug[:6].upper()}-{tenant_pk:08d}",
                    "voorletters": tenant[3], "tussenvoegsel": tenant[4], "achternaam": tenant[5],
                    "geboortedatum": tenant[6], "straat": STREETS[tenant_pk % len(STREETS)],
                    "huisnummer": number, "huisletter": letter, "huisnummertoevoeging": addition,
                    "postcode": postcode, "woonplaats": "Amsterdam",
                    "telefoonnummer": f"06{rnd.randint(10000000, 99999999)}",
                    "email": f"huurder{tenant_pk}@example.org",
                    "achterstand_bedrag": f"{cents / 100:.2f}", "maandhuur": "725.00",
                    "achterstand_sinds": since, "maanden_achterstand": 2,
                    "maandtermijn": "85.00", "maandpremie": "152.00", "maandlast": "95.00",
                    "aanbod_betalingsregeling": "", "signaaldatum": signal_day,
                }  # fmt: skip
                document = {
                    "person": {
                        k: (v.isoformat() if isinstance(v, date) else v)
                        for k in ("voorletters", "tussenvoegsel", "achternaam", "geboortedatum",
                                  "straat", "huisnummer", "huisletter", "huisnummertoevoeging",
                                  "postcode", "woonplaats", "telefoonnummer", "email")
                        for v in [values[k]]
                    },
                    "arrears": {
                        k: (v.isoformat() if isinstance(v, date) else v)
                        for k in arrears_fields[partner.pk] for v in [values.get(k)]
                    },
                }  # fmt: skip
                if co and number_in_case == 0:
                    document["co_tenant"] = {
                        "medehuurder_voorletters": co[3], "medehuurder_tussenvoegsel": co[4],
                        "medehuurder_achternaam": co[5],
                        "medehuurder_geboortedatum": co[6].isoformat(),
                    }  # fmt: skip
                key = delivery_key(values)
                while key in keys_in_case:  # the same delivery twice would be one signal
                    cents += 1
                    values["achterstand_bedrag"] = f"{cents / 100:.2f}"
                    key = delivery_key(values)
                keys_in_case.add(key)
                if "achterstand_bedrag" in document["arrears"]:
                    document["arrears"]["achterstand_bedrag"] = values["achterstand_bedrag"]
                rows[Signal].append((
                    ids.take(Signal), next(new_ids), tenant[0], partner.pk, None,
                    "bestand" if rnd.random() < 0.7 else "api", partner.partner_type, None,
                    district.id, district.municipality_id, received, signal_status, "",
                    case_pk, tenant_pk, tenancies[partner.pk], values["partner_referentie"],
                    bytes(seal["details"](document)), household, tenant[1], key, signal_day, signal_day - timedelta(days=30), signal_day - timedelta(days=25),
                    signal_day - timedelta(days=20), signal_day - timedelta(days=20), crisis,
                    rnd.random() < 0.1, rnd.random() < 0.5, rnd.random() < 0.2,
                ))  # fmt: skip
            if rnd.random() < 0.03:  # a repeat signal the intake did not take up
                partner = first_partner
                received = opened + timedelta(days=2)
                if received > now:
                    received = opened + timedelta(minutes=30)
                signal_day = _day(received)
                reference = f"{partner.slug[:6].upper()}-{tenant_pk:08d}"
                values = {**values, "partner_referentie": reference, "signaaldatum": signal_day}
                while (key := delivery_key(values)) in keys_in_case:
                    cents += 1
                    values["achterstand_bedrag"] = f"{cents / 100:.2f}"
                rows[Signal].append((
                    ids.take(Signal), next(new_ids), tenant[0], partner.pk, None,
                    "api", partner.partner_type, None, district.id, district.municipality_id,
                    received, "Niet opgepakt: herhaalde melding", "herhaalde melding (R1)", None,
                    tenant_pk, tenancies[partner.pk], values["partner_referentie"],
                    bytes(seal["details"](document)), household, tenant[1], key, signal_day,
                    signal_day - timedelta(days=30), signal_day - timedelta(days=25),
                    signal_day - timedelta(days=20), signal_day - timedelta(days=20), crisis,
                    False, False, False,
                ))  # fmt: skip
            # The status history along the path.
            moments = {"ontvangen": opened, "toegewezen": assigned_at}
            if picked_up_on:
                moments["opgepakt"] = at(picked_up_on, 10)
            if reached_on:
                moments["in-contact"] = at(reached_on, 11)
            source = ""
            previous_at = opened
            deploy_day = None
            for target in path:
                moment = max(
                    moments.get(target) or previous_at + timedelta(days=rnd.randint(1, 14)),
                    previous_at,
                )
                moment = max(min(moment, closed_at or now), previous_at)  # nothing in the future
                if target == "instrument-ingezet":
                    deploy_day = _day(moment)
                by_org = (
                    first_partner.pk
                    if source == ""
                    else (provider if target != "toegewezen" else None)
                )
                rows[CaseStatusChange].append((
                    ids.take(CaseStatusChange), case_pk, source, target, None, by_org,
                    "signaal ontvangen" if source == "" else "", moment,
                ))  # fmt: skip
                source, previous_at = target, moment
            if closed:
                rows[CaseStatusChange].append((
                    ids.take(CaseStatusChange), case_pk, source, "afgesloten", None, provider,
                    end_result[:300], closed_at,
                ))  # fmt: skip
                if (
                    end_result
                    in ("Vervolghulp en/of verwijzing financieel", "(Budget)advies en/of quick fix")
                    and len(returning) < 5000
                ):
                    returning.append((tenant_pk, closed_at, tenant, household_parts, tenancies))  # fmt: skip
            if caseworker:
                rows[CaseworkerAssignment].append((
                    ids.take(CaseworkerAssignment), case_pk, caseworker, None, None,
                    moments.get("opgepakt") or opened, "opgepakt",
                ))  # fmt: skip
            for on, hit in attempts:
                rows[ContactAttempt].append((
                    ids.take(ContactAttempt), next(new_ids), case_pk, rnd.choice(kinds),
                    hit, on, rnd.choice(parts), provider, caseworker, at(on, 17),
                ))  # fmt: skip
            if deploy_day and catalogue:
                for d in range(rnd.choice((1, 1, 1, 2))):
                    instrument = rnd.choice(catalogue)
                    on = min(deploy_day + timedelta(days=7 * d), today)
                    deployment_pk = ids.take(InstrumentDeployment)
                    ended = closed_at and _day(closed_at) >= on
                    rows[InstrumentDeployment].append((
                        deployment_pk, next(new_ids), case_pk, None, instrument.pk,
                        provider, on, on + timedelta(days=30) if instrument.has_agreements else None,
                        _day(closed_at) if ended else None,
                        bytes(seal["agreements"](f"Betaalt € {rnd.randint(25, 150)} per maand, "
                                           "eerste termijn na dertig dagen."))
                        if instrument.has_agreements else None,
                        bytes(seal["amount"](f"{rnd.randint(50, 900)}.00")) if instrument.has_monthly_amount else None,
                        caseworker, at(on, 15),
                    ))  # fmt: skip
                    if instrument.has_agreements and "afspraken-gevolgd" in path:
                        kind = "verbroken" if rnd.random() < 0.12 else "nagekomen"
                        event_on = min(on + timedelta(days=35), today)
                        rows[InstrumentEvent].append((
                            ids.take(InstrumentEvent), next(new_ids), case_pk,
                            deployment_pk, kind, event_on, provider, caseworker, at(event_on, 12),
                        ))  # fmt: skip
            if worked and rnd.random() < 0.02:
                on = min(picked_up_on + timedelta(days=3), today)
                rows[InstrumentEvent].append((
                    ids.take(InstrumentEvent), next(new_ids), case_pk, None, "geweigerd",
                    on, provider, caseworker, at(on, 12),
                ))  # fmt: skip
            if worked and rnd.random() < 0.15:
                rows[CaseNote].append((
                    ids.take(CaseNote), next(new_ids), case_pk,
                    bytes(seal["note"]("Huishouden heeft ook een achterstand bij de "
                                       "energieleverancier; budgetcoaching besproken.")),
                    provider, caseworker, (moments.get("opgepakt") or opened) + timedelta(days=2),
                ))  # fmt: skip
        with transaction.atomic():
            for model in models:
                columns, extra = COLUMNS[model.__name__], defaults[model]
                insert_rows(
                    model,
                    columns + tuple(extra),
                    [tuple(map(db, r)) + tuple(extra.values()) for r in rows[model]],
                    ready=columns + tuple(extra),
                )
        done = chunk_start + size
        if done % 100_000 == 0 or done == cases:
            print(f"  {done:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return {m.__name__: m.objects.count() for m in models}


def _day(moment: datetime) -> date:
    return (moment + timedelta(hours=1)).date()  # Amsterdam's day of a moment seeded in UTC


COLUMNS = {
    "Person": ("id", "subject_id", "name_key", "birth_key", "created_at"),
    "Tenancy": ("id", "public_id", "partner", "person", "reference", "household_index",
                "municipality", "created_at"),
    "Case": ("id", "public_id", "subject_id", "household_index", "district", "municipality",
             "crisis", "routing_reason", "status", "track", "provider", "caseworker", "opened_at",
             "assigned_at", "picked_up_on", "closed_at", "end_result", "due_on"),
    "CaseMember": ("id", "case", "person", "role", "added_at"),
    "Signal": ("id", "public_id", "subject_id", "partner", "submitted_by", "channel",
               "partner_type", "delivery_id", "district", "municipality", "received_at", "status",
               "decision", "case", "person", "tenancy", "partner_reference", "details",
               "household_index", "person_index", "intake_key", "signal_date",
               "contact_attempted_on", "referred_to_debt_help_on", "written_reminder_on",
               "tenant_informed_on", "crisis", "warm_handover", "unreachable_in_collection",
               "multiple_problems"),
    "CaseStatusChange": ("id", "case", "from_status", "to_status", "by", "by_organisation",
                         "reason", "at"),
    "CaseworkerAssignment": ("id", "case", "caseworker", "previous", "by", "at", "reason"),
    "ContactAttempt": ("id", "public_id", "case", "kind", "reached", "on", "part_of_day",
                       "organisation", "recorded_by", "recorded_at"),
    "InstrumentDeployment": ("id", "public_id", "case", "tenancy", "instrument", "organisation",
                             "deployed_on", "first_due_on", "ended_on", "agreements",
                             "monthly_amount", "recorded_by", "recorded_at"),
    "InstrumentEvent": ("id", "public_id", "case", "deployment", "kind", "on", "organisation",
                        "recorded_by", "recorded_at"),
    "CaseNote": ("id", "public_id", "case", "text", "organisation", "written_by", "written_at"),
}  # fmt: skip


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if what == "postgres":
        pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        env = seeded_postgres(pg, "meldpunt_bench_seed")
    else:
        env = seeded_sqlite(CACHE / "seeded.sqlite3")
    print(env["DATABASE_URL"])


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        import django

        django.setup()
        print(json.dumps(fill(int(sys.argv[2]))))
    else:
        main()
