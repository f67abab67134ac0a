"""make bench, DDAS part (issue 11): a month with 100,000 signals, exported and collected.

For SQLite and PostgreSQL each: a fresh database (migrate, seed-demo), then a month of
BENCH_DDAS_SIGNALS signals (default 100,000) in cases with contact attempts and end results,
plus half as many in the month before (so the period filter has something to leave out). The
seed writes in bulk (bulk_create, pre-sealed details); it is set-up, not measured.

Measured, each in a fresh process as an operator or CBS would meet it:
- ``meldpunt export-ddas --month`` of that month: wall time and peak memory (target < 30 s);
- ``POST /ddas/v1/gegevens`` page 1 and 2 of 50,000 signals, signed, streamed through Django's
  handler with a real FSC token: time to the last byte and the process's peak memory
  (target < 10 s and < 300 MB). The process's baseline (Django loaded, before the request) is
  reported beside the peak, measured in the same run.

Run alone: ``python -m tests.bench.ddas`` (BENCH_DDAS_SIGNALS, BENCH_POSTGRES_URL as in run.py;
BENCH_DDAS_PROFILE=1 prints a cProfile of one page).
"""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MELDPUNT = str(ROOT / ".venv" / "bin" / "meldpunt")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CBS = "00000001822477348000"
SERVICE = "DDAS-vroegsignalering-ophaal-meldpunt"


def env_for(database_url: str, keys: dict[str, str]) -> dict[str, str]:
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
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        **keys,
    )
    return env


def fresh_postgres(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


# --- keys: a signing chain and an FSC Manager token certificate made for this run ------------


def make_keys(folder: Path) -> tuple[dict[str, str], Callable[[], str]]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa, utils
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def cert(key, cn, issuer_key, issuer, *, ca: bool):
        usage = dict.fromkeys(
            ("key_encipherment", "data_encipherment", "key_agreement", "crl_sign",
             "encipher_only", "decipher_only"), False,
        )  # fmt: skip
        return (
            x509.CertificateBuilder()
            .subject_name(name(cn))
            .issuer_name(issuer or name(cn))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=not ca, content_commitment=not ca, key_cert_sign=ca, **usage
                ),
                critical=True,
            )
            .sign(issuer_key, hashes.SHA256())
        )

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = cert(root_key, "Bench Root", root_key, None, ca=True)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = cert(leaf_key, "Meldpunt ondertekening", root_key, root.subject, ca=False)
    fsc_key = ec.generate_private_key(ec.SECP256R1())
    fsc = cert(fsc_key, "FSC Manager", root_key, root.subject, ca=False)
    pem = serialization.Encoding.PEM
    (folder / "sign.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "sign.pem").write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    (folder / "fsc.pem").write_bytes(fsc.public_bytes(pem))

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    def token() -> str:
        header = {
            "alg": "ES256",
            "typ": "JWT",
            "x5t#S256": b64(fsc.fingerprint(hashes.SHA256())).decode(),
        }
        moment = int(time.time())
        claims = {"sub": CBS, "svc": SERVICE, "nbf": moment - 10, "exp": moment + 3600}
        signing_input = b64(json.dumps(header).encode()) + b"." + b64(json.dumps(claims).encode())
        r, s = utils.decode_dss_signature(fsc_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return (signing_input + b"." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))).decode()

    keys = {
        "MELDPUNT_DDAS_SIGNING_KEY": str(folder / "sign.key"),
        "MELDPUNT_DDAS_SIGNING_CERT": str(folder / "sign.pem"),
        "MELDPUNT_DDAS_FSC_TOKEN_CERTS": str(folder / "fsc.pem"),
        "MELDPUNT_DDAS_FSC_SERVICE": SERVICE,
        "MELDPUNT_DDAS_CLIENT_PEER_IDS": CBS,
    }
    return keys, token


# --- the seed (runs inside a Django process: python -m tests.bench.ddas seed N YYYY-MM) -------


