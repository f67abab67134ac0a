"""The DDAS v1.2 delivery read from the case file itself: signals, cases and contact attempts.

:class:`CaseFileSource` is the data source of ``POST /ddas/v1/gegevens`` (the default of
``MELDPUNT_DDAS_SOURCE``), of ``meldpunt export-ddas`` and of the download for beleid; one
source, so CBS, the file and the screen always say the same (docs/adr/0107-ddas-from-case-files.md).

What goes in: the signals **received** in the period (local dates), per municipality, except
anonymised ones (retention left no address to send). Order, and so pages: municipality by
gemeentecode, then case, then signal; signals without a case come last in their municipality.
A case goes on the page of its first signal in the delivery and lists its signals in the
delivery (so every reference resolves in the pages CBS combines).

Reads are bulk and streamed: signals come in chunks from one query each (``.iterator``), the
cases of a chunk, their signal ids and attempts in three queries per chunk, never a query per
row; a page is never held whole in memory (the writer pulls from these generators).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from meldpunt.cases.models import Case, ContactAttempt, Signal
from meldpunt.core.anonymous import ANONYMISED
from meldpunt.organisations.models import Municipality
from meldpunt.privacy.services import processing_log_record

from .ddas import mapping
from .ddas.collection import PagePlan
from .ddas.model import (
    AanleverendeOrganisatie,
    Client,
    Contactpersoon,
    Contactpoging,
    DocumentHeader,
    Signaalpartner,
    Vroegsignaal,
    Vroegsignaalzaak,
)
from .ddas.source import UnknownOrganisation
from .ddas.writer import iter_document

ACTIVITY = "ddas"
CHUNK = 2000  # signals per database round trip; cases are fetched per chunk as well

_SIGNAL_COLUMNS = (
    "pk",
    "public_id",
    "case_id",
    "details",
    "partner_type",
    "signal_date",
    "crisis",
    "warm_handover",
    "status",
    "case__status",
    "case__end_result",
    "case__picked_up_on",
)


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) in the local time zone: received within the period."""
    zone = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=zone)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return low, high


