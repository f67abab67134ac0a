"""Encrypted backups of the whole database, and restoring one (``meldpunt backup``/``restore``).

The file is the product's encrypted file format (privacy/files.py: AES-GCM chunks under the key
ring, bound to a fixed purpose so an upload cannot pass for a backup) around a plaintext that
starts with one header line naming the format and the database kind, followed by:

- SQLite: a copy of the database file made with SQLite's online backup API (a consistent
  snapshot while the application keeps running);
- PostgreSQL: ``pg_dump --format=custom``, restored with ``pg_restore --single-transaction``.

A restore decrypts and checks the whole file before it touches the target, so a wrong key or
a damaged file changes nothing. docs/adr/0102-operations.md records the choices.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import connections

from meldpunt.privacy.crypto import DecryptionError
from meldpunt.privacy.files import open_encrypted, write_encrypted

logger = logging.getLogger(__name__)

FILE_PURPOSE = "meldpunt-backup"  # associated data of every chunk
HEADER_PREFIX = b"MELDPUNT-BACKUP 1 "
SQLITE, POSTGRESQL = "sqlite", "postgresql"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Dutch and says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    size: int  # bytes of the plaintext (database copy or dump)


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in (SQLITE, POSTGRESQL):
        raise BackupError(f"back-up van een {vendor}-database kan niet met dit commando")
    return vendor


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI from the path (spaces, "?" and "#" quoted), opened read-only.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _private_tempfile(directory: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=".meldpunt-", suffix=suffix, dir=directory)
    os.close(handle)
    os.chmod(name, 0o600)
    return Path(name)


class _Prefixed:
    """A read-only stream: the header line, then the payload file."""

    def __init__(self, header: bytes, payload: IO[bytes]) -> None:
        self._header = header
        self._payload = payload

    def read(self, size: int = -1) -> bytes:
        if self._header:
            part, self._header = self._header[:size], self._header[size:]
            if size < 0:
                return part + self._payload.read()
            return part
        return self._payload.read(size)


def _pg_env_and_args(alias: str) -> tuple[dict[str, str], list[str]]:
    settings = connections[alias].settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [option, str(settings[key])]
    return env, [*args, "--dbname", settings["NAME"]]


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} niet gevonden: installeer de PostgreSQL-clientprogramma's")
    return path


def backup_create(*, output: Path, alias: str = "default") -> BackupResult:
    """Write an encrypted backup of the database to ``output`` (made atomically, mode 0600)."""
    vendor = _vendor(alias)
    output = output.resolve()
    if output.is_dir():
        raise BackupError(f"{output} is een map: geef een bestandsnaam op")
    if not output.parent.is_dir():
        raise BackupError(f"map {output.parent} bestaat niet")
    plain = _private_tempfile(output.parent, ".plain")
    partial = _private_tempfile(output.parent, ".partial")
    try:
        if vendor == SQLITE:
            database = Path(connections[alias].settings_dict["NAME"])
            if not database.is_file():
                raise BackupError(f"database {database} bestaat niet")
            source = _read_only(database)
            target = sqlite3.connect(plain)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            env, args = _pg_env_and_args(alias)
            # An argument list (no shell); the values come from the settings.
            result = subprocess.run(  # noqa: S603
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 "--file", str(plain), *args],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if result.returncode != 0:
                raise BackupError(f"pg_dump mislukte: {result.stderr.strip()[-500:]}")
        size = plain.stat().st_size
        with plain.open("rb") as payload:
            write_encrypted(
                _Prefixed(HEADER_PREFIX + vendor.encode() + b"\n", payload), partial, FILE_PURPOSE
            )
        os.replace(partial, output)
    finally:
        plain.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    logger.info("back-up gemaakt (%s, %s bytes)", vendor, size)
    return BackupResult(path=output, vendor=vendor, size=size)


@contextlib.contextmanager
def _decrypted(source: Path, directory: Path) -> Iterator[tuple[str, Path]]:
    """Decrypt the whole backup into a private temporary file; yields (vendor, path)."""
    if not source.is_file():
        raise BackupError(f"back-upbestand {source} bestaat niet")
    plain = _private_tempfile(directory, ".restore")
    try:
        try:
            with open_encrypted(source, FILE_PURPOSE) as stream, plain.open("wb") as out:
                header = stream.readline(200)
                if not header.startswith(HEADER_PREFIX) or not header.endswith(b"\n"):
                    raise BackupError(f"{source} is geen Meldpunt-back-up")
                vendor = header[len(HEADER_PREFIX) : -1].decode("ascii", "replace")
                shutil.copyfileobj(stream, out, 1 << 20)
        except (DecryptionError, ValueError, OSError, EOFError, struct.error) as exc:
            if isinstance(exc, OSError) and not isinstance(exc, EOFError) and exc.errno:
                raise BackupError(f"{source} kan niet worden gelezen: {exc.strerror}") from exc
            raise BackupError(
                f"{source} kan niet worden ontsleuteld: het is gemaakt met een sleutel die niet "
                "in MELDPUNT_ENCRYPTION_KEYS staat, het is beschadigd of onvolledig, of het is "
                "geen Meldpunt-back-up. Er is niets hersteld."
            ) from exc
        yield vendor, plain
    finally:
        plain.unlink(missing_ok=True)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    db = _read_only(path)
    try:
        return (
            db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
        )
    finally:
        db.close()


def _pg_is_empty(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return cursor.fetchone()[0] == 0


def backup_restore(*, source: Path, force: bool = False, alias: str = "default") -> str:
    """Restore ``source`` into the database ``alias`` names; returns the database kind.

    Refuses a database that holds tables unless ``force``. Stop the web processes and workers
    first: a restore replaces everything.
    """
    vendor = _vendor(alias)
    settings = connections[alias].settings_dict
    if vendor == SQLITE:
        target = Path(settings["NAME"]).resolve()
        if not target.parent.is_dir():
            raise BackupError(f"map {target.parent} bestaat niet")
        empty = _sqlite_is_empty(target)
        directory = target.parent
    else:
        empty = _pg_is_empty(alias)
        directory = Path(tempfile.gettempdir())
    if not empty and not force:
        raise BackupError(
            f"de database {settings['NAME']} is niet leeg; herstellen overschrijft alles. "
            "Gebruik --force als dat de bedoeling is."
        )
    with _decrypted(source, directory) as (found, plain):
        if found != vendor:
            raise BackupError(f"dit is een back-up van een {found}-database, niet van {vendor}")
        if vendor == SQLITE:
            _restore_sqlite(plain, target, alias)
        else:
            _restore_postgresql(plain, alias, clean=not empty)
    logger.info("back-up hersteld (%s)", vendor)
    return vendor


def _restore_sqlite(plain: Path, target: Path, alias: str) -> None:
    check = _read_only(plain)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        ok = False
    finally:
        check.close()
    if not ok:
        raise BackupError(
            "de database in de back-up is beschadigd (integrity_check); niets hersteld"
        )
    connections[alias].close()
    # The old write-ahead log belongs to the old file: it must not be replayed on the new one.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(plain, target)
    plain.touch()  # _decrypted removes its temporary file; keep that harmless


def _restore_postgresql(plain: Path, alias: str, *, clean: bool) -> None:
    env, args = _pg_env_and_args(alias)
    connections[alias].close()
    command = [_pg_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner",
               "--no-privileges", *(["--clean", "--if-exists"] if clean else []), *args,
               str(plain)]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore mislukte, niets hersteld: {result.stderr.strip()[-500:]}")
