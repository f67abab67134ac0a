"""What triage asks the municipality's registers, as a protocol with pluggable adapters.

An adapter answers for many people at once (one call per batch). Answers are keyed by the
person's blind index, never by plaintext: ``lookup_many`` knows only that index (the local
register stores nothing else), ``lookup_people`` also gets what the signal says about the
person (name, birth date, address), which a real register needs to find them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PersonQuery:
    """One person to look up, as the signal describes them (personal data: never log it)."""

    key: str  # the person's blind index; answers are keyed by it
    surname: str  # geslachtsnaam as delivered, without tussenvoegsel
    prefix: str  # tussenvoegsel/voorvoegsel ("" if none)
    birth_date: date | None
    postcode: str  # "1012AB"
    house_number: int | None
    house_letter: str
    addition: str  # huisnummertoevoeging

    def __repr__(self) -> str:
        # Tracebacks and debuggers print reprs: only the blind index, never the name.
        return f"PersonQuery(key={self.key!r})"


@dataclass(frozen=True)
class RegistryAnswer:
    """What the BRP and the benefits administration say about one person."""

    deceased: bool = False
    not_resident: bool = False
    benefit_recipient: bool = False
    source: str = ""
    # The key the register knows the person by (their own name + birth date) when the name
    # asked about is another name of theirs, such as a married name: the intake then recognises
    # the person by this key (cases.identity P1). "" when it is the key asked about.
    person_index: str = ""
    # Surnames the register knows for the person (own geslachtsnaam with voorvoegsel, and the
    # partner's, which the person may use: naamgebruik), so the intake can match a maiden or
    # married-name variant. Personal data: never log it.
    names: tuple[str, ...] = ()
    municipality_code: str = ""  # gemeente van inschrijving (CBS code, 4 digits)

    def __repr__(self) -> str:
        return (
            f"RegistryAnswer(deceased={self.deceased}, not_resident={self.not_resident}, "
            f"benefit_recipient={self.benefit_recipient}, source={self.source!r}, "
            f"person_index={self.person_index!r}, names=<{len(self.names)}>, "
            f"municipality_code={self.municipality_code!r})"
        )


UNKNOWN = RegistryAnswer(source="niet gevonden")


class RegistryUnavailable(Exception):
    """The register could not be reached or answered badly (timeout, refused, 5xx, bad body).

    The intake lets the signal wait for triage: nothing is lost. The message says what went
    wrong in Dutch, never whom it was about.
    """


class Registry(Protocol):
    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        """Answers for the people found; people not found are absent from the result."""
        ...

    def lookup_people(self, queries: Iterable[PersonQuery]) -> dict[str, RegistryAnswer]:
        """Answers keyed by ``PersonQuery.key``; people not found are absent.

        Raises RegistryUnavailable when the register cannot answer.
        """
        ...


@cache
def registry() -> Registry:
    return import_string(settings.MELDPUNT_REGISTRY)()