def whole_euros(text: Any) -> int | None:
    """An amount as stored ("1234.56") in whole euros, rounded half up (DDAS ``bedrag``)."""
    if text in (None, ""):
        return None
    try:
        return int(Decimal(str(text)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


def _date(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def client_from(person: dict[str, Any]) -> Client:
    """The client as DDAS wants it without a BSN: postcode + house number (+ addition, birth date).

    The product's house letter and addition are one DDAS ``huisnummertoevoeging``: the letter,
    then the addition, a space between when both are there ("A 2").
    """
    addition = " ".join(
        str(part) for part in (person.get("huisletter"), person.get("huisnummertoevoeging")) if part
    )
    return Client(
        postcode=str(person.get("postcode") or "").replace(" ", "").upper(),
        huisnummer=str(person.get("huisnummer") or ""),
        huisnummertoevoeging=addition or None,
        geboortedatum=_date(person.get("geboortedatum")),
    )


def _month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def contact_persons_setting() -> tuple[Contactpersoon, ...] | None:
    """``MELDPUNT_DDAS_CONTACT_PERSONS``: a list of {naam, telefoonnummer, email, functietitel}."""
    people = getattr(settings, "MELDPUNT_DDAS_CONTACT_PERSONS", None) or []
    found = tuple(
        Contactpersoon(
            naam=p.get("naam") or None,
            telefoonnummer=p.get("telefoonnummer") or None,
            email=p.get("email") or None,
            functietitel=p.get("functietitel") or None,
        )
        for p in people
        if isinstance(p, dict)
    )
    return tuple(dict.fromkeys(found)) or None


@dataclass(frozen=True)
class _Slice:
    """One municipality's part of a page: its signals ``[offset, offset + limit)``."""

    municipality: Municipality
    teller: int
    offset: int
    limit: int
    start: date
    end: date


class _PageLevering:
    """A levering whose signals and cases are generators over the case file (LeveringLike)."""

    def __init__(self, source: CaseFileSource, part: _Slice, organisation: AanleverendeOrganisatie):
        self._source = source
        self._part = part
        self.teller = part.teller
        self.gemeentecode = part.municipality.code
        self.aanleverende_organisatie = organisation

    @property
    def vroegsignalen(self) -> Iterator[Vroegsignaal]:
        return self._source._page_signals(self._part)

    @property
    def vroegsignaalzaken(self) -> Iterator[Vroegsignaalzaak]:
        return self._source._page_cases(self._part)


class CaseFileSource:
    """A :class:`~meldpunt.reporting.ddas.source.DeliverySource` over the case file.

    ``municipality_ids`` limits the delivery to those municipalities (a beleid user's own);
    ``None`` is every municipality of the installation (CBS, the command).
    """

    def __init__(self, *, municipality_ids: Sequence[int] | None = None) -> None:
        self.municipality_ids = None if municipality_ids is None else list(municipality_ids)
        self._counts: dict[tuple, list[tuple[Municipality, int]]] = {}

    # -- what the delivery holds ---------------------------------------------------------------

    def organisation_for(self, municipality: Municipality) -> AanleverendeOrganisatie:
        """The aanleverende organisatie: ``MELDPUNT_DDAS_ORGANISATION_NAME`` (a regional meldpunt
        delivering for several municipalities) or else the municipality itself."""
        return AanleverendeOrganisatie(
            naam=settings.MELDPUNT_DDAS_ORGANISATION_NAME or municipality.official_name,
            kvk_nummer=settings.MELDPUNT_DDAS_KVK_NUMBER or None,
            contactpersonen=self._contact_persons,
        )

    @cached_property
    def _contact_persons(self) -> tuple[Contactpersoon, ...] | None:
        return contact_persons_setting()

    def _municipalities(self, organisation: str | None) -> list[Municipality]:
        chosen = Municipality.objects.order_by("code")
        if self.municipality_ids is not None:
            chosen = chosen.filter(pk__in=self.municipality_ids)
        found = list(chosen)
        if organisation is not None:
            found = [m for m in found if self.organisation_for(m).naam == organisation]
            if not found:
                raise UnknownOrganisation(organisation)
        return found

    def signals(self, *, start: date, end: date) -> QuerySet[Signal]:
        low, high = _period_bounds(start, end)
        return Signal.objects.filter(received_at__gte=low, received_at__lt=high).exclude(
            person_index__startswith=ANONYMISED
        )

    def _per_municipality(
        self, start: date, end: date, organisation: str | None
    ) -> list[tuple[Municipality, int]]:
        key = (start, end, organisation)
        if key not in self._counts:
            municipalities = self._municipalities(organisation)
            counts = dict(
                self.signals(start=start, end=end)
                .filter(municipality_id__in=[m.pk for m in municipalities])
                .order_by()
                .values_list("municipality_id")
                .annotate(n=Count("id"))
            )
            self._counts[key] = [(m, counts[m.pk]) for m in municipalities if counts.get(m.pk)]
        return self._counts[key]

    def count_signals(self, *, start: date, end: date, organisation: str | None) -> int:
        return sum(n for _m, n in self._per_municipality(start, end, organisation))

    def _slices(
        self, start: date, end: date, organisation: str | None, offset: int, limit: int
    ) -> list[_Slice]:
        parts, before = [], 0
        for teller, (municipality, n) in enumerate(
            self._per_municipality(start, end, organisation), start=1
        ):
            low, high = max(offset, before), min(offset + limit, before + n)
            if low < high:
                parts.append(_Slice(municipality, teller, low - before, high - low, start, end))
            before += n
        return parts

    def page(
        self, *, start: date, end: date, organisation: str | None, offset: int, limit: int
    ) -> Iterator[_PageLevering]:
        for part in self._slices(start, end, organisation, offset, limit):
            yield _PageLevering(self, part, self.organisation_for(part.municipality))

    def everything(self, *, start: date, end: date, organisation: str | None = None):
        """All leveringen of the period on one "page" (the file and the download)."""
        total = self.count_signals(start=start, end=end, organisation=organisation)
        return self.page(start=start, end=end, organisation=organisation, offset=0, limit=total)

    # -- the rows of one municipality's slice --------------------------------------------------

    def _ordered(self, part: _Slice) -> QuerySet[Signal]:
        return (
            self.signals(start=part.start, end=part.end)
            .filter(municipality_id=part.municipality.pk)
            .order_by(F("case_id").asc(nulls_last=True), "id")
        )

    def _page_signals(self, part: _Slice) -> Iterator[Vroegsignaal]:
        rows = self._ordered(part)[part.offset : part.offset + part.limit]
        for (
            _pk,
            public_id,
            case_id,
            details,
            partner_type,
            signal_date,
            crisis,
            warm,
            status,
            case_status,
            end_result,
            picked_up_on,
        ) in rows.values_list(*_SIGNAL_COLUMNS).iterator(chunk_size=CHUNK):
            details = details or {}
            yield Vroegsignaal(
                id=str(public_id),
                client=client_from(details.get("person", {})),
                signaalpartner=Signaalpartner(mapping.partner_type(partner_type)),
                crisissignaal=crisis,
                warme_overdracht=warm,
                bedrag=whole_euros(details.get("arrears", {}).get("achterstand_bedrag")),
                ontstaansdatum=_date(details.get("arrears", {}).get("achterstand_sinds")),
                signaaldatum=signal_date,
                status=mapping.signal_status_for(
                    stored_status=status,
                    case_status=case_status if case_id else None,
                    case_end_result=end_result or "",
                    picked_up=picked_up_on is not None,
                ),
            )

    def _page_case_ids(self, part: _Slice) -> list[int]:
        """The cases whose first signal in the delivery lies in this slice, in order."""
        ordered = self._ordered(part)
        ids = [
            case_id
            for case_id in dict.fromkeys(
                ordered[part.offset : part.offset + part.limit].values_list("case_id", flat=True)
            )
            if case_id is not None
        ]
        if ids and part.offset:
            before = ordered[part.offset - 1 : part.offset].values_list("case_id", flat=True)
            if list(before) == [ids[0]]:
                ids.pop(0)  # begun on the previous page, sent there
        return ids

    def _page_cases(self, part: _Slice) -> Iterator[Vroegsignaalzaak]:
        ids = self._page_case_ids(part)
        for at in range(0, len(ids), CHUNK):
            chunk = ids[at : at + CHUNK]
            signal_ids: dict[int, list[str]] = defaultdict(list)
            for case_id, public_id in (
                self.signals(start=part.start, end=part.end)
                .filter(case_id__in=chunk)
                .order_by("case_id", "id")
                .values_list("case_id", "public_id")
            ):
                signal_ids[case_id].append(str(public_id))
            attempts: dict[int, list[Contactpoging]] = defaultdict(list)
            for case_id, kind, reached, on, part_of_day in (
                ContactAttempt.objects.filter(case_id__in=chunk)
                .order_by("case_id", "on", "id")
                .values_list("case_id", "kind", "reached", "on", "part_of_day")
            ):
                attempts[case_id].append(
                    Contactpoging(
                        soort=mapping.contact_kind(kind),
                        bereikt=reached,
                        datum=on,
                        dagdeel=mapping.part_of_day(part_of_day) if part_of_day else None,
                    )
                )
            cases = {
                row[0]: row
                for row in Case.objects.filter(pk__in=chunk).values_list(
                    "pk", "opened_at", "picked_up_on", "end_result"
                )
            }
            for case_id in chunk:
                _pk, opened_at, picked_up_on, end_result = cases[case_id]
                matched = timezone.localdate(opened_at)
                first, last = _month_of(matched)
                yield Vroegsignaalzaak(
                    resultaat=mapping.end_result(end_result) if end_result else None,
                    matchingsdatum=matched,
                    startdatum_matchingperiode=first,
                    einddatum_matchingperiode=last,
                    datum_opgepakt=picked_up_on,
                    vroegsignalen=tuple(signal_ids[case_id]) or None,
                    contactpogingen=tuple(attempts[case_id]) or None,
                )

    # -- the processing log --------------------------------------------------------------------

    def record_collection(
        self, *, client_id: str, start: date, end: date, organisation: str | None, plan: PagePlan
    ) -> None:
        """One record for CBS's collection of one page; no subject is named (Meldpunt holds no
        BSN, and DDAS advises against logging individual subjects of a delivery)."""
        record_delivery(
            actor=None,
            name=f"DDAS-levering opgehaald door {client_id} (pagina {plan.current_page})",
            start=start,
            end=end,
        )


def record_delivery(*, actor: Any, name: str, start: date, end: date) -> None:
    """The processing-log record of one DDAS delivery (a collection page, a file, a download)."""
    processing_log_record(
        actor=actor,
        activity=ACTIVITY,
        action="export",
        name=name[:100],
        subject_id=f"ddas-{start:%Y%m%d}-{end:%Y%m%d}",
        subject_type="levering",
        object_type="ddas-levering",
        object_id=uuid.uuid4().hex,
        fields=("postcode", "huisnummer", "huisnummertoevoeging", "geboortedatum", "bedrag"),
    )


def month_bounds(text: str) -> tuple[date, date]:
    """``YYYY-MM`` → the first and last day of that month; ValueError in Dutch otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValueError(f"{text!r} is geen maand; schrijf JJJJ-MM, zoals 2026-03.") from None
    return _month_of(first)


def export_document(
    *,
    start: date,
    end: date,
    supplier_code: str,
    actor: Any,
    municipality_ids: Iterable[int] | None = None,
    what: str = "DDAS-levering als bestand",
) -> Iterator[bytes]:
    """The whole Uitwisselmodel of the period as JSON chunks, logged as one export."""
    source = CaseFileSource(
        municipality_ids=None if municipality_ids is None else list(municipality_ids)
    )
    header = DocumentHeader(
        supplier_code, start, end, timezone.now().astimezone(UTC).replace(microsecond=0)
    )
    record_delivery(actor=actor, name=what, start=start, end=end)
    return iter_document(header, source.everything(start=start, end=end))
