"""The seeded instrument catalogue, ensured after every migrate (and after a test-database flush).

The data migration 0003 writes the same rows; ensuring them again after migrate keeps the
catalogue complete when a test database is flushed (transactional tests). Existing rows are
never changed: functioneel beheer owns them once they exist.
"""

from __future__ import annotations

import importlib
from typing import Any


def catalogue_ensure() -> None:
    from django.apps import apps

    seed = importlib.import_module("meldpunt.cases.migrations.0003_instrument_catalogue")
    seed.seed(apps, None)


def catalogue_ensure_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    catalogue_ensure()
