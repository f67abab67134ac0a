"""Retention periods (bewaartermijnen): the configuration and its history (docs/adr/0006).

The job that applies them lives in the data-protection app (``meldpunt.dataprotection``), which
asks each app to anonymise its own rows; this module only knows the periods.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import RETENTION_DEFAULTS, RetentionCategory, RetentionPeriod, RetentionUnit

logger = logging.getLogger(__name__)

CHANGE_RETENTION = "privacy.change_retentionperiod"


# --------------------------------------------------------------------------------------------
# Periods (configuration)
# --------------------------------------------------------------------------------------------


def retention_period(category: str) -> tuple[int, str]:
    """The period in force for a category: the newest row, else the default."""
    row = (
        RetentionPeriod.objects.filter(category=category)
        .order_by("-changed_at", "-id")
        .values_list("amount", "unit")
        .first()
    )
    return row if row is not None else RETENTION_DEFAULTS[category]


def retention_periods() -> dict[str, tuple[int, str]]:
    return {category: retention_period(category) for category in RetentionCategory.values}


@transaction.atomic
def retention_period_set(*, by: Any, category: str, amount: int, unit: str) -> RetentionPeriod:
    """Change a period (privacy officer or functioneel beheer); the old row stays as history."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm(CHANGE_RETENTION):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if category not in RetentionCategory.values:
        errors["category"] = "Kies een categorie."
    if unit not in RetentionUnit.values:
        errors["unit"] = "Kies een eenheid."
    if not isinstance(amount, int) or amount < 1:
        errors["amount"] = "Vul een termijn van minstens 1 in."
    if errors:
        raise ValidationError(errors)
    row = RetentionPeriod.objects.create(category=category, amount=amount, unit=unit, changed_by=by)
    logger.info("retention period %s changed", category)
    return row


def expiry_cutoff(now: datetime, amount: int, unit: str) -> datetime:
    """The moment before which something of this age has expired (calendar months and years)."""
    if unit == RetentionUnit.DAYS:
        return now - timedelta(days=amount)
    months = amount * (12 if unit == RetentionUnit.YEARS else 1)
    years_back, month_index = divmod(now.month - 1 - months, 12)
    year, month = now.year + years_back, month_index + 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)
