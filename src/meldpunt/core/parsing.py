"""Parsers for Dutch input: dates, amounts, yes/no and postcodes as people and spreadsheets write them.

Shared by the intake format, the registers' files and case-work forms. Each raises ``FieldError``
with the Dutch text to show; none of them knows which field it parses.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode

TRUE_WORDS = {"ja", "j", "true", "waar", "1", "yes", "y", "on"}
FALSE_WORDS = {"nee", "n", "false", "onwaar", "0", "no", ""}
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DATE_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)


class FieldError(ValueError):
    """A value that cannot be accepted; the message is the Dutch text shown to the user."""


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in ((_DATE_ISO, (0, 1, 2)), (_DATE_NL, (2, 1, 0))):
        match = pattern.match(text)
        if match:
            parts = match.groups()
            try:
                return date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                raise FieldError("Deze datum bestaat niet.") from None
    raise FieldError("Gebruik een datum als 2026-10-01 of 01-10-2026.")


def parse_amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError("Geef een bedrag, bijvoorbeeld 1234,56.")
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace("€", "").replace("EUR", "").replace(" ", "")
        text = text.replace("\u00a0", "")
        if not text:
            return None
        if "," in text:  # Dutch: 1.234,56
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text, re.ASCII):
            text = text.replace(".", "")  # 1.234 or 1.234.567 as thousands
        if not re.fullmatch(r"-?\d+(\.\d+)?", text, re.ASCII):
            raise FieldError("Geef een bedrag, bijvoorbeeld 1234,56.")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise FieldError("Geef een bedrag, bijvoorbeeld 1234,56.") from None
    if not amount.is_finite():
        raise FieldError("Geef een bedrag, bijvoorbeeld 1234,56.")
    if amount.adjusted() >= 6:
        raise FieldError("Het bedrag is onwaarschijnlijk hoog (een miljoen euro of meer).")
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError("Een bedrag heeft hoogstens twee cijfers achter de komma.")
    if amount <= 0:
        raise FieldError("Het bedrag moet groter zijn dan 0.")
    if amount >= Decimal("1000000"):
        raise FieldError("Het bedrag is onwaarschijnlijk hoog (een miljoen euro of meer).")
    return amount.quantize(Decimal("0.01"))


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise FieldError("Gebruik ja of nee.")


def parse_postcode(value: Any) -> str:
    text = str(value or "").strip()
    try:
        return nl_postcode.validate(text).replace(" ", "")
    except StdnumError:
        raise FieldError("Geen geldige postcode; gebruik bijvoorbeeld 1012 AB.") from None
