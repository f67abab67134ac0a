"""The national reference files in ``../shared/reference/`` beside the repository.

Tests that check against them FAIL when the folder is missing: in CI it is always there, so a
missing folder is a broken set-up, never a reason to pass quietly. Only a machine that says so
(``MELDPUNT_REFERENCE_OPTIONAL=1``) skips them instead.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DDAS_V12 = REFERENCE / "ddas-v1.2"
DDAS_V09 = REFERENCE / "ddas-v0.9"
DDAS_EXAMPLES = (
    "enkelvoudigVoorbeeld.json",
    "meervoudigVoorbeeld.json",
    "uitgebreidVoorbeeld.json",
)


def reference_file(path: Path) -> Path:
    if not path.is_file():
        message = f"referentiebestand ontbreekt: {path} (verwacht in ../shared/reference/)"
        if os.environ.get("MELDPUNT_REFERENCE_OPTIONAL") == "1":
            pytest.skip(message)
        pytest.fail(message)
    return path


@cache
def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def reference_json(path: Path) -> Any:
    return _json(reference_file(path))


def ddas_v12_schema() -> dict[str, Any]:
    return reference_json(DDAS_V12 / "json_schema_Uitwisselmodel.json")


def ddas_v12_defs() -> dict[str, Any]:
    return ddas_v12_schema()["$defs"]