def seed(signals: int, month: date) -> None:
    """``signals`` signals received in ``month`` and ``signals // 2`` in the month before."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from meldpunt.cases.models import Case, ContactAttempt, Signal
    from meldpunt.cases.vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay
    from meldpunt.organisations.models import District, Organisation

    # The seed sets the receipt and opening moments itself (auto_now_add would make them now).
    Signal._meta.get_field("received_at").auto_now_add = False
    Case._meta.get_field("opened_at").auto_now_add = False
    rnd = random.Random(11)
    landlords = list(Organisation.objects.filter(type="partner", partner_type="Huur"))
    districts = list(District.objects.filter(provider__isnull=False).select_related("municipality"))
    sealer = Signal._meta.get_field("details").seal
    kinds, parts = list(ContactKind.values), list(PartOfDay.values)
    results = [value for value, _label in END_RESULT_CHOICES]
    previous = (month - timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    number = 0
    for first, count in ((previous, signals // 2), (month, signals)):
        days = ((first + timedelta(days=32)).replace(day=1) - first).days
        done = 0
        while done < count:
            batch = min(5000, count - done)
            with transaction.atomic():
                cases, plan, planned = [], [], 0
                while planned < batch:
                    district = rnd.choice(districts)
                    day = first + timedelta(days=rnd.randrange(days))
                    opened = datetime(
                        day.year, day.month, day.day, 9 + rnd.randrange(8), tzinfo=zone
                    )
                    closed = rnd.random() < 0.4
                    picked = rnd.random() < 0.7
                    cases.append(
                        Case(
                            subject_id=secrets.token_hex(16),
                            household_index=secrets.token_hex(20),
                            municipality_id=district.municipality_id,
                            district=district,
                            provider_id=district.provider_id,
                            track="vroeg-eropaf",
                            status="afgesloten"
                            if closed
                            else ("opgepakt" if picked else "toegewezen"),
                            opened_at=opened,
                            picked_up_on=day + timedelta(days=1) if picked else None,
                            closed_at=opened + timedelta(days=20) if closed else None,
                            end_result=rnd.choice(results) if closed else "",
                        )
                    )
                    plan.append((2 if rnd.random() < 0.15 else 1, (district, day, opened)))
                    planned += plan[-1][0]
                Case.objects.bulk_create(cases, batch_size=2000)
                rows, attempts = [], []
                for case, (n, (district, day, opened)) in zip(cases, plan, strict=True):
                    for k in range(n):
                        number += 1
                        details = {
                            "person": {
                                "voorletters": "A.", "achternaam": f"Bench{number}",
                                "geboortedatum": f"19{rnd.randint(40, 99)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                                "straat": "Teststraat", "huisnummer": str(rnd.randint(1, 400)),
                                "huisletter": rnd.choice(["", "", "", "A"]), "huisnummertoevoeging": "",
                                "postcode": f"{rnd.randint(1011, 1109)} AB", "woonplaats": "Amsterdam",
                                "telefoonnummer": "0612345678", "email": f"b{number}@example.org",
                            },
                            "arrears": {"achterstand_bedrag": f"{rnd.randint(300, 6000)}.{rnd.randint(0, 99):02d}",
                                        "achterstand_sinds": (day - timedelta(days=60)).isoformat()},
                        }  # fmt: skip
                        rows.append(
                            Signal(
                                partner=rnd.choice(landlords),
                                partner_reference=f"BENCH-{number}",
                                details=sealer(details),
                                household_index=case.household_index,
                                person_index=secrets.token_hex(20),
                                intake_key=f"bench-{number}",
                                channel="bestand",
                                partner_type="Huur",
                                district=district,
                                municipality_id=district.municipality_id,
                                signal_date=day,
                                received_at=opened + timedelta(minutes=k),
                                contact_attempted_on=day - timedelta(days=30),
                                referred_to_debt_help_on=day - timedelta(days=25),
                                written_reminder_on=day - timedelta(days=20),
                                tenant_informed_on=day - timedelta(days=20),
                                case=case,
                            )
                        )
                    for a in range(rnd.choice((0, 1, 1, 2, 3)) if case.picked_up_on else 0):
                        attempts.append(
                            ContactAttempt(
                                case=case, kind=rnd.choice(kinds), reached=rnd.random() < 0.4,
                                on=day + timedelta(days=1 + a), part_of_day=rnd.choice(parts),
                                organisation_id=case.provider_id,
                            )
                        )  # fmt: skip
                Signal.objects.bulk_create(rows, batch_size=2000)
                ContactAttempt.objects.bulk_create(attempts, batch_size=2000)
                done += len(rows)
    print(Signal.objects.count())


# --- measurements -----------------------------------------------------------------------------

_COLLECT = """
import os, sys, time, json
import django
django.setup()
from django.test import Client
body = json.dumps({"aanleverperiodeStartdatum": sys.argv[1], "aanleverperiodeEinddatum": sys.argv[2],
                   "page": int(sys.argv[3]), "pageSize": 50000})
client = Client()
def high_water():
    # VmHWM of this process image: ru_maxrss would carry over the parent's size across fork+exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
base = high_water()
start, cpu = time.perf_counter(), time.process_time()
response = client.post("/ddas/v1/gegevens", data=body, content_type="application/json",
                       HTTP_FSC_AUTHORIZATION=os.environ["BENCH_FSC_TOKEN"])
size = 0
for chunk in response.streaming_content:
    size += len(chunk)
