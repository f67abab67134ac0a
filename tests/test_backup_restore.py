"""``meldpunt backup`` / ``meldpunt restore`` (issue #14): a backup restored into a fresh database
holds every signal, case and processing-log record, with the hash chain intact."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from meldpunt.cases.models import Case, Track
from meldpunt.cases.services import case_assign
from meldpunt.intake.services import signal_submit
from meldpunt.operations.backup import _read_only
from meldpunt.privacy.crypto import reset_key_cache
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

MELDPUNT = str(Path(sys.executable).parent / "meldpunt")
OTHER_KEY = "b3RoZXIta2V5LTAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="

# Run in the restored database by the real command line: its inventory (personal data decrypted
# through the ORM), the chain check, a restore over it without and with --force.
CHECK_RESTORED = """
import io, json
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from meldpunt.cases.models import Case
from meldpunt.privacy.models import ProcessingLogEntry

def inventory():
    signals = next(m for m in apps.get_models() if m.__name__ == "Signal").objects.all()
    return {
        "signals": sorted(str(s.public_id) for s in signals),
        "details": sorted(json.dumps(s.details, sort_keys=True, default=str, ensure_ascii=False)
                          for s in signals),
        "cases": sorted(str(p) for p in Case.objects.values_list("public_id", flat=True)),
        "log": [list(r) for r in ProcessingLogEntry.objects.order_by("sequence")
                .values_list("sequence", "entry_hash")],
    }

out = {"inventory": inventory()}
verify = io.StringIO()
call_command("verify-processing-log", stdout=verify)
out["verify"] = verify.getvalue()
try:
    call_command("restore", BACKUP, stdout=io.StringIO())
except CommandError as exc:
    out["without_force"] = str(exc)
call_command("restore", BACKUP, force=True, stdout=io.StringIO())
out["after_force"] = inventory()
print(json.dumps(out))
"""


def signal_model():
    return next(m for m in apps.get_models() if m.__name__ == "Signal")


def inventory() -> dict:
    signals = signal_model().objects.all()
    return {
        "signals": sorted(str(s.public_id) for s in signals),
        "details": sorted(
            json.dumps(s.details, sort_keys=True, default=str, ensure_ascii=False) for s in signals
        ),
        "cases": sorted(str(p) for p in Case.objects.values_list("public_id", flat=True)),
        "log": [
            list(row)
            for row in ProcessingLogEntry.objects.order_by("sequence").values_list(
                "sequence", "entry_hash"
            )
        ],
    }


def _database_url(name: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    return f"postgres://{settings['USER']}{password}@{host}:{settings.get('PORT') or 5432}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """A database nobody has used: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield _database_url(str(tmp_path / "fresh.sqlite3"))
        return
    name = f"meldpunt_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def records(covenant, users):
    for n, name in enumerate(["Testpersoon", "De Vries", "Öztürk"]):
        signal = signal_submit(
            partner=covenant["eigen-haard"],
            submitted_by=users["eigen-haard"],
            raw=signal_data(
                achternaam=name, partner_referentie=f"HC-{n}", huisnummer=str(10 + n),
                geboortedatum=f"198{n}-05-17",
            ),
        )  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    found = inventory()
    assert len(found["signals"]) == 3 and found["cases"] and found["log"]
    assert any("Öztürk" in details for details in found["details"])
    return found


@pytest.mark.django_db(transaction=True)
def test_backup_restored_into_a_fresh_database_holds_everything_with_the_chain_intact(
    records, fresh_database, tmp_path
):
    backup = tmp_path / "meldpunt.backup"
    call_command("backup", output=backup)
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    raw = backup.read_bytes()
    assert b"Testpersoon" not in raw and b"SQLite format" not in raw and b"PGDMP" not in raw
    assert not list(tmp_path.glob(".meldpunt-*"))  # no plaintext copy left behind

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "meldpunt.conf.test",
           "DATABASE_URL": fresh_database}  # fmt: skip
    restored = subprocess.run([MELDPUNT, "restore", str(backup)], env=env, capture_output=True,
                              text=True, check=False, timeout=120)  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert "Back-up hersteld" in restored.stdout

    script = CHECK_RESTORED.replace("BACKUP", repr(str(backup)))
    checked = subprocess.run([MELDPUNT, "shell", "-c", script], env=env, capture_output=True,
                             text=True, check=False, timeout=120)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    found = json.loads(checked.stdout.strip().splitlines()[-1])
    assert found["inventory"] == records
    head_position, head_hash = records["log"][-1]
    assert f"{len(records['log'])} records gecontroleerd" in found["verify"]
    assert f"--anchor {head_position}:{head_hash}" in found["verify"]
    # Once restored the database is not empty: restoring again needs --force.
    assert "is niet leeg" in found["without_force"] and "--force" in found["without_force"]
    assert found["after_force"] == records


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_cannot_be_decrypted_is_refused_in_dutch_and_changes_nothing(
    records, tmp_path, settings
):
    """Even with --force over a database in use: the file is checked before anything happens."""
    backup = tmp_path / "meldpunt.backup"
    call_command("backup", output=backup)
    data = backup.read_bytes()
    middle = len(data) // 2
    damaged = {
        "truncated": data[:middle],
        "flipped-byte": data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :],
        "not-a-backup": b"SQLite format 3\x00" + data[16:],
        "empty": b"",
    }
    for damage, content in damaged.items():
        backup.write_bytes(content)
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(backup), force=True)
        message = str(refused.value)
        assert "kan niet worden ontsleuteld" in message and "niets hersteld" in message, damage
        assert inventory() == records, damage
    backup.write_bytes(data)
    ring = settings.MELDPUNT_ENCRYPTION_KEYS, settings.MELDPUNT_ENCRYPTION_ACTIVE_KEY
    settings.MELDPUNT_ENCRYPTION_KEYS = f"other:{OTHER_KEY}"
    settings.MELDPUNT_ENCRYPTION_ACTIVE_KEY = "other"
    reset_key_cache()
    try:
        with pytest.raises(CommandError, match="sleutel die niet in MELDPUNT_ENCRYPTION_KEYS"):
            call_command("restore", str(backup), force=True)
    finally:
        settings.MELDPUNT_ENCRYPTION_KEYS, settings.MELDPUNT_ENCRYPTION_ACTIVE_KEY = ring
        reset_key_cache()
    assert inventory() == records


def test_backup_and_restore_refuse_bad_paths(db, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("backup", output=tmp_path / "nope" / "x.backup")
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("restore", str(tmp_path / "missing.backup"), force=True)


def test_sqlite_paths_with_spaces_and_hashes_open_read_only(tmp_path):
    path = tmp_path / "map met spatie#1" / "meldpunt?.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    reader = _read_only(path)
    try:
        assert reader.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("INSERT INTO t VALUES (1)")
    finally:
        reader.close()
