"""Write the Uitwisselmodel as JSON: one streaming writer, used for files and for CBS pages.

:func:`iter_document` yields the document as UTF-8 byte chunks while it pulls signals and cases
from the leveringen it is given, so a page of 50,000 signals is never held whole in memory.
:func:`document_bytes` and :func:`document_to_dict` are the same writer, joined.

Keys appear in the order of the official examples; ``None`` fields are left out; dates are
``YYYY-MM-DD`` and the delivery time is written in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (the form the
schema describes). Output is compact JSON, UTF-8, no ASCII escapes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from .model import (
    AanleverendeOrganisatie,
    Client,
    Contactpersoon,
    Contactpoging,
    DocumentHeader,
    LeveringLike,
    Uitwisselmodel,
    Vroegsignaal,
    Vroegsignaalzaak,
)

CHUNK_SIZE = 64 * 1024

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def format_date(value: date) -> str:
    return value.isoformat()


def format_datetime(value: datetime) -> str:
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        value = format_datetime(value)
    elif isinstance(value, date):
        value = format_date(value)
    out[key] = value


def contact_person_dict(person: Contactpersoon) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "naam", person.naam)
    _put(out, "telefoonnummer", person.telefoonnummer)
    _put(out, "email", person.email)
    _put(out, "functietitel", person.functietitel)
    return out


def organisation_dict(org: AanleverendeOrganisatie) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "naam", org.naam)
    _put(out, "kvk-nummer", org.kvk_nummer)
    if org.contactpersonen is not None:
        out["contactpersonen"] = [contact_person_dict(p) for p in org.contactpersonen]
    return out


# The per-item writers below are on the hot path (a page writes 50,000 signals and their cases):
# fields are tested inline rather than through _put, with the same result (keys in the examples'
# order, None left out, dates as YYYY-MM-DD); tests/test_ddas_document.py checks round trips.


def client_dict(client: Client) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if client.burgerservicenummer is not None:
        out["burgerservicenummer"] = client.burgerservicenummer
    if client.geslachtsaanduiding is not None:
        out["geslachtsaanduiding"] = client.geslachtsaanduiding
    if client.geboortedatum is not None:
        out["geboortedatum"] = client.geboortedatum.isoformat()
    if client.postcode is not None:
        out["postcode"] = client.postcode
    if client.huisnummer is not None:
        out["huisnummer"] = client.huisnummer
    if client.huisnummertoevoeging is not None:
        out["huisnummertoevoeging"] = client.huisnummertoevoeging
    return out


def signal_dict(signal: Vroegsignaal) -> dict[str, Any]:
    out: dict[str, Any] = {"ID": signal.id}
    if signal.crisissignaal is not None:
        out["crisissignaal"] = signal.crisissignaal
    if signal.warme_overdracht is not None:
        out["warmeOverdracht"] = signal.warme_overdracht
    if signal.bedrag is not None:
        out["bedrag"] = signal.bedrag
    if signal.ontstaansdatum is not None:
        out["ontstaansdatum"] = signal.ontstaansdatum.isoformat()
    if signal.signaaldatum is not None:
        out["signaaldatum"] = signal.signaaldatum.isoformat()
    if signal.status is not None:
        out["status"] = signal.status
    kind = signal.signaalpartner.type
    out["signaalpartner"] = {} if kind is None else {"type": kind}
    out["client"] = client_dict(signal.client)
    return out


def attempt_dict(attempt: Contactpoging) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if attempt.soort is not None:
        out["soort"] = attempt.soort
    if attempt.bereikt is not None:
        out["bereikt"] = attempt.bereikt
    if attempt.datum is not None:
        out["datum"] = attempt.datum.isoformat()
    if attempt.dagdeel is not None:
        out["dagdeel"] = attempt.dagdeel
    return out


def case_dict(case: Vroegsignaalzaak) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if case.resultaat is not None:
        out["resultaat"] = case.resultaat
    for key, value in (
        ("matchingsdatum", case.matchingsdatum),
        ("startdatumMatchingperiode", case.startdatum_matchingperiode),
        ("einddatumMatchingperiode", case.einddatum_matchingperiode),
        ("datumOpgepakt", case.datum_opgepakt),
    ):
        if value is not None:
            out[key] = value.isoformat()
    if case.vroegsignalen is not None:
        out["vroegsignalen"] = [{"ID": signal_id} for signal_id in case.vroegsignalen]
    if case.contactpogingen is not None:
        out["contactpogingen"] = [attempt_dict(a) for a in case.contactpogingen]
    return out


def header_dict(header: DocumentHeader) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "codeGegevensleverancier", header.code_gegevensleverancier)
    _put(out, "startdatumLevering", header.startdatum_levering)
    _put(out, "einddatumLevering", header.einddatum_levering)
    _put(out, "aanleverdatumEnTijd", header.aanleverdatum_en_tijd)
    return out


class _Chunks:
    """Collects JSON text and hands it out in chunks of about ``size`` bytes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> bytes | None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.size:
            return self.take()
        return None

    def take(self) -> bytes:
        data = "".join(self.parts).encode()
        self.parts.clear()
        self.length = 0
        return data


