"""Letters and door cards from templates that functioneel beheer edits on screen (issue #12).

A template is plain text with placeholders in braces (``{naam}``, ``{telefoon}``): never a
Django template, so whoever edits it cannot reach anything but the values below. Every value is
HTML-escaped; paragraphs are separated by an empty line. ``check_placeholders`` refuses a
placeholder that does not exist, so a typo shows when saving, not on the tenant's doormat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# name -> what it holds (shown beside the editor).
PLACEHOLDERS: dict[str, str] = {
    "naam": "naam van de huurder (voorletters, tussenvoegsel, achternaam)",
    "adres": "straat en huisnummer",
    "postcode_plaats": "postcode en woonplaats",
    "datum": "datum van vandaag (dd-mm-jjjj)",
    "zaak": "zaaknummer",
    "casemanager": "naam van de casemanager",
    "telefoon": "direct telefoonnummer van de casemanager (anders van de organisatie)",
    "email": "e-mailadres van de casemanager (anders van de organisatie)",
    "organisatie": "organisatie die de zaak werkt",
    "gemeente": "naam van de gemeente",
    "schuldeiser": "signaalpartner die het signaal stuurde",
}

# Door cards are small: what fits on an A6 card through the letterbox.
MAX_CHARS = {"brief": 3000, "kaartje": 600, "informatiebrief": 3500}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every known placeholder replaced (unknown ones stay as written)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def paragraphs(text: str, values: dict[str, str]) -> SafeString:
    """Escaped paragraphs (an empty line between them) with line breaks kept inside."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    html = "".join("<p>" + escape(fill(p, values)).replace("\n", "<br>") + "</p>" for p in parts)
    return mark_safe(html)  # noqa: S308 - every part was escaped above


@dataclass(frozen=True)
class Filled:
    """One letter ready for the page: subject, the action box and the body, escaped."""

    subject: str
    action: SafeString
    body: SafeString
    language: str


def values_for(
    *,
    name: str,
    street: str,
    postcode_place: str,
    on: date,
    reference: str,
    caseworker: str,
    phone: str,
    email: str,
    organisation: str,
    municipality: str,
    creditor: str,
) -> dict[str, str]:
    return {
        "naam": name,
        "adres": street,
        "postcode_plaats": postcode_place,
        "datum": on.strftime("%d-%m-%Y"),
        "zaak": reference,
        "casemanager": caseworker,
        "telefoon": phone,
        "email": email,
        "organisatie": organisation,
        "gemeente": municipality,
        "schuldeiser": creditor,
    }
