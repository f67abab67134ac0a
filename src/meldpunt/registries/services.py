"""Writes of the registries app: loading the local register from a file."""

from __future__ import annotations

import csv
import io
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from meldpunt.core.parsing import FieldError, parse_bool, parse_date
from meldpunt.privacy.keys import person_key

from .models import LocalRegistryRecord

COLUMNS = {"achternaam", "geboortedatum", "status", "uitkering"}


@transaction.atomic
def local_registry_import(*, stream: IO[bytes]) -> int:
    """Replace nothing, add or update: one row per person (achternaam; geboortedatum; status; uitkering)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.readline()
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    header = [h.strip().casefold() for h in next(csv.reader([sample], delimiter=delimiter))]
    if set(header) != COLUMNS:
        raise ValidationError(
            "Het registerbestand moet de kolommen " + ", ".join(sorted(COLUMNS)) + " hebben."
        )
    count = 0
    for number, row in enumerate(
        csv.DictReader(text, fieldnames=header, delimiter=delimiter), start=1
    ):
        try:
            birth = parse_date(row["geboortedatum"])
            benefit = parse_bool(row["uitkering"])
        except FieldError as exc:
            raise ValidationError(f"Regel {number}: {exc}") from None
        status = (row["status"] or "ingezetene").strip().casefold()
        if status not in LocalRegistryRecord.Status.values:
            raise ValidationError(f"Regel {number}: onbekende status.")
        LocalRegistryRecord.objects.update_or_create(
            person_index=person_key(row["achternaam"], "", birth),
            defaults={"status": status, "benefit_recipient": benefit},
        )
        count += 1
    return count
