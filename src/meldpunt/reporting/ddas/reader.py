"""Read an Uitwisselmodel JSON document into the typed model, strictly and without loss.

Everything the schema forbids is refused with a Dutch message that names the place
(``leveringen[0].vroegsignalen[3].client``): unknown keys, wrong types, values outside the
vocabularies, dates that are not ``YYYY-MM-DD``, amounts that are not whole euros, duplicate keys
in one object, and the rules :mod:`.model` enforces. Nothing is guessed or repaired.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from .model import (
    AanleverendeOrganisatie,
    Client,
    Contactpersoon,
    Contactpoging,
    DdasModelError,
    DocumentHeader,
    Levering,
    Signaalpartner,
    Uitwisselmodel,
    Vroegsignaal,
    Vroegsignaalzaak,
)
from .vocabulary import (
    EnumContactsoort,
    EnumDagdeel,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
    Geslacht,
)

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})\Z", re.ASCII
)


class DdasReadError(ValueError):
    """The document does not follow the Uitwisselmodel; ``path`` says where."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path or "(document)"
        self.message = message
        super().__init__(f"{self.path}: {message}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DdasReadError("", f"het veld {key!r} komt twee keer voor in één object.")
        out[key] = value
    return out


class _Object:
    """One JSON object being read: takes its fields one by one, then refuses what is left."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise DdasReadError(path, "een object ({...}) verwacht.")
        self.value = dict(value)
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def take(self, key: str, required: bool = False) -> Any:
        if key not in self.value:
            if required:
                raise DdasReadError(self.at(key), "dit veld is verplicht.")
            return None
        return self.value.pop(key)

    def string(self, key: str, required: bool = False) -> str | None:
        value = self.take(key, required)
        if value is not None and not isinstance(value, str):
            raise DdasReadError(self.at(key), "tekst verwacht.")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.take(key)
        if value is not None and not isinstance(value, bool):
            raise DdasReadError(self.at(key), "true of false verwacht.")
        return value

    def integer(
        self, key: str, required: bool = False, what: str = "een geheel getal"
    ) -> int | None:
        value = self.take(key, required)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise DdasReadError(self.at(key), f"{what} verwacht.")
        return value

    def date(self, key: str, required: bool = False) -> date | None:
        value = self.string(key, required)
        if value is None:
            return None
        if not _DATE.match(value):
            raise DdasReadError(self.at(key), f"datum als JJJJ-MM-DD verwacht, niet {value!r}.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise DdasReadError(self.at(key), f"{value!r} is geen bestaande datum.") from None

    def datetime(self, key: str, required: bool = False) -> datetime | None:
        value = self.string(key, required)
        if value is None:
            return None
        if not _DATETIME.match(value):
            raise DdasReadError(
                self.at(key), f"datum en tijd als JJJJ-MM-DDTHH:MM:SSZ verwacht, niet {value!r}."
            )
        try:
            return datetime.fromisoformat(value.upper())
        except ValueError:
            raise DdasReadError(self.at(key), f"{value!r} is geen bestaand tijdstip.") from None

    def enum(self, key: str, enum: type[E]) -> E | None:
        value = self.string(key)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            raise DdasReadError(
                self.at(key), f"{value!r} is geen waarde van {enum.__name__} (DDAS v1.2)."
            ) from None

    def array(
        self, key: str, read: Callable[[Any, str], T], required: bool = False
    ) -> tuple[T, ...] | None:
        value = self.take(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise DdasReadError(self.at(key), "een lijst ([...]) verwacht.")
        return tuple(read(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value))

    def done(self) -> None:
        if self.value:
            names = ", ".join(sorted(self.value))
            raise DdasReadError(self.path, f"onbekend veld: {names}.")


def _build(path: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except DdasModelError as exc:
        raise DdasReadError(path, str(exc)) from None


def _contact_person(value: Any, path: str) -> Contactpersoon:
    o = _Object(value, path)
    person = Contactpersoon(
        naam=o.string("naam"),
        telefoonnummer=o.string("telefoonnummer"),
        email=o.string("email"),
        functietitel=o.string("functietitel"),
    )
    o.done()
    return person


def _organisation(value: Any, path: str) -> AanleverendeOrganisatie:
    o = _Object(value, path)
    naam, kvk = o.string("naam"), o.string("kvk-nummer")
    persons = o.array("contactpersonen", _contact_person)
    o.done()
    return _build(
        path, lambda: AanleverendeOrganisatie(naam=naam, kvk_nummer=kvk, contactpersonen=persons)
    )


def _client(value: Any, path: str) -> Client:
    o = _Object(value, path)
    fields = {
        "burgerservicenummer": o.string("burgerservicenummer"),
        "geslachtsaanduiding": o.enum("geslachtsaanduiding", Geslacht),
        "geboortedatum": o.date("geboortedatum"),
        "postcode": o.string("postcode"),
        "huisnummer": o.string("huisnummer"),
        "huisnummertoevoeging": o.string("huisnummertoevoeging"),
    }
    o.done()
    return _build(path, lambda: Client(**fields))


def _partner(value: Any, path: str) -> Signaalpartner:
    o = _Object(value, path)
    partner = Signaalpartner(type=o.enum("type", EnumSignaalpartner))
    o.done()
    return partner


def _signal(value: Any, path: str) -> Vroegsignaal:
    o = _Object(value, path)
    signal_id = o.string("ID", required=True)
    fields = {
        "crisissignaal": o.boolean("crisissignaal"),
        "warme_overdracht": o.boolean("warmeOverdracht"),
        "bedrag": o.integer("bedrag", what="een bedrag in hele euro's"),
        "ontstaansdatum": o.date("ontstaansdatum"),
        "signaaldatum": o.date("signaaldatum"),
        "status": o.enum("status", EnumSignaalstatus),
    }
    partner = _partner(o.take("signaalpartner", required=True), o.at("signaalpartner"))
    client = _client(o.take("client", required=True), o.at("client"))
    o.done()
    return Vroegsignaal(id=signal_id, client=client, signaalpartner=partner, **fields)


def _signal_reference(value: Any, path: str) -> str:
    o = _Object(value, path)
    signal_id = o.string("ID", required=True)
    o.done()
    return signal_id


def _attempt(value: Any, path: str) -> Contactpoging:
    o = _Object(value, path)
    attempt = Contactpoging(
        soort=o.enum("soort", EnumContactsoort),
        bereikt=o.boolean("bereikt"),
        datum=o.date("datum"),
        dagdeel=o.enum("dagdeel", EnumDagdeel),
    )
    o.done()
    return attempt


def _case(value: Any, path: str) -> Vroegsignaalzaak:
    o = _Object(value, path)
    fields = {
        "resultaat": o.enum("resultaat", EnumEindresultaat),
        "matchingsdatum": o.date("matchingsdatum"),
        "startdatum_matchingperiode": o.date("startdatumMatchingperiode"),
        "einddatum_matchingperiode": o.date("einddatumMatchingperiode"),
        "datum_opgepakt": o.date("datumOpgepakt"),
        "vroegsignalen": o.array("vroegsignalen", _signal_reference),
        "contactpogingen": o.array("contactpogingen", _attempt),
    }
    o.done()
    return _build(path, lambda: Vroegsignaalzaak(**fields))


def _levering(value: Any, path: str) -> Levering:
    o = _Object(value, path)
    teller = o.integer("teller", required=True)
    gemeentecode = o.string("gemeentecode", required=True)
    org = _organisation(
        o.take("aanleverendeOrganisatie", required=True), o.at("aanleverendeOrganisatie")
    )
    signals = o.array("vroegsignalen", _signal)
    cases = o.array("vroegsignaalzaken", _case)
    o.done()
    return Levering(
        teller=teller,
        gemeentecode=gemeentecode,
        aanleverende_organisatie=org,
        vroegsignalen=signals,
        vroegsignaalzaken=cases,
    )


def read_document(source: bytes | str | Mapping[str, Any]) -> Uitwisselmodel:
    """Parse a document (UTF-8 bytes, text or already-parsed JSON) into the model."""
    if isinstance(source, bytes | str):
        try:
            text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except UnicodeDecodeError:
            raise DdasReadError("", "het bestand is geen UTF-8.") from None
        except json.JSONDecodeError as exc:
            raise DdasReadError(
                "", f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}."
            ) from None
    else:
        data = source
    o = _Object(data, "")
    code = o.string("codeGegevensleverancier", required=True)
    start = o.date("startdatumLevering", required=True)
    end = o.date("einddatumLevering", required=True)
    delivered = o.datetime("aanleverdatumEnTijd", required=True)
    leveringen = o.array("leveringen", _levering)
    o.done()
    header = _build("", lambda: DocumentHeader(code, start, end, delivered))
    return _build("leveringen", lambda: Uitwisselmodel(header=header, leveringen=leveringen))
