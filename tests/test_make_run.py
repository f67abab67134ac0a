"""`make run` takes PORT= (issue #12); a dry run (make -n) shows the command it would run."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dry_run(*args: str) -> str:
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_run_serves_on_8000_by_default():
    assert "runserver 127.0.0.1:8000" in _dry_run()


def test_make_run_takes_a_port():
    out = _dry_run("PORT=8123")
    assert "runserver 127.0.0.1:8123" in out and ":8000" not in out


def test_readme_mentions_the_port():
    assert "make run PORT=" in (ROOT / "README.md").read_text(encoding="utf-8")
