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

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from meldpunt.cases.models import Case, ContactAttempt, Signal
from meldpunt.core.anonymous import ANONYMISED
from meldpunt.core.ids import dashed
from meldpunt.organisations.models import Municipality
from meldpunt.privacy.crypto import keyring
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


def _sql(text: str) -> str:
    """A query over the case file's tables by their real names; ``{ids}`` takes integer ids."""
    names = {"signal": Signal._meta.db_table, "case": Case._meta.db_table,
             "attempt": ContactAttempt._meta.db_table}  # fmt: skip
    return text.format(ids="{ids}", **{k: connection.ops.quote_name(v) for k, v in names.items()})


# The heavy columns by primary key, through the driver: see _fetch.
# No join: with a join PostgreSQL hashed the whole case table for every chunk; two look-ups by
# primary key stay index scans however large the tables grow.
_SIGNAL_SQL = (
    "SELECT id, details, partner_type, signal_date, crisis, warm_handover, status"
    " FROM {signal} WHERE id IN ({ids})"
)
_CASE_STATE_SQL = "SELECT id, status, end_result, picked_up_on FROM {case} WHERE id IN ({ids})"
_ATTEMPT_SQL = (
    'SELECT case_id, kind, reached, "on", part_of_day FROM {attempt}'
    ' WHERE case_id IN ({ids}) ORDER BY case_id, "on", id'
)
_CASE_SQL = "SELECT id, opened_at, picked_up_on, end_result FROM {case} WHERE id IN ({ids})"


def _fetch(template: str, ids: Sequence[int]) -> list[tuple]:
    """Rows for a chunk of integer ids, as the database driver gives them.

    Written out rather than ``filter(pk__in=…)``: Django prepared each of the 2,000 ids and
    converted every value of every row, together over a third of an export's time. The ids are
    our own integers (written into the query as such); values are converted here where needed
    (:func:`_as_date`, :func:`_local_date`, booleans as 0/1 on SQLite, details decrypted).
    """
    if not ids:
        return []
    sql = _sql(template).format(ids=",".join(str(int(i)) for i in ids))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


_DETAILS = Signal._meta.get_field("details")


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """A values_list query's rows as the database driver gives them.

    Django's per-value converters are skipped (they were a third of an export's time): the
    details are decrypted here with the key ring in one place, dates come as text from SQLite
    (:func:`_as_date`), booleans as 0/1. Only for columns this module converts itself.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _uuid_text(value: Any) -> str:
    """A UUID column as text: PostgreSQL gives a UUID, SQLite its 32 hex digits."""
    return dashed(value) if isinstance(value, str) and len(value) == 32 else str(value)


def _local_date(value: Any, zone) -> date:
    """A stored moment's local date: PostgreSQL gives an aware datetime, SQLite UTC text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).date()


@lru_cache(maxsize=4096)
def _matching(matched: date) -> tuple[date, date, date]:
    """The matching period of a case matched on ``matched``: its calendar month."""
    first, last = _month_of(matched)
    return first, last, matched


_end_result = cache(mapping.end_result)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# The same few stored values on every row: translated once per value, not once per row.
_partner = cache(lambda stored: Signaalpartner(mapping.partner_type(stored)))
_status = cache(
    lambda status, case_status, end_result, picked_up: mapping.signal_status_for(
        stored_status=status,
        case_status=case_status,
        case_end_result=end_result,
        picked_up=picked_up,
    )
)


