"""Concurrent writer processes on one SQLite file keep one unbroken processing-log chain (issue #5).

The in-memory test database cannot be shared, so this test gives real processes their own
SQLite file (WAL, IMMEDIATE transactions, as in production without PostgreSQL) and lets the
real ``meldpunt verify-processing-log`` command check the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

MELDPUNT = str(Path(sys.executable).parent / "meldpunt")
WRITER = """
from meldpunt.privacy.services import Processing, processing_log_record_many
for i in range(250):
    processing_log_record_many(actor=None, activity="intake", action="create", name="import",
        items=[Processing(f"{WORKER}-{i}-{j}", "signal", j) for j in range(3)])
"""

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite case; PostgreSQL has its own thread test"
)


def _env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }


def test_concurrent_processes_on_sqlite_keep_one_chain(tmp_path):
    env = _env(tmp_path / "meldpunt.sqlite3")
    subprocess.run([MELDPUNT, "migrate", "-v0"], env=env, check=True)
    writers = [
        subprocess.Popen(
            [MELDPUNT, "shell", "-c", WRITER.replace("{WORKER}", str(n))],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for writer in writers:
        _out, err = writer.communicate()
        assert writer.returncode == 0, err
    result = subprocess.run(
        [MELDPUNT, "verify-processing-log"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "3000 records gecontroleerd" in result.stdout
    assert "--anchor 3000:" in result.stdout
