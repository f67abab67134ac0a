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
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from meldpunt.cases.models import Case, CaseStatusChange, Track
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.db import db_value, insert_rows, select_in
from meldpunt.core.ids import dashed, ordered_hex_ids
from meldpunt.organisations.models import District, Organisation
from meldpunt.organisations.selectors import RoutingTable
from meldpunt.privacy.crypto import blind_index
from meldpunt.privacy.keys import household_key, person_key
from meldpunt.privacy.services import Processing, processing_log_record_many
from meldpunt.registries.base import UNKNOWN, registry

from .models import IntakeConfiguration, Signal, SignalImport
from .spec import ARREARS_FIELDS, FIELDS_BY_NAME, PERSON_FIELDS, parse_signal
from .vocabulary import SignalStatus

ACCEPTED = "accepted"
REFUSED = "refused"


@dataclass
class RowOutcome:
    row: int
    status: str
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    signal_status: str = ""
    already_received: bool = False
    public_ref: str = ""  # the signal's id as 32 hex digits (made into a UUID when asked)

    @property
    def public_id(self) -> uuid.UUID | None:
        return uuid.UUID(hex=self.public_ref) if self.public_ref else None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "status": self.status, "errors": self.errors}
        if self.status == ACCEPTED:
            data["signalStatus"] = self.signal_status
            data["alreadyReceived"] = self.already_received
        return data


def delivery_key(values: dict[str, Any]) -> str:
    """Two deliveries are the same signal when reference, amount and dates are the same."""
    parts = [values["partner_referentie"], str(values["achterstand_bedrag"])]
    for name in ("signaaldatum", "achterstand_sinds", "postcode"):
        value = values.get(name)
        parts.append(value.isoformat() if isinstance(value, date) else str(value or ""))
    return blind_index("delivery", *parts)


_DETAILS = Signal._meta.get_field("details")


