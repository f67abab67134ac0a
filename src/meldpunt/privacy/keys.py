"""The blind-index keys by which people, households and tenancies are found (docs/adr/0002).

Keyed hashes, never plaintext: the same person gives the same key in every app (intake,
registers, access requests), because every app asks this module. Names are normalised by
``meldpunt.core.names`` first, so spelling variants of one name give one key.
"""

from __future__ import annotations

from datetime import date

from meldpunt.core.dates import ISO
from meldpunt.core.names import canonical_surname

from .crypto import blind_index


def person_key(surname: str, prefix: str, birth_date: date | None) -> str:
    """A person: canonical surname (with tussenvoegsel) + birth date; "" without a birth date.

    Without a birth date a surname alone would make every Jansen one person, so such a person
    is found only through the landlord's own reference (``cases.identity``).
    """
    return person_key_of(canonical_surname(surname, prefix), birth_date)


def person_key_of(canonical: str, birth_date: date | None) -> str:
    """``person_key`` of a surname already in canonical form (``core.names.canonical_surname``)."""
    if birth_date is None or not canonical:
        return ""
    return blind_index("person", canonical, ISO[birth_date])


def birth_key(birth_date: date | None) -> str:
    """The birth date alone: tells two people apart when only a reference matched."""
    return blind_index("birth", ISO[birth_date]) if birth_date else ""


def household_key(postcode: str, number: int | str, letter: str = "", addition: str = "") -> str:
    """An address (postcode + house number + letter + addition): one household's dwelling."""
    return blind_index("household", postcode, str(number), letter or "", addition or "")