seconds = time.perf_counter() - start
peak = high_water()
assert response.status_code == 200, response.status_code
assert size == int(response["Content-Length"]), (size, response["Content-Length"])
cpu = time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "bytes": size, "base_kib": base, "peak_kib": peak}))
"""

_PROFILE = """
import cProfile, pstats, os, sys, json
import django
django.setup()
from django.test import Client
body = json.dumps({"aanleverperiodeStartdatum": sys.argv[1], "aanleverperiodeEinddatum": sys.argv[2],
                   "page": 1, "pageSize": 50000})
profile = cProfile.Profile()
profile.enable()
response = Client().post("/ddas/v1/gegevens", data=body, content_type="application/json",
                         HTTP_FSC_AUTHORIZATION=os.environ["BENCH_FSC_TOKEN"])
for chunk in response.streaming_content:
    pass
profile.disable()
pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
"""


def _run(env: dict[str, str], args: list[str]) -> str:
    out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:3])} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
        )
    return out.stdout


def _count_signals(path: Path) -> int:
    """Signals in a written delivery (each has one "signaalpartner"), read in chunks: parsing
    58 MB here would make this process big, and a child forked from it inherits that peak."""
    token, count, tail = b'"signaalpartner":', 0, b""
    with open(path, "rb") as data:
        while block := data.read(1 << 20):
            block = tail + block
            count += block.count(token)
            tail = block[-(len(token) - 1) :]  # too short to hold a whole token: none counted twice
    return count


def timed_export(env: dict[str, str], month: str, output: Path) -> tuple[float, int, float]:
    """(wall seconds, peak memory in KiB, CPU seconds) of the command in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [MELDPUNT, "export-ddas", "--month", month, "--output", str(output)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    log = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"export-ddas failed: {log[-3000:]}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def bench_database(label: str, database_url: str, signals: int, say: Callable[[str], None]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keys, token = make_keys(folder)
        env = env_for(database_url, keys)
        for args in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["seed-demo"]):
            _run(env, [MELDPUNT, *args])
        today = date.today()
        month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        started = time.perf_counter()
        _run(env, [PYTHON, "-m", "tests.bench.ddas", "seed", str(signals), month.isoformat()])
        if database_url.startswith("postgres"):
            # Fresh statistics, as autovacuum gives a table that grew by this much; without them
            # the planner takes the seeded tables for empty.
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("ANALYZE")
        seeded = time.perf_counter() - started
        say(f"ddas {label}: seeded {signals:,} signals in {month:%Y-%m} (+{signals // 2:,} in the "
            f"month before) in {seeded:.0f} s")  # fmt: skip
        output = folder / "ddas.json"
        say(f"ddas {label}: machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
            "(CPU seconds below do not depend on it; wall seconds do)")  # fmt: skip
        seconds, rss, cpu = timed_export(env, f"{month:%Y-%m}", output)
        sent = _count_signals(output)
        say(f"ddas {label}: export-ddas --month {month:%Y-%m}: {sent:,} signals, "
            f"{output.stat().st_size / 1e6:.0f} MB in {seconds:.1f} s (target < 30 s; CPU "
            f"{cpu:.1f} s, start-up included); peak memory {rss / 1024:.0f} MB")  # fmt: skip
        env["BENCH_FSC_TOKEN"] = token()
        if os.environ.get("BENCH_DDAS_PROFILE") == "1":
            print(_run(env, [PYTHON, "-c", _PROFILE, month.isoformat(), last.isoformat()]))
        pages = -(-signals // 50_000)
        for page in range(1, min(pages, 2) + 1):
            out = _run(
                env, [PYTHON, "-c", _COLLECT, month.isoformat(), last.isoformat(), str(page)]
            )
            result = json.loads(out.strip().splitlines()[-1])
            say(f"ddas {label}: POST /gegevens page {page} of {pages} (50,000 signals): "
                f"{result['bytes'] / 1e6:.0f} MB in {result['seconds']:.1f} s (target < 10 s; "
                f"CPU {result['cpu']:.1f} s); "
                f"peak memory {result['peak_kib'] / 1024:.0f} MB, of which "
                f"{result['base_kib'] / 1024:.0f} MB before the request (target < 300 MB)")  # fmt: skip


def main(say: Callable[[str], None] = print) -> None:
    signals = int(os.environ.get("BENCH_DDAS_SIGNALS", "100000"))
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory() as tmp:
        bench_database("SQLite", f"sqlite:///{Path(tmp) / 'ddas.sqlite3'}", signals, say)
    if pg:
        bench_database("PostgreSQL", fresh_postgres(pg, "meldpunt_bench_ddas"), signals, say)


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed(int(sys.argv[2]), date.fromisoformat(sys.argv[3]))
    else:
        main()
