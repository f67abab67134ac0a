"""Writes of the registries app: loading the local register from a file."""

from __future__ import annotations

import csv
import io
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from meldpunt.core.parsing import FieldError, parse_bool, parse_date
from meldpunt.privacy.keys import person_key

from .models import LocalRegistryName, LocalRegistryRecord

COLUMNS = {"achternaam", "geboortedatum", "status", "uitkering"}
# Optional: the tussenvoegsel, and other surnames the person uses (naamgebruik: the partner's
# name, or both), separated by "|".
OPTIONAL_COLUMNS = {"tussenvoegsel", "andere_achternamen"}


@transaction.atomic
def local_registry_import(*, stream: IO[bytes]) -> int:
    """Replace nothing, add or update: one row per person (achternaam; geboortedatum; status; uitkering)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.readline()
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    header = [h.strip().casefold() for h in next(csv.reader([sample], delimiter=delimiter))]
    if not set(header) >= COLUMNS or not set(header) <= COLUMNS | OPTIONAL_COLUMNS:
        raise ValidationError(
            "Het registerbestand moet de kolommen " + ", ".join(sorted(COLUMNS)) + " hebben "
            "(en mag " + ", ".join(sorted(OPTIONAL_COLUMNS)) + " hebben)."
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
        if birth is None:
            raise ValidationError(f"Regel {number}: de geboortedatum is verplicht.")
        own = person_key(row["achternaam"], row.get("tussenvoegsel") or "", birth)
        if not own:
            raise ValidationError(f"Regel {number}: de achternaam is verplicht.")
        record, _created = LocalRegistryRecord.objects.update_or_create(
            person_index=own, defaults={"status": status, "benefit_recipient": benefit}
        )
        for other in filter(
            None, (n.strip() for n in (row.get("andere_achternamen") or "").split("|"))
        ):
            alias = person_key(other, "", birth)
            if alias and alias != own:
                LocalRegistryName.objects.update_or_create(
                    person_index=alias, defaults={"record": record}
                )
        count += 1
    return count
