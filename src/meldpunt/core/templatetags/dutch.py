"""Dutch formats for templates: ``{% load dutch %}``, then ``{{ amount|euro }}`` (€ 1.234,56),
``{{ n|aantal }}`` (12.345) and ``{{ day|datum }}`` (dd-mm-jjjj), whatever the language of the page
(issue #12, ADR 0108).

The values come in many forms: Decimals from the database, amounts as the encrypted details
hold them ("1234.56", or "1.234,56" as a landlord typed it), dates as ``date``, aware
``datetime`` or ISO text. Anything that cannot be read is shown as it is, never an error page.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if "," in text:  # Dutch: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def format_euro(value: Any) -> str:
    """€ 1.234,56: a point between thousands, a comma before the cents."""
    amount = _decimal(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{cents}"


def format_count(value: Any) -> str:
    """12.345: a whole number with a point between thousands, as Dutch readers count a million
    cases. Django's own grouping (USE_THOUSAND_SEPARATOR) is off: it would also group years, ids
    and house numbers. Anything else is shown as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return "" if value is None else str(value)


def format_datum(value: Any) -> str:
    """dd-mm-jjjj; a moment is shown as the day it was in the Netherlands."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return text
    return day.strftime("%d-%m-%Y")


def format_datumtijd(value: Any) -> str:
    """dd-mm-jjjj uu:mm, in Dutch time."""
    if not isinstance(value, datetime):
        return format_datum(value)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return moment.strftime("%d-%m-%Y %H:%M")


register.filter("euro", format_euro)
register.filter("aantal", format_count)
register.filter("datum", format_datum)
register.filter("datumtijd", format_datumtijd)


_AMOUNT_WORDS = ("bedrag", "huur", "termijn", "premie", "maandlast", "hypotheek")


@register.filter("veldnaam")
def field_label(key: Any) -> str:
    """A stored field name as a person reads it: "achterstand_bedrag" → "Achterstand bedrag"."""
    return str(key).replace("_", " ").strip().capitalize()


@register.filter("veldwaarde")
def field_value(value: Any, key: Any = "") -> str:
    """A stored value as a person reads it: amounts in euros, ISO dates as dd-mm-jjjj, yes/no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    name = str(key).lower()
    if any(word in name for word in _AMOUNT_WORDS) and _decimal(value) is not None:
        return format_euro(value)
    if isinstance(value, date | datetime):
        return format_datum(value)
    text = str(value)
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        shown = format_datum(text)
        if shown != text:
            return shown if len(text) == 10 else format_datumtijd(_moment(text) or text)
    return text


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
