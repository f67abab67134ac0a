"""The DDAS v1.2 Uitwisselmodel as typed, immutable dataclasses.

Field names are the schema's own names in snake_case (``startdatumMatchingperiode`` →
``startdatum_matchingperiode``, ``kvk-nummer`` → ``kvk_nummer``): the model mirrors a national
standard one-to-one, so its Dutch names are kept rather than translated. ``None`` means "key
absent"; an empty string or empty list is kept as such (the official examples send
``"huisnummertoevoeging": ""``), so reading and writing back loses nothing.

The constructors enforce the rules of the schema that are not mere types: the client's identity
rule (BSN alone, or postcode + house number without BSN), ``minItems``/``uniqueItems`` of the
lists that have them, and time zones on the delivery time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from .vocabulary import (
    EnumContactsoort,
    EnumDagdeel,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
    Geslacht,
)

BSN_LENGTH = 9


class DdasModelError(ValueError):
    """A value that the Uitwisselmodel does not allow; the message says which and why (Dutch)."""


def _unique_non_empty(items: tuple | None, what: str) -> None:
    if items is None:
        return
    if not items:
        raise DdasModelError(f"{what}: minstens één nodig (of het veld weglaten).")
    if len(set(items)) != len(items):
        raise DdasModelError(f"{what}: elk item mag maar één keer voorkomen.")


@dataclass(frozen=True, slots=True)
class Contactpersoon:
    """Contact person at the delivering organisation (contactpersoon)."""

    naam: str | None = None
    telefoonnummer: str | None = None
    email: str | None = None
    functietitel: str | None = None


@dataclass(frozen=True, slots=True)
class AanleverendeOrganisatie:
    """The organisation that delivers to CBS: the municipality or a party acting for it."""

    naam: str | None = None
    kvk_nummer: str | None = None
    contactpersonen: tuple[Contactpersoon, ...] | None = None

    def __post_init__(self) -> None:
        _unique_non_empty(self.contactpersonen, "contactpersonen")


@dataclass(frozen=True, slots=True)
class Client:
    """The person a signal is about. Either a BSN and nothing else, or an address without BSN.

    Meldpunt holds no BSN, so what it writes is always the address form: postcode and house
    number, optionally addition, birth date and sex.
    """

    burgerservicenummer: str | None = None
    geslachtsaanduiding: Geslacht | None = None
    geboortedatum: date | None = None
    postcode: str | None = None
    huisnummer: str | None = None
    huisnummertoevoeging: str | None = None

    def __post_init__(self) -> None:
        if self.burgerservicenummer is not None:
            if len(self.burgerservicenummer) != BSN_LENGTH:
                raise DdasModelError("client: een burgerservicenummer heeft 9 tekens.")
            others = (
                self.geslachtsaanduiding,
                self.geboortedatum,
                self.postcode,
                self.huisnummer,
                self.huisnummertoevoeging,
            )
            if any(v is not None for v in others):
                raise DdasModelError(
                    "client: met een burgerservicenummer mag geen ander cliëntgegeven mee."
                )
        elif self.postcode is None or self.huisnummer is None:
            raise DdasModelError(
                "client: zonder burgerservicenummer zijn postcode en huisnummer verplicht."
            )


@dataclass(frozen=True, slots=True)
class Signaalpartner:
    """The signal partner as DDAS knows it: only its kind."""

    type: EnumSignaalpartner | None = None


@dataclass(frozen=True, slots=True)
class Vroegsignaal:
    """A signal (vroegsignaal) of payment arrears from a signal partner."""

    id: str
    client: Client
    signaalpartner: Signaalpartner
    crisissignaal: bool | None = None
    warme_overdracht: bool | None = None
    bedrag: int | None = None  # whole euros
    ontstaansdatum: date | None = None
    signaaldatum: date | None = None
    status: EnumSignaalstatus | None = None


@dataclass(frozen=True, slots=True)
class Contactpoging:
    """A contact attempt (contactpoging) in a case."""

    soort: EnumContactsoort | None = None
    bereikt: bool | None = None
    datum: date | None = None
    dagdeel: EnumDagdeel | None = None


@dataclass(frozen=True, slots=True)
class Vroegsignaalzaak:
    """A case (vroegsignaalzaak) holding one or more signals, referred to by their ``ID``."""

    resultaat: EnumEindresultaat | None = None
    matchingsdatum: date | None = None
    startdatum_matchingperiode: date | None = None
    einddatum_matchingperiode: date | None = None
    datum_opgepakt: date | None = None
    vroegsignalen: tuple[str, ...] | None = None
    contactpogingen: tuple[Contactpoging, ...] | None = None

    def __post_init__(self) -> None:
        _unique_non_empty(self.vroegsignalen, "vroegsignaalzaak.vroegsignalen")


class LeveringLike(Protocol):
    """What the writer needs of a levering: a :class:`Levering`, or a streaming source's own
    object whose signals and cases are generators (a page is never held whole in memory)."""

    @property
    def teller(self) -> int: ...
    @property
    def gemeentecode(self) -> str: ...
    @property
    def aanleverende_organisatie(self) -> AanleverendeOrganisatie: ...
    @property
    def vroegsignalen(self) -> Iterable[Vroegsignaal] | None: ...
    @property
    def vroegsignaalzaken(self) -> Iterable[Vroegsignaalzaak] | None: ...


@dataclass(frozen=True, slots=True)
class Levering:
    """One municipality's signals and cases over the period (levering)."""

    teller: int
    gemeentecode: str
    aanleverende_organisatie: AanleverendeOrganisatie
    vroegsignalen: tuple[Vroegsignaal, ...] | None = None
    vroegsignaalzaken: tuple[Vroegsignaalzaak, ...] | None = None


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """The delivery's own fields, without the leveringen."""

    code_gegevensleverancier: str
    startdatum_levering: date
    einddatum_levering: date
    aanleverdatum_en_tijd: datetime

    def __post_init__(self) -> None:
        if self.aanleverdatum_en_tijd.utcoffset() is None:
            raise DdasModelError("aanleverdatumEnTijd: een tijdstip met tijdzone is nodig.")


@dataclass(frozen=True, slots=True)
class Uitwisselmodel:
    """One delivery document (Uitwisselmodel): the header and one levering per municipality."""

    header: DocumentHeader
    leveringen: tuple[Levering, ...] | None = None

    def __post_init__(self) -> None:
        _unique_non_empty(self.leveringen, "leveringen")