def _iter_array(chunks: _Chunks, items: Iterable[Any], to_dict) -> Iterator[bytes]:
    first = True
    for item in items:
        out = chunks.add(("" if first else ",") + _encode(to_dict(item)))
        first = False
        if out:
            yield out
    if out := chunks.add("]"):
        yield out


def _iter_document(chunks: _Chunks, header: DocumentHeader, leveringen: Iterable[LeveringLike]):
    head = _encode(header_dict(header))
    iterator = iter(leveringen)
    first = next(iterator, None)
    if first is None:  # "leveringen" has minItems 1: no leveringen, no key
        if out := chunks.add(head):
            yield out
        return
    if out := chunks.add(head[:-1] + ',"leveringen":['):
        yield out
    levering: LeveringLike | None = first
    index = 0
    while levering is not None:
        fields = {
            "teller": levering.teller,
            "gemeentecode": levering.gemeentecode,
            "aanleverendeOrganisatie": organisation_dict(levering.aanleverende_organisatie),
        }
        text = ("," if index else "") + _encode(fields)[:-1]
        if out := chunks.add(text):
            yield out
        if levering.vroegsignalen is not None:
            if out := chunks.add(',"vroegsignalen":['):
                yield out
            yield from _iter_array(chunks, levering.vroegsignalen, signal_dict)
        if levering.vroegsignaalzaken is not None:
            if out := chunks.add(',"vroegsignaalzaken":['):
                yield out
            yield from _iter_array(chunks, levering.vroegsignaalzaken, case_dict)
        if out := chunks.add("}"):
            yield out
        index += 1
        levering = next(iterator, None)
    if out := chunks.add("]}"):
        yield out


def iter_document(
    header: DocumentHeader, leveringen: Iterable[LeveringLike], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The Uitwisselmodel document as UTF-8 JSON chunks."""
    chunks = _Chunks(chunk_size)
    yield from _iter_document(chunks, header, leveringen)
    if chunks.parts:
        yield chunks.take()


def iter_gegevens_response(
    header: DocumentHeader,
    leveringen: Iterable[LeveringLike],
    *,
    paginering: Mapping[str, int] | None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The body of a ``POST /gegevens`` answer: ``{"gegevens": …, "paginering": …}``."""
    chunks = _Chunks(chunk_size)
    if out := chunks.add('{"gegevens":'):
        yield out
    yield from _iter_document(chunks, header, leveringen)
    tail = "}" if paginering is None else ',"paginering":' + _encode(dict(paginering)) + "}"
    if out := chunks.add(tail):
        yield out
    if chunks.parts:
        yield chunks.take()


def document_bytes(document: Uitwisselmodel) -> bytes:
    return b"".join(iter_document(document.header, document.leveringen or ()))


def document_to_dict(document: Uitwisselmodel) -> dict[str, Any]:
    return json.loads(document_bytes(document))
