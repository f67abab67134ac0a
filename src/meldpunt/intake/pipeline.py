"""The intake engine: one code path for the form, files and the API.

A batch of rows is checked, then written in ONE transaction: signals (encrypted), matched or
new cases, automatic triage and routing, status history and the processing log. A crash
between batches leaves whole batches only; running the same delivery again skips what was
already received (``Signal.intake_key`` is unique per landlord).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt.cases import identity
from meldpunt.cases.filing import (
    SIGNAL_COLUMNS,
    CaseFileBatch,
    CaseRef,
    InFlight,
    PersonRef,
    TenancyRef,
)
from meldpunt.cases.frame import FrameSignal, Placer
from meldpunt.cases.models import Signal
from meldpunt.cases.selectors import frame_in_force
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.dates import ISO
from meldpunt.core.db import db_value, select_in
from meldpunt.core.ids import dashed, ordered_hex_ids
from meldpunt.core.names import canonical_surname
from meldpunt.organisations.models import District, Organisation, PartnerType
from meldpunt.organisations.selectors import RoutingTable
from meldpunt.privacy.crypto import blind_index
from meldpunt.privacy.keys import birth_key, household_key, person_key, person_key_of
from meldpunt.privacy.services import Processing, processing_log_record_many
from meldpunt.registries.base import UNKNOWN, PersonQuery, RegistryUnavailable, registry

from . import rules
from .models import ImportLines, ImportRowResult, IntakeConfiguration, SignalImport
from .spec import (
    CO_TENANT_FIELDS,
    FIELDS_BY_NAME,
    PERSON_FIELDS,
    arrears_fields_for,
    parse_signal,
)

ACCEPTED = "accepted"
REFUSED = "refused"
_UNAVAILABLE: dict = {}  # marks "the register could not be asked" (identity, never filled)


@dataclass
class RowOutcome:
    row: int  # in a file, the line where the record starts (files.SignalFile)
    status: str
    errors: list[str] = field(default_factory=list)  # each "Label: message", for people
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    signal_status: str = ""
    already_received: bool = False
    public_ref: str = ""  # the signal's id as 32 hex digits (made into a UUID when asked)
    reference: str = ""  # the partner's reference as delivered (for the upload report)

    @property
    def public_id(self) -> uuid.UUID | None:
        return uuid.UUID(hex=self.public_ref) if self.public_ref else None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "status": self.status, "errors": self.errors}
        if self.status == ACCEPTED:
            data["signalStatus"] = self.signal_status
            data["alreadyReceived"] = self.already_received
        return data


def delivery_key(values: dict[str, Any], surname: str | None = None) -> str:
    """Two deliveries are the same signal when the person, reference, amount and dates are.

    The person is part of it: a landlord that numbers its references by dwelling sends the next
    tenant's signal with the same reference, and that is another signal (docs/adr/0008).
    ``surname`` is the canonical surname when the caller has it already.
    """
    parts = [values["partner_referentie"], str(values["achterstand_bedrag"])]
    for name in ("signaaldatum", "achterstand_sinds", "postcode", "geboortedatum"):
        value = values.get(name)
        parts.append(ISO[value] if isinstance(value, date) else str(value or ""))
    if surname is None:
        surname = canonical_surname(values["achternaam"], values.get("tussenvoegsel") or "")
    parts.append(surname)
    return blind_index("delivery", *parts)


_DETAILS = Signal._meta.get_field("details")
# The person's fields whose parsed value JSON does not take as it is (a date); the others are
# text, whole numbers or None (their kinds in ``intake.spec``).
_PLAIN_KINDS = ("date", "amount", "months")  # parsed as a date or a Decimal
_PERSON_PLAIN = tuple(n for n in PERSON_FIELDS if FIELDS_BY_NAME[n].kind in _PLAIN_KINDS)


def _plain(value: Any) -> Any:
    """JSON-ready form of a parsed value (dates and amounts as text, as the encoder writes them)."""
    if isinstance(value, date):
        return ISO[value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _delivered(values: dict[str, Any]) -> tuple[str, ...]:
    """Names of the fields a row delivered (for the processing log), in the format's order
    (``parse_signal`` fills ``values`` in that order, with the format's fields only)."""
    # Identity, not equality: 0 and Decimal(0) equal False, yet an amount of nought was sent.
    # Only text is compared with "" (a Decimal compared with text asks the numbers ABCs).
    return tuple([
        name for name, value in values.items()
        if value is not None and value is not False and (value or not isinstance(value, str))
    ])  # fmt: skip


def field_label(name: str) -> str:
    """The label people know a field by (the form's and the format's), not its column name."""
    spec = FIELDS_BY_NAME.get(name)
    return spec.label if spec is not None else name


def labelled(name: str, message: str) -> str:
    """A message with the label of its field in front, unless it names the field already."""
    label = field_label(name)
    return message if message.startswith(label) else f"{label}: {message}"


def _flatten(errors: dict[str, list[str]]) -> list[str]:
    return [labelled(name, message) for name, messages in errors.items() for message in messages]


def delivered_reference(raw: dict[str, Any]) -> str:
    """The partner's reference of a row as delivered, also when the row is refused: what the
    clerk searches for in the landlord's system (docs/adr/0116)."""
    value = raw.get("partner_referentie")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a reference typed as a number in Excel
    return " ".join(str(value if value is not None else "").split())[:60]


# Plain text of the choices the writer uses once per row (enum look-ups cost per access).
_RECEIVED, _ASSIGNED = str(CaseStatus.RECEIVED), str(CaseStatus.ASSIGNED)
_NOT_YET = str(SignalStatus.NOT_YET_PICKED_UP)
_PICKED_UP = str(SignalStatus.PICKED_UP)
# Where warm hand-over sits in a prepared row's columns (they start at partner_reference).
_WARM = SIGNAL_COLUMNS.index("warm_handover") - SIGNAL_COLUMNS.index("partner_reference")
_IDS_PER_ROW = 5  # signal; then what a row may create: a person, a co-tenant, a tenancy, a case


class _Row(NamedTuple):
    """A checked row, ready to write: keys made, personal data sealed, target group decided.

    A tuple of plain values, so a batch is cheap to hand from a preparing process to the writer.
    """

    number: int
    key: str  # delivery key (Signal.intake_key)
    household: str
    person: str  # the person's key (privacy.keys.person_key), "" without a birth date
    birth: str  # the birth key, "" without a birth date
    co_tenant: tuple[str, str] | None  # a co-tenant's (person key, birth key)
    district_id: int
    municipality_id: int
    routing_reason: str
    amount: Decimal
    crisis: bool
    refusal: str  # why the signal is outside the target group, "" when inside
    ids: tuple[str, ...]  # _IDS_PER_ROW new hex ids for what this row may create
    columns: tuple  # the prepared signal columns, in SIGNAL_COLUMNS order from partner_reference
    fields: tuple[str, ...]  # names of the fields delivered (for the processing log)
    # What the assessment frame reads of the signal, as stored: the arrears amount, months in
    # arrears and monthly rent (each None when not delivered), and the birth date.
    frame: tuple[Any, Any, Any, Any]
    # Where the assessment frame puts a new case with this signal alone (queue, first action,
    # rule), worked out while preparing; the writer checks that the frame and day still hold.
    placed: tuple[str, str, str]
    # What a register that needs it (the BRP) is asked about the person; None otherwise.
    query: PersonQuery | None = None

    @property
    def reference(self) -> str:
        return self.columns[0]


@dataclass
class Prepared:
    """A batch after the checks that need no database: what to write and what was refused."""

    checked: list[_Row]
    refused: dict[int, RowOutcome]


@dataclass
class Decided:
    """A batch decided by the rules and ready to write (``IntakeRun.commit``)."""

    outcomes: dict[int, RowOutcome]
    file: CaseFileBatch | None  # None: nothing new to file (every row refused or a repeat)
    log_items: list[Processing]
    now: datetime
    signals: dict[str, tuple[str, str]]  # delivery key -> (signal id, status) of new signals
    in_flight: InFlight | None = None  # what it adds, as a next batch's look-ups find it

    def stage(self) -> None:
        """The new rows' primary keys and COPY data now (PostgreSQL): a next batch can be
        decided against this one before it is committed (``IntakeRun.decide``'s ``after``),
        and its writer only sends it (``intake.ahead``)."""
        if self.file is not None:
            self.in_flight = self.file.in_flight(self.now)
            self.file.stage()


class IntakeRun:
    """Receives rows from one landlord; call ``process`` per batch."""

    def __init__(
        self,
        *,
        partner: Organisation,
        by: Any,
        channel: str,
        batch: SignalImport | None = None,
        today: date | None = None,
    ) -> None:
        self.partner = partner
        self.partner_type = partner.partner_type or PartnerType.HUUR
        self._arrears_fields = arrears_fields_for(self.partner_type)
        self.by = by if getattr(by, "is_authenticated", False) else None
        self.channel = channel
        self.batch = batch
        self.today = today or timezone.localdate()
        self.routing = RoutingTable()
        self.districts: dict[int, District] = {d.pk: d for d in self.routing.all_districts()}
        # The partner signals for its own municipalities, each with its own thresholds for
        # this kind of partner (art. 3.3: the municipality sets them).
        self.municipalities = set(partner.municipality_ids())
        self.configs = {
            m: IntakeConfiguration.current(m, self.partner_type) for m in self.municipalities
        }
        self.thresholds = {
            m: rules.Thresholds(
                months_of_arrears=c.months_of_arrears,
                minimum_amount=c.minimum_amount,
                repeat_window_days=c.repeat_window_days,
            )
            for m, c in self.configs.items()
        }
        self._window = max((c.repeat_window_days for c in self.configs.values()), default=92)
        self.registry = registry()
        # The frame in force when the run starts: the preparing process places each row as a
        # case of its own with it (no database there); the filing uses that only while the
        # frame in force and the day are still the same (``cases.filing``).
        self._placer = Placer(frame_in_force(), timezone.localdate())
        self._partner_kind = str(self.partner_type)
        self._needs_people = getattr(self.registry, "needs_people", False)
        # A new case's (status, track, provider, reason) by what decides it (``_open``), and
        # the decision text by the case's routing reason: the same few for a whole file.
        self._tracks: dict[tuple, tuple[str, str, int | None, str]] = {}
        self._joined: dict[str, str] = {}
        # What the register rule decides for a person the register does not know (most rows).
        self._not_known = rules.register_outcome(
            deceased=UNKNOWN.deceased, not_resident=UNKNOWN.not_resident, source=UNKNOWN.source
        )
        self._field_sets: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._by_id = self.by.pk if self.by else None
        self._partner_id = partner.pk
        self._providers = {pk: d.provider_id for pk, d in self.districts.items()}
        self._municipality_of = {pk: d.municipality_id for pk, d in self.districts.items()}

    # -- checks without the database -------------------------------------------------------

    def check(self, number: int, raw: dict[str, Any]) -> tuple[dict, District, str] | RowOutcome:
        """Parse and validate one row: (values, district, routing reason) or a refusal."""
        if "__error__" in raw:
            return RowOutcome(number, REFUSED, [raw["__error__"]], {"": [raw["__error__"]]})
        values, errors = parse_signal(raw, today=self.today, partner_type=self.partner_type)
        district = None
        reason = ""
        if values.get("postcode") and "postcode" not in errors:
            district, reason = self.routing.district(values["postcode"])
            if district is None:
                errors.setdefault("postcode", []).append(
                    "Deze postcode ligt buiten de gemeenten van het Meldpunt; het Meldpunt kan dit "
                    "signaal niet ontvangen."
                )
            elif district.municipality_id not in self.municipalities:
                errors.setdefault("postcode", []).append(
                    f"Deze postcode ligt in de {district.municipality.official_name}, waarvoor u "
                    "niet bij dit Meldpunt signaleert."
                )
        if errors:
            return RowOutcome(
                number, REFUSED, _flatten(errors), errors, reference=delivered_reference(raw)
            )
        return values, district, reason

    def target_group_refusal(self, values: dict[str, Any], municipality_id: int) -> str:
        """Art. 4 (``rules.target_group``): why the signal is outside the group, "" inside."""
        amount = values["achterstand_bedrag"]
        if self.partner_type == PartnerType.HUUR:
            rent = values.get("maandhuur")
            months = amount / rent if rent else None
        else:
            months = values.get("maanden_achterstand")
        return rules.target_group(
            amount=amount,
            months=months,
            unreachable=bool(values.get("onbereikbaar_in_incasso")),
            multiple_problems=bool(values.get("meerdere_problemen")),
            crisis=bool(values.get("crisissignaal")),
            thresholds=self.thresholds[municipality_id],
        ).reason

    # -- one batch, one transaction --------------------------------------------------------

    def process(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> list[RowOutcome]:
        return self.write(self.prepare(rows))

    def prepare(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> Prepared:
        """Check rows, derive their keys and seal their personal data; no database access.

        Kept apart from ``write`` so the writer's transaction holds locks only while it writes,
        and so a large file can be prepared in a second process (``intake.parallel``).
        """
        refused: dict[int, RowOutcome] = {}
        checked: list[_Row] = []
        rows = list(rows)
        # _IDS_PER_ROW new ids for each row, in tuples (zip of one iterator, n times over).
        ids_of = list(
            zip(*[iter(ordered_hex_ids(_IDS_PER_ROW * len(rows)))] * _IDS_PER_ROW, strict=True)
        )
        arrears_fields = self._arrears_fields
        for index, (number, raw) in enumerate(rows):
            result = self.check(number, raw)
            if isinstance(result, RowOutcome):
                refused[number] = result
                continue
            v, district, reason = result
            crisis = bool(v.get("crisissignaal"))
            household = household_key(
                v["postcode"], v["huisnummer"], v.get("huisletter"), v.get("huisnummertoevoeging")
            )
            surname = canonical_surname(v["achternaam"], v.get("tussenvoegsel") or "")
            person = person_key_of(surname, v.get("geboortedatum"))
            key = delivery_key(v, surname)
            # The details as JSON takes them: only dates and amounts need their text.
            details_of_person = dict(zip(PERSON_FIELDS, map(v.get, PERSON_FIELDS), strict=True))
            for name in _PERSON_PLAIN:
                details_of_person[name] = _plain(details_of_person[name])
            document = {
                "person": details_of_person,
                "arrears": {k: _plain(v.get(k)) for k in arrears_fields},
            }
            co_tenant = None
            if v.get("medehuurder_achternaam"):
                co_birth = v["medehuurder_geboortedatum"]
                co_tenant = (
                    person_key(
                        v["medehuurder_achternaam"], v.get("medehuurder_tussenvoegsel"), co_birth
                    ),
                    birth_key(co_birth),
                )
                document["co_tenant"] = {k: _plain(v.get(k)) for k in CO_TENANT_FIELDS}
            details = _DETAILS.seal(document)
            arrears, born = document["arrears"], document["person"]["geboortedatum"]
            checked.append(
                _Row(
                    number,
                    key,
                    household,
                    person,
                    birth_key(v.get("geboortedatum")),
                    co_tenant,
                    district.pk,
                    district.municipality_id,
                    reason,
                    v["achterstand_bedrag"],
                    crisis,
                    self.target_group_refusal(v, district.municipality_id),
                    ids_of[index],
                    (  # in database form (dates as ISO text): the writer passes them on as is
                        v["partner_referentie"],
                        bytes(details),
                        household,
                        person,
                        key,
                        ISO[v.get("signaaldatum") or self.today],
                        ISO[v["poging_persoonlijk_contact"]],
                        ISO[v["gewezen_op_schuldhulp"]],
                        ISO[v["schriftelijke_herinnering"]],
                        ISO[v["informatieplicht_voldaan"]],
                        crisis,
                        warm := bool(v.get("warme_overdracht")),
                        bool(v.get("onbereikbaar_in_incasso")),
                        bool(v.get("meerdere_problemen")),
                    ),
                    # One shared tuple per set of names: sent once per batch to the writer.
                    self._field_sets.setdefault(names := _delivered(v), names),
                    (
                        arrears["achterstand_bedrag"],
                        arrears.get("maanden_achterstand"),
                        arrears.get("maandhuur"),
                        born,
                    ),
                    # (From the parsed values: the same as placing the stored signal.)
                    self._placer.one(
                        partner_type=self._partner_kind,
                        crisis=crisis,
                        warm_handover=warm,
                        amount=v["achterstand_bedrag"],
                        months=v.get("maanden_achterstand")
                        if "maanden_achterstand" in arrears
                        else None,
                        rent=v.get("maandhuur") if "maandhuur" in arrears else None,
                        born=v.get("geboortedatum"),
                    ),
                    PersonQuery(
                        person,
                        v["achternaam"],
                        v.get("tussenvoegsel") or "",
                        v.get("geboortedatum"),
                        v["postcode"],
                        v["huisnummer"],
                        v.get("huisletter") or "",
                        v.get("huisnummertoevoeging") or "",
                    )
                    if self._needs_people and person
                    else None,
                )
            )
        return Prepared(checked, refused)

    def write(self, prepared: Prepared) -> list[RowOutcome]:
        """Decide and write one batch in one transaction; every row's outcome in row order."""
        outcomes = dict(prepared.refused)
        answers = self.register_answers(prepared)
        for attempt in range(3):
            try:
                written = self._write(prepared.checked, dict(outcomes), answers)
                break
            except IntegrityError:
                # A concurrent delivery of the same signal won the race: look again.
                if attempt == 2:
                    raise
        outcomes.update(written)
        return [outcomes[n] for n in sorted(outcomes)]

    def register_answers(self, prepared: Prepared) -> dict | None:
        """The register's answers for a register that needs names and addresses (the BRP),
        asked before the write transaction: a network call must never hold the write lock.
        None for a register that answers by key (asked while deciding)."""
        if not self._needs_people:
            return None
        queries = [row.query for row in prepared.checked if row.query is not None]
        try:
            return self.registry.lookup_people(queries) if queries else {}
        except RegistryUnavailable:
            return _UNAVAILABLE

    @transaction.atomic
    def _write(
        self, checked: list[_Row], refused: dict[int, RowOutcome], answers: dict | None = None
    ) -> dict[int, RowOutcome]:
        """Write one batch; ``refused`` are the rows that failed the checks (for the report)."""
        plan = self.decide(checked, refused, answers)
        self.commit(plan)
        return plan.outcomes

    def decide(
        self,
        checked: list[_Row],
        refused: dict[int, RowOutcome],
        answers: dict | None = None,
        *,
        after: Decided | None = None,
        lock: bool = True,
    ) -> Decided:
        """Decide one batch by the rules against the case file, and make what to write.

        ``after``: a batch decided before this one (``stage``) and not yet committed: the
        look-ups find what it adds as they would after its commit. ``lock``: lock the open
        cases the look-ups find (without, ``commit`` locks them and raises
        ``filing.CaseFileChanged`` if one changed).
        """
        outcomes: dict[int, RowOutcome] = refused
        now = timezone.now()
        # Every row of the batch carries the same time: converted to database form once, so
        # the rows below are complete in database form (``ready`` for insert_rows).
        at = db_value(Signal, "received_at", now)
        existing: dict[str, tuple[Any, str]] = {
            key: (public_id, status)
            for key, public_id, status in select_in(
                Signal,
                ("intake_key", "public_id", "status"),
                {"partner": self.partner.pk},
                "intake_key",
                [r.key for r in checked],
            )
        }
        if after is not None:
            existing.update(
                (r.key, after.signals[r.key]) for r in checked if r.key in after.signals
            )
        fresh: list[_Row] = []
        first_of: dict[str, int] = {}  # delivery key -> row number of its first fresh row
        twins: list[tuple[RowOutcome, int]] = []
        for row in checked:
            if row.key in first_of:
                # The same delivery twice in this batch: report the first row's signal.
                outcome = RowOutcome(
                    row.number,
                    ACCEPTED,
                    already_received=True,
                    public_ref=_hex(existing[row.key][0]),
                    reference=row.reference,
                )
                outcomes[row.number] = outcome
                twins.append((outcome, first_of[row.key]))
            elif row.key in existing:
                public_id, status = existing[row.key]
                outcomes[row.number] = RowOutcome(
                    row.number,
                    ACCEPTED,
                    signal_status=status,
                    already_received=True,
                    public_ref=_hex(public_id),
                    reference=row.reference,
                )
            else:
                existing[row.key] = (row.ids[0], "")
                first_of[row.key] = row.number
                fresh.append(row)
        if not fresh:
            return Decided(outcomes, None, [], now, {})

        file, log_items = self._file(fresh, outcomes, at, now, answers, after, lock)
        for outcome, first in twins:
            outcome.signal_status = outcomes[first].signal_status
        signals = {r.key: (r.ids[0], outcomes[r.number].signal_status) for r in fresh}
        return Decided(outcomes, file, log_items, now, signals)

    def commit(self, decided: Decided) -> None:
        """Write a decided batch: the case file, the processing log, the upload report."""
        if decided.file is not None:
            decided.file.write()  # also puts each new case in its queue (the assessment frame)
            processing_log_record_many(
                actor=self.by,
                activity="intake",
                action="create",
                name=f"signal.receive.{self.channel}",
                items=decided.log_items,
                started_at=decided.now,
            )
        self._count(decided.outcomes)

    def _file(
        self,
        fresh: list[_Row],
        outcomes: dict[int, RowOutcome],
        at: Any,
        now,
        answers,
        after: Decided | None,
        lock: bool,
    ) -> tuple[CaseFileBatch, list[Processing]]:
        """Decide each fresh row by the rules and file it into the case file (one batch)."""
        # New persons, tenancies and cases take the ids after each row's own signal id.
        ids = iter([i for row in fresh for i in row.ids[1:]])
        file = CaseFileBatch(partner_id=self._partner_id, by_id=self._by_id, at=at, new_ids=ids,
                             placer=self._placer, after=after and after.in_flight, lock=lock)  # fmt: skip
        unavailable = answers is _UNAVAILABLE
        if unavailable:
            answers = {}
        elif answers is None:  # a register that answers by key (the local one)
            answers = self.registry.lookup_many({r.person for r in fresh if r.person})
        # The register may know the delivered name as another name of the person (P1).
        keys = {
            r.number: (answers[r.person].person_index or r.person) if r.person in answers
            else r.person
            for r in fresh
        }  # fmt: skip
        co_keys = {r.co_tenant[0] for r in fresh if r.co_tenant}
        by_key = file.people_by_key({*keys.values(), *co_keys})
        by_reference = file.people_by_reference({r.columns[0] for r in fresh})
        new_by_reference: dict[str, PersonRef] = {}
        people: list[PersonRef] = []
        for row in fresh:
            key = keys[row.number]
            found = by_key.get(key) if key else None
            ref = row.columns[0]  # the partner's reference
            reference = new_by_reference.get(ref) or by_reference.get(ref)
            rule = identity.recognise(
                by_name=found is not None,
                reference_birth_key=reference.birth_key if reference is not None else None,
                birth_key=row.birth,
            )
            if rule == "P1":
                person = found
            elif rule == "P2":
                person = reference
            else:
                person = file.new_person(key, row.birth)
                if key:
                    by_key[key] = person
            if rule != "P3":
                new_by_reference[ref] = person
            people.append(person)
        co_tenants: list[PersonRef | None] = []
        for row in fresh:
            if not row.co_tenant:
                co_tenants.append(None)
                continue
            co_key, co_birth = row.co_tenant
            co = by_key.get(co_key)
            if co is None:
                co = by_key[co_key] = file.new_person(co_key, co_birth)
            co_tenants.append(co)

        known_ids = {p.pk for p in [*people, *filter(None, co_tenants)] if p.pk is not None}
        tenancy_of = file.tenancies(p.pk for p in people if p.pk is not None)
        since = now - timedelta(days=self._window)
        # Where each municipality's repeat window starts (once a batch, not once a row).
        windows = {m: now - timedelta(days=c.repeat_window_days) for m, c in self.configs.items()}
        earlier = file.recent_amounts([t.pk for t in tenancy_of.values()], since)
        open_case = file.open_cases(known_ids)
        new_tenancy: dict[int, TenancyRef] = {}
        # (id(PersonRef), municipality) -> the case this batch opened for that person there
        new_case: dict[tuple[int, int], CaseRef] = {}
        batch_amounts: dict[int, list[tuple[Any, Decimal]]] = {}  # id(TenancyRef) -> amounts

        def case_of(person: PersonRef | None, municipality_id: int) -> CaseRef | None:
            if person is None:
                return None
            if person.pk is not None and (person.pk, municipality_id) in open_case:
                return open_case[(person.pk, municipality_id)]
            return new_case.get((id(person), municipality_id))

        partner_id, by_id, channel = self._partner_id, self._by_id, self.channel
        partner_type = self.partner_type
        batch_id = self.batch.pk if self.batch else None
        frame_signal, file_signal = self._frame_signal, file.file_signal
        log_items = []
        for row, person, co in zip(fresh, people, co_tenants, strict=True):
            signal_id, reference = row.ids[0], row.columns[0]
            tenancy = tenancy_of.get(person.pk) if person.pk is not None else None
            if tenancy is None:
                tenancy = new_tenancy.get(id(person))
            if tenancy is None:
                tenancy = new_tenancy[id(person)] = file.new_tenancy(
                    person, reference, row.household, row.municipality_id
                )
            # The amounts of this tenancy's recent signals: none for most rows (a new tenancy).
            before = earlier.get(tenancy.pk) if tenancy.pk is not None else None
            in_batch = batch_amounts.get(id(tenancy))
            if before is None and in_batch is None:
                amounts: list[Decimal] = []
                batch_amounts[id(tenancy)] = [(now, row.amount)]
            else:
                window = windows[row.municipality_id]
                amounts = [amount for received, amount in (*(before or ()), *(in_batch or ()))
                           if received >= window]  # fmt: skip
                if in_batch is None:
                    batch_amounts[id(tenancy)] = [(now, row.amount)]
            status, decision, case = self._decide(row, person, co, answers, amounts, case_of, file,
                                                  new_case, unavailable)  # fmt: skip
            if in_batch is not None:
                in_batch.append((now, row.amount))
            # What the assessment frame reads of the signal: only for a case this batch opens.
            facts = (
                partial(frame_signal, row.frame, row.crisis, row.columns[_WARM])
                if case is not None and case.row is not None
                else None
            )
            file_signal([signal_id, person.subject, partner_id, by_id, channel, partner_type,
                         batch_id, row.district_id, row.municipality_id, at, status,
                         decision[:200], None, None, None, *row.columns],
                        case, person, tenancy, facts, row.placed, row.amount)  # fmt: skip
            outcomes[row.number] = RowOutcome(
                row.number, ACCEPTED, signal_status=status, public_ref=signal_id,
                reference=reference,
            )  # fmt: skip
            log_items.append(Processing(dashed(person.subject), "signal", dashed(signal_id),
                                        row.fields))  # fmt: skip
        return file, log_items

    def _frame_signal(self, frame: tuple, crisis: bool, warm_handover: bool) -> FrameSignal:
        """What the assessment frame reads of a row's signal (``_Row.frame``)."""
        amount, months, rent, born = frame
        return FrameSignal(
            self._partner_id,
            self._partner_kind,
            crisis,
            warm_handover,
            {"achterstand_bedrag": amount, "maanden_achterstand": months, "maandhuur": rent},
            {"geboortedatum": born},
        )

    def _decide(self, row, person, co, answers, amounts, case_of, file, new_case, unavailable):
        """One row's status, decision text and case, by the rules (intake/rules.py)."""
        if row.refusal:  # T1, T7: outside the target group (decided while preparing)
            return str(SignalStatus.UNJUSTIFIED), row.refusal, None
        answer = answers.get(row.person, UNKNOWN)
        if answer is UNKNOWN and not unavailable:
            register = self._not_known
        else:
            register = rules.register_outcome(
                deceased=answer.deceased,
                not_resident=answer.not_resident,
                source=answer.source,
                unavailable=unavailable,
            )
        if register.stops:  # G1, G2
            return register.status, register.reason, None
        config = self.configs[row.municipality_id]
        repeat = rules.repeat(row.amount, amounts, window_days=config.repeat_window_days)
        here = row.municipality_id
        own = case_of(person, here)
        if repeat.stops:  # R2: kept with the person's open case, if any, as a repeat
            return repeat.status, repeat.reason, own
        rule, case = rules.case_to_join(own, (case_of(co, here),) if co is not None else ())
        if rule == "M2":
            file.add_member(case, person)
        elif rule == "M3":  # a new case for this person's household
            case = self._open(row, person, answer.benefit_recipient, file, hold=unavailable)
            new_case[(id(person), here)] = case
        if co is not None and case_of(co, here) is None:
            file.add_co_tenant(case, co)  # a co-tenant without a case of their own joins here
            new_case.setdefault((id(co), here), case)
        if row.crisis:
            file.mark_crisis(case)
        status = _PICKED_UP if case.picked_up else _NOT_YET
        if register.row == "G4":
            return status, "opgenomen in zaak; " + register.reason, case
        decision = self._joined.get(case.routing_reason)
        if decision is None:
            decision = self._joined[case.routing_reason] = (
                "opgenomen in zaak; " + case.routing_reason
            )
        return status, decision, case

    def _open(
        self, row: _Row, person: PersonRef, benefit_recipient: bool, file, *, hold: bool = False
    ) -> CaseRef:
        key = (benefit_recipient, row.municipality_id, row.district_id, row.routing_reason, hold)
        track_of = self._tracks.get(key)
        if track_of is None:
            track_of = self._tracks[key] = self._track(row, benefit_recipient, hold)
        status, track, provider_id, reason = track_of
        return file.open_case(
            person=person,
            household=row.household,
            district_id=row.district_id,
            municipality_id=row.municipality_id,
            crisis=row.crisis,
            status=status,
            track=track,
            provider_id=provider_id,
            routing_reason=reason,
        )

    def _track(
        self, row: _Row, benefit_recipient: bool, hold: bool
    ) -> tuple[str, str, int | None, str]:
        """A new case's status, track, provider and routing reason (rules F1-F3)."""
        rule, track, provider_id = rules.first_track(
            benefit_recipient=benefit_recipient,
            auto_route=self.configs[row.municipality_id].auto_route and not hold,
            district_provider=self._providers[row.district_id],
        )
        status, reason = _RECEIVED, row.routing_reason
        if hold:
            reason = f"register niet bereikbaar; {row.routing_reason}"[:200]
        if rule == "F1":
            status = _ASSIGNED
            reason = "automatisch: uitkeringsgerechtigde → Geregelde betaling (gemeente)"
        elif rule == "F2":
            status = _ASSIGNED
            provider = self.districts[row.district_id].provider.name
            reason = f"automatisch: {row.routing_reason} → {provider}"[:200]
        return status, track, provider_id, reason

    def _count(self, outcomes: dict[int, RowOutcome]) -> None:
        """Keep what the upload report needs: every row's line and reference (one record per
        batch), and the rows that were not simply accepted with their reasons per field."""
        if self.batch is None or not outcomes:
            return
        numbers = sorted(outcomes)
        ImportLines.objects.bulk_create(
            [
                ImportLines(
                    batch=self.batch,
                    first_line=numbers[0],
                    lines=numbers,
                    references=[outcomes[n].reference for n in numbers],
                )
            ],
            ignore_conflicts=True,  # a batch retried after a lost race writes the same record
        )
        results = []
        for o in outcomes.values():
            if o.status == REFUSED or o.already_received:
                results.append(
                    ImportRowResult(
                        batch=self.batch,
                        row=o.row,
                        reference=o.reference,
                        status="refused" if o.status == REFUSED else "repeat",
                        errors=[
                            {"field": name, "message": message}
                            for name, messages in o.field_errors.items()
                            for message in messages
                        ],
                    )
                )
        ImportRowResult.objects.bulk_create(results, batch_size=500, ignore_conflicts=True)


def _hex(value: Any) -> str:
    """32 hex digits of a UUID as ``select_in`` returns it."""
    return value.hex if isinstance(value, uuid.UUID) else value


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    """The rows in lists of ``size`` (one transaction each)."""
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield chunk