def _plain(value: Any) -> Any:
    """JSON-ready form of a parsed value (dates and amounts as text, as the encoder writes them)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _delivered(values: dict[str, Any]) -> tuple[str, ...]:
    """Names of the fields a row delivered (for the processing log)."""
    return tuple(k for k in FIELDS_BY_NAME if values.get(k) not in (None, "", False))


def _flatten(errors: dict[str, list[str]]) -> list[str]:
    return [f"{name}: {message}" for name, messages in errors.items() for message in messages]


class _CaseRef:
    """A case a batch writes to: an open case found in the database, or one this batch opens."""

    __slots__ = ("crisis", "pk", "routing_reason", "row")

    def __init__(self, pk: int | None, crisis: bool, routing_reason: str, row: list | None = None):
        self.pk = pk
        self.crisis = crisis
        self.routing_reason = routing_reason
        self.row = row  # the new case's column values (CASE_COLUMNS), None for an open case


# Column order of the rows the intake inserts (core.db.insert_rows); the writer gives every
# value in database form (ids as hex, dates as ISO text, times through db_value).
SIGNAL_COLUMNS = (
    "public_id", "subject_id", "partner_id", "submitted_by_id", "channel", "batch_id",
    "district_id", "received_at", "status", "decision", "case_id",
    # from the prepared row (``_Row.columns``):
    "partner_reference", "details", "household_index", "person_index", "intake_key",
    "signal_date", "contact_attempted_on", "referred_to_debt_help_on", "written_reminder_on",
    "tenant_informed_on", "crisis", "warm_handover", "unreachable_in_collection",
    "multiple_problems",
)  # fmt: skip
CASE_COLUMNS = (
    "public_id", "subject_id", "household_index", "district_id", "crisis", "routing_reason",
    "status", "track", "provider_id", "opened_at", "assigned_at", "picked_up_on", "closed_at",
    "end_result",
)  # fmt: skip
HISTORY_COLUMNS = (
    "case_id", "from_status", "to_status", "by_id", "by_organisation_id", "reason", "at",
)  # fmt: skip
_CASE_CRISIS, _CASE_STATUS = CASE_COLUMNS.index("crisis"), CASE_COLUMNS.index("status")
# Plain text of the choices the writer uses once per row (enum look-ups cost per access).
_RECEIVED, _ASSIGNED = str(CaseStatus.RECEIVED), str(CaseStatus.ASSIGNED)
_GEREGELDE_BETALING, _VROEG_EROPAF = str(Track.GEREGELDE_BETALING), str(Track.VROEG_EROPAF)


class _Row(NamedTuple):
    """A checked row, ready to write: keys made, personal data sealed, target group decided.

    A tuple of plain values, so a batch is cheap to hand from a preparing process to the writer.
    """

    number: int
    key: str  # delivery key (Signal.intake_key)
    household: str
    person: str
    district_id: int
    routing_reason: str
    amount: Decimal
    crisis: bool
    refusal: str  # why the signal is outside the target group, "" when inside
    ids: tuple[str, str, str, str]  # hex ids: signal, its subject, a new case, its subject
    columns: tuple  # the prepared signal columns, in SIGNAL_COLUMNS order from partner_reference
    fields: tuple[str, ...]  # names of the fields delivered (for the processing log)


@dataclass
class Prepared:
    """A batch after the checks that need no database: what to write and what was refused."""

    checked: list[_Row]
    refused: dict[int, RowOutcome]


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
        self.by = by if getattr(by, "is_authenticated", False) else None
        self.channel = channel
        self.batch = batch
        self.today = today or timezone.localdate()
        self.config = IntakeConfiguration.current()
        self.routing = RoutingTable()
        self.districts: dict[int, District] = {d.pk: d for d in self.routing.all_districts()}
        self.registry = registry()
        self._auto_reasons: dict[tuple[int, str], str] = {}
        self._field_sets: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._by_id = self.by.pk if self.by else None
        self._partner_id = partner.pk
        self._auto_route = self.config.auto_route
        self._providers = {pk: d.provider_id for pk, d in self.districts.items()}

    # -- checks without the database -------------------------------------------------------

    def check(self, number: int, raw: dict[str, Any]) -> tuple[dict, District, str] | RowOutcome:
        """Parse and validate one row: (values, district, routing reason) or a refusal."""
        if "__error__" in raw:
            return RowOutcome(number, REFUSED, [raw["__error__"]])
        values, errors = parse_signal(raw, today=self.today)
        district = None
        reason = ""
        if values.get("postcode") and "postcode" not in errors:
            district, reason = self.routing.district(values["postcode"])
            if district is None:
                errors.setdefault("postcode", []).append(
                    "Deze postcode ligt buiten de gemeente; het Meldpunt kan dit signaal niet ontvangen."
                )
        if errors:
            return RowOutcome(number, REFUSED, _flatten(errors), errors)
        return values, district, reason

    def target_group_refusal(self, values: dict[str, Any]) -> str:
        """Art. 4: enough arrears and a reason to act. Returns why not, or "" when in the group."""
        amount: Decimal = values["achterstand_bedrag"]
        if amount < self.config.minimum_amount:
            return (
                f"doelgroep: achterstand onder het minimumbedrag van € {self.config.minimum_amount}"
            )
        rent = values.get("maandhuur")
        if (
            values.get("onbereikbaar_in_incasso")
            or values.get("meerdere_problemen")
            or values.get("crisissignaal")
            or rent is None
            or amount >= self.config.months_of_arrears * rent
        ):
            return ""
        return (
            f"doelgroep: minder dan {self.config.months_of_arrears} maanden huurachterstand, "
            "huurder bereikbaar en geen meerdere problemen"
        )

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
        new_ids = ordered_hex_ids(4 * len(rows))
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
            person = person_key(v["achternaam"], v.get("tussenvoegsel"), v.get("geboortedatum"))
            key = delivery_key(v)
            details = _DETAILS.seal(
                {
                    "person": {k: _plain(v.get(k)) for k in PERSON_FIELDS},
                    "arrears": {k: _plain(v.get(k)) for k in ARREARS_FIELDS},
                }
            )
            checked.append(
                _Row(
                    number,
                    key,
                    household,
                    person,
                    district.pk,
                    reason,
                    v["achterstand_bedrag"],
                    crisis,
                    self.target_group_refusal(v),
                    tuple(new_ids[4 * index : 4 * index + 4]),
                    (  # in database form (dates as ISO text): the writer passes them on as is
                        v["partner_referentie"],
                        bytes(details),
                        household,
                        person,
                        key,
                        (v.get("signaaldatum") or self.today).isoformat(),
                        v["poging_persoonlijk_contact"].isoformat(),
                        v["gewezen_op_schuldhulp"].isoformat(),
                        v["schriftelijke_herinnering"].isoformat(),
                        v["informatieplicht_voldaan"].isoformat(),
                        crisis,
                        bool(v.get("warme_overdracht")),
                        bool(v.get("onbereikbaar_in_incasso")),
                        bool(v.get("meerdere_problemen")),
                    ),
                    # One shared tuple per set of names: sent once per batch to the writer.
                    self._field_sets.setdefault(names := _delivered(v), names),
                )
            )
        return Prepared(checked, refused)

    def write(self, prepared: Prepared) -> list[RowOutcome]:
        outcomes = dict(prepared.refused)
        for attempt in range(3):
            try:
                written = self._write(prepared.checked, dict(outcomes))
                break
            except IntegrityError:
                # A concurrent delivery of the same signal won the race: look again.
                if attempt == 2:
                    raise
        outcomes.update(written)
        return [outcomes[n] for n in sorted(outcomes)]

    @transaction.atomic
    def _write(self, checked: list[_Row], refused: dict[int, RowOutcome]) -> dict[int, RowOutcome]:
        """Write one batch; ``refused`` are the rows that failed the checks (for the report)."""
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
                )
            else:
                existing[row.key] = (row.ids[0], "")
                first_of[row.key] = row.number
                fresh.append(row)
        if not fresh:
            self._count(outcomes)
            return outcomes

        answers = self.registry.lookup_many(r.person for r in fresh)
        open_cases = self._open_cases({r.household for r in fresh})
        # This landlord's highest recent amount per household, including rows of this batch, so
        # a batch decides repeats exactly as the same rows sent one by one would.
        by_case = self._last_amounts([c.pk for c in open_cases.values()])
        last_amounts: dict[str, Decimal] = {
            household: by_case[case.pk]
            for household, case in open_cases.items()
            if case.pk in by_case
        }

        new_cases: dict[str, _CaseRef] = {}
        signals: list[list] = []
        signal_cases: list[_CaseRef | None] = []
        crisis_cases: set[int] = set()
        partner_id = self.partner.pk
        by_id = self.by.pk if self.by else None
        batch_id = self.batch.pk if self.batch else None
        for row in fresh:
            answer = answers.get(row.person, UNKNOWN)
            case: _CaseRef | None = None
            decision = ""
            if row.refusal:
                status, decision = SignalStatus.UNJUSTIFIED, row.refusal
            elif answer.deceased:
                status, decision = SignalStatus.DECEASED, f"register ({answer.source}): overleden"
            elif answer.not_resident:
                status, decision = (
                    SignalStatus.NOT_A_RESIDENT,
                    f"register ({answer.source}): geen inwoner",
                )
            else:
                status = SignalStatus.NOT_YET_PICKED_UP
                case = open_cases.get(row.household) or new_cases.get(row.household)
                if case is not None:  # an open case, or one opened earlier in this batch
                    previous = last_amounts.get(row.household)
                    if previous is not None and row.amount <= previous:
                        status = SignalStatus.REPEAT
                        decision = (
                            "herhaalde melding: bedrag niet hoger dan een eerder signaal van deze "
                            f"verhuurder binnen {self.config.repeat_window_days} dagen"
                        )
                    else:
                        last_amounts[row.household] = row.amount
                    if row.crisis and not case.crisis:
                        case.crisis = True
                        if case.pk is not None:
                            crisis_cases.add(case.pk)
                        else:
                            case.row[_CASE_CRISIS] = True
                else:
                    case = self._new_case(row, answer.benefit_recipient, at)
                    new_cases[row.household] = case
                    last_amounts[row.household] = row.amount
                if not decision:
                    decision = "opgenomen in zaak; " + case.routing_reason
            signals.append(
                [
                    row.ids[0],
                    row.ids[1],
                    partner_id,
                    by_id,
                    self.channel,
                    batch_id,
                    row.district_id,
                    at,
                    status,
                    decision[:200],
                    None,  # case_id, once the new cases have ids
                    *row.columns,
                ]
            )
            signal_cases.append(case)
            outcomes[row.number] = RowOutcome(
                row.number, ACCEPTED, signal_status=status, public_ref=row.ids[0]
            )

        for outcome, first in twins:
            outcome.signal_status = outcomes[first].signal_status
        created = list(new_cases.values())
        insert_rows(Case, CASE_COLUMNS, [c.row for c in created], ready=CASE_COLUMNS)
        native_uuid = connection.features.has_native_uuid_field
        ids = {
            _hex(public_id): pk
            for public_id, pk in select_in(
                Case,
                ("public_id", "id"),
                {},
                "public_id",
                [uuid.UUID(hex=c.row[0]) for c in created]
                if native_uuid
                else [c.row[0] for c in created],
                ready=True,
            )
        }
        history = []
        for case in created:
            case.pk = ids[case.row[0]]
            history.append(self._history(case.pk, "", _RECEIVED, "signaal ontvangen", at))
            if case.row[_CASE_STATUS] == _ASSIGNED:
                history.append(
                    self._history(case.pk, _RECEIVED, _ASSIGNED, case.routing_reason, at)
                )
        insert_rows(CaseStatusChange, HISTORY_COLUMNS, history, ready=HISTORY_COLUMNS)
        if crisis_cases:
            Case.objects.filter(pk__in=crisis_cases).update(crisis=True)
        for signal, case in zip(signals, signal_cases, strict=True):
            signal[10] = case.pk if case is not None else None
        insert_rows(Signal, SIGNAL_COLUMNS, signals, ready=SIGNAL_COLUMNS)
        processing_log_record_many(
            actor=self.by,
            activity="intake",
            action="create",
            name=f"signal.receive.{self.channel}",
            items=[
                Processing(dashed(signal[1]), "signal", dashed(signal[0]), row.fields)
                for signal, row in zip(signals, fresh, strict=True)
            ],
            started_at=now,
        )
        self._count(outcomes)
        return outcomes

    def _open_cases(self, households: set[str]) -> dict[str, _CaseRef]:
        """The oldest open case per household, locked for this transaction."""
        found = sorted(
            (opened_at, pk, household, crisis, reason)
            for pk, household, status, crisis, reason, opened_at in select_in(
                Case,
                ("id", "household_index", "status", "crisis", "routing_reason", "opened_at"),
                {},
                "household_index",
                list(households),
                for_update=True,
            )
            if status != CaseStatus.CLOSED
        )
        cases: dict[str, _CaseRef] = {}
        for _opened, pk, household, crisis, reason in found:
            if household not in cases:
                cases[household] = _CaseRef(pk, bool(crisis), reason)
        return cases

    def _count(self, outcomes: dict[int, RowOutcome]) -> None:
        if self.batch is None:
            return
        from .models import ImportRowResult

        results = []
        for o in outcomes.values():
            if o.status == REFUSED or o.already_received:
                results.append(
                    ImportRowResult(
                        batch=self.batch,
                        row=o.row,
                        status="refused" if o.status == REFUSED else "repeat",
                        errors=o.errors,
                    )
                )
        ImportRowResult.objects.bulk_create(results, batch_size=500, ignore_conflicts=True)

    def _last_amounts(self, case_ids: list[int]) -> dict[int, Decimal]:
        """Per open case, the highest amount this landlord reported within the repeat window."""
        if not case_ids:
            return {}
        since = timezone.now() - timedelta(days=self.config.repeat_window_days)
        amounts: dict[int, Decimal] = {}
        for start in range(0, len(case_ids), 900):
            for case_id, details in Signal.objects.filter(
                case_id__in=case_ids[start : start + 900],
                partner=self.partner,
                received_at__gte=since,
            ).values_list("case_id", "details"):
                amount = Decimal(details["arrears"]["achterstand_bedrag"])
                amounts[case_id] = max(amount, amounts.get(case_id, amount))
        return amounts

    def _new_case(self, row: _Row, benefit_recipient: bool, now: Any) -> _CaseRef:
        """A new case's row; ``now`` in database form."""
        status, track, provider_id, reason, assigned_at = (
            _RECEIVED, "", None, row.routing_reason, None
        )  # fmt: skip
        if benefit_recipient:
            status, track, assigned_at = _ASSIGNED, _GEREGELDE_BETALING, now
            reason = "automatisch: uitkeringsgerechtigde → Geregelde betaling (gemeente)"
        elif self._auto_route and self._providers[row.district_id]:
            status, track, assigned_at = _ASSIGNED, _VROEG_EROPAF, now
            provider_id = self._providers[row.district_id]
            key = (row.district_id, row.routing_reason)
            reason = self._auto_reasons.get(key, "")
            if not reason:
                provider = self.districts[row.district_id].provider.name
                reason = f"automatisch: {row.routing_reason} → {provider}"[:200]
                self._auto_reasons[key] = reason
        values = [
            row.ids[2],
            row.ids[3],
            row.household,
            row.district_id,
            row.crisis,
            reason,
            status,
            track,
            provider_id,
            now,
            assigned_at,
            None,
            None,
            "",
        ]
        return _CaseRef(None, row.crisis, reason, values)

    def _history(self, case_id: int, source: str, target: str, reason: str, now) -> tuple:
        return (
            case_id,
            source,
            target,
            self._by_id,
            self._partner_id if source == "" else None,
            reason[:300],
            now,
        )


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
