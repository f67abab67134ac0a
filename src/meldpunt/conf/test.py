"""Test settings: fixed keys that are never used anywhere else, fast static files."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault(
    "MELDPUNT_ENCRYPTION_KEYS",
    "t1:dGVzdC1rZXktMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=,t2:dGVzdC1rZXktMTExMTExMTExMTExMTExMTExMTExMTE=",
)
os.environ.setdefault("MELDPUNT_ENCRYPTION_ACTIVE_KEY", "t1")
os.environ.setdefault("MELDPUNT_BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktMDAwMDAwMDAwMDA=")
os.environ["MELDPUNT_ENV_FILE"] = "/nonexistent"  # tests never read a developer's .env

from django.contrib.auth.hashers import Argon2PasswordHasher

from .settings import *  # noqa: F403
from .settings import STORAGES


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with small costs: the same algorithm and code path, fast enough for a suite."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


PASSWORD_HASHERS = ["meldpunt.conf.test.TestArgon2PasswordHasher"]

DEBUG = False
# Per run when two runs share a checkout (.ci/run runs SQLite and PostgreSQL side by side): the
# browser tests collect the static files here at their start.
STATIC_ROOT = Path(
    os.environ.get("MELDPUNT_TEST_STATIC_ROOT", str(BASE_DIR / "var" / "static-test"))  # noqa: F405
)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False  # no test fetches static files; spares a scan per test client
WHITENOISE_AUTOREFRESH = False
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # The worker's tests run real queued tasks through this one.
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking (WAL +
    # busy timeout), which shared-cache in-memory databases do not have.
    # MELDPUNT_TEST_DB lets two runs on one checkout keep out of each other's way.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("MELDPUNT_TEST_DB", str(BASE_DIR / "var" / "test-db.sqlite3"))  # noqa: F405
    }