@lru_cache(maxsize=8192)  # keyed by date too: bounded
def _attempt(kind: str, reached: bool, on: date, part_of_day: str) -> Contactpoging:
    return Contactpoging(
        soort=mapping.contact_kind(kind),
        bereikt=reached,
        datum=on,
        dagdeel=mapping.part_of_day(part_of_day) if part_of_day else None,
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

    @cached_property
    def _keys(self) -> list[tuple[int, int | None, str]]:
        return self._source._keys(self._part)

    @property
    def vroegsignalen(self) -> Iterator[Vroegsignaal]:
        return self._source._page_signals(self._keys)

    @property
    def vroegsignaalzaken(self) -> Iterator[Vroegsignaalzaak]:
        return self._source._page_cases(self._part, self._keys)


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
        self, start: date, end: date, organisation: str | None, *, fresh: bool = False
    ) -> list[tuple[Municipality, int]]:
        """Signals per municipality. Counted afresh by :meth:`count_signals` (the start of every
        request; the endpoint's source lives as long as the process) and reused by the page
        that follows it, so the pages and ``totalRecords`` come from one count."""
        key = (start, end, organisation)
        if fresh or key not in self._counts:
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
        return sum(n for _m, n in self._per_municipality(start, end, organisation, fresh=True))

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

    def _keys(self, part: _Slice) -> list[tuple[int, int | None, str]]:
        """(id, case id, public id) of the slice's signals in delivery order.

        One narrow query: the database sorts and skips small rows, not the encrypted details,
        which are then read by primary key in chunks. 50,000 keys are a few MB.
        """
        rows = self._ordered(part).values_list("id", "case_id", "public_id")
        return [
            (pk, case_id, _uuid_text(public_id))
            for pk, case_id, public_id in _raw_rows(rows[part.offset : part.offset + part.limit])
        ]

    def _page_signals(self, keys: list[tuple[int, int | None, str]]) -> Iterator[Vroegsignaal]:
        ring, column = keyring(), _DETAILS.associated_data()
        for at in range(0, len(keys), CHUNK):
            chunk = keys[at : at + CHUNK]
            rows = {row[0]: row for row in _fetch(_SIGNAL_SQL, [k[0] for k in chunk])}
            states = {
                row[0]: row[1:]
                for row in _fetch(_CASE_STATE_SQL, list({k[1] for k in chunk} - {None}))
            }
            for pk, case_id, public_id in chunk:
                _pk, blob, partner_type, signal_date, crisis, warm, status = rows[pk]
                case_status, end_result, picked_up_on = states.get(case_id, (None, "", None))
                details = json.loads(ring.decrypt(bytes(blob), column)) if blob else {}
                arrears = details.get("arrears") or {}
                yield Vroegsignaal(
                    id=public_id,
                    client=client_from(details.get("person") or {}),
                    signaalpartner=_partner(partner_type),
                    crisissignaal=bool(crisis),
                    warme_overdracht=bool(warm),
                    bedrag=whole_euros(arrears.get("achterstand_bedrag")),
                    ontstaansdatum=_date(arrears.get("achterstand_sinds")),
                    signaaldatum=_as_date(signal_date),
                    status=_status(status, case_status, end_result or "", picked_up_on is not None),
                )

    def _page_cases(
        self, part: _Slice, keys: list[tuple[int, int | None, str]]
    ) -> Iterator[Vroegsignaalzaak]:
        signal_ids: dict[int, list[str]] = {}
        for _pk, case_id, public_id in keys:
            if case_id is not None:
                signal_ids.setdefault(case_id, []).append(public_id)
        ids = list(signal_ids)
        if ids and part.offset:
            before = self._ordered(part)[part.offset - 1 : part.offset].values_list("case_id")
            if list(before) == [(ids[0],)]:
                ids.pop(0)  # begun on the previous page and sent there
        if ids and keys[-1][1] == ids[-1]:
            # The last case may go on past this page: it lists all its signals in the delivery.
            signal_ids[ids[-1]] = [
                str(public_id)
                for (public_id,) in self.signals(start=part.start, end=part.end)
                .filter(municipality_id=part.municipality.pk, case_id=ids[-1])
                .order_by("id")
                .values_list("public_id")
            ]
        zone = timezone.get_current_timezone()
        for at in range(0, len(ids), CHUNK):
            chunk = ids[at : at + CHUNK]
            attempts: dict[int, list[Contactpoging]] = defaultdict(list)
            for case_id, kind, reached, on, part_of_day in _fetch(_ATTEMPT_SQL, chunk):
                attempts[case_id].append(_attempt(kind, bool(reached), _as_date(on), part_of_day))
            cases = {row[0]: row for row in _fetch(_CASE_SQL, chunk)}
            for case_id in chunk:
                _pk, opened_at, picked_up_on, end_result = cases[case_id]
                first, last, matched = _matching(_local_date(opened_at, zone))
                yield Vroegsignaalzaak(
                    resultaat=_end_result(end_result) if end_result else None,
                    matchingsdatum=matched,
                    startdatum_matchingperiode=first,
                    einddatum_matchingperiode=last,
                    datum_opgepakt=_as_date(picked_up_on),
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
