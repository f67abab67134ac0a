"""The first version of the register of processing activities, ensured after every migrate.

The same rows the data migration 0002 writes; ensuring them again after migrate/flush keeps the
register complete when a test database is flushed or a new activity code is added in code.
"""

from __future__ import annotations

import importlib

from django.db import transaction

from .models import ProcessingActivity

# The data migrations that add activities to the register (never edited once applied).
SEED_MIGRATIONS = ("0002_register_seed", "0006_register_ddas")


@transaction.atomic
def register_ensure() -> None:
    activities = [
        activity
        for module in SEED_MIGRATIONS
        for activity in importlib.import_module(f"meldpunt.privacy.migrations.{module}").ACTIVITIES
    ]
    for code, name, purpose, basis, categories, retention in activities:
        if not ProcessingActivity.objects.filter(code=code, is_current=True).exists():
            ProcessingActivity.objects.create(
                code=code,
                version=(ProcessingActivity.objects.filter(code=code).count() + 1),
                name=name,
                purpose=purpose,
                legal_basis=basis,
                data_categories=categories,
                retention=retention,
                is_current=True,
            )
    # services.activity_id() is not cached (a new register version must count at once in every
    # process), so there is no cache to clear here.
