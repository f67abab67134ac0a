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
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt.cases.models import Case, CaseStatusChange, Track
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.db import insert_dicts
from meldpunt.core.ids import ordered_uuid
from meldpunt.organisations.models import District, Organisation
from meldpunt.organisations.selectors import RoutingTable
from meldpunt.privacy.crypto import blind_index
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
    public_id: uuid.UUID | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "status": self.status, "errors": self.errors}
        if self.status == ACCEPTED:
            data["signalStatus"] = self.signal_status
            data["alreadyReceived"] = self.already_received
        return data


def household_key(values: dict[str, Any]) -> str:
    return blind_index(
        "household",
        values["postcode"],
        str(values["huisnummer"]),
        values.get("huisletter") or "",
        values.get("huisnummertoevoeging") or "",
    )


def person_key(values: dict[str, Any]) -> str:
    birth = values.get("geboortedatum")
    return blind_index("person", values["achternaam"], birth.isoformat() if birth else "")


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


def _flatten(errors: dict[str, list[str]]) -> list[str]:
    return [f"{name}: {message}" for name, messages in errors.items() for message in messages]


class _NewCase:
    """A case this batch opens: its column values, and its id once inserted."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.pk: int | None = None

    @property
    def crisis(self) -> bool:
        return self.fields["crisis"]

    @crisis.setter
    def crisis(self, value: bool) -> None:
        self.fields["crisis"] = value

    @property
    def status(self) -> str:
        return self.fields["status"]

    @property
    def routing_reason(self) -> str:
        return self.fields["routing_reason"]

    @property
    def public_id(self) -> uuid.UUID:
        return self.fields["public_id"]


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    key: str
    district: District
    routing_reason: str
    household: str = ""
    person: str = ""
    details: Any = None
    fields: tuple[str, ...] = ()


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
        self.registry = registry()

    # -- checks without the database -------------------------------------------------------

    def check(self, number: int, raw: dict[str, Any]) -> _Row | RowOutcome:
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
        return _Row(number, values, delivery_key(values), district, reason)

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

        Kept apart from ``write`` so the writer's transaction holds locks only while it writes.
        """
        refused: dict[int, RowOutcome] = {}
        checked: list[_Row] = []
        for number, raw in rows:
            result = self.check(number, raw)
            if isinstance(result, RowOutcome):
                refused[number] = result
                continue
            v = result.values
            result.household = household_key(v)
            result.person = person_key(v)
            result.details = _DETAILS.seal(
                {
                    "person": {k: _plain(v.get(k)) for k in PERSON_FIELDS},
                    "arrears": {k: _plain(v.get(k)) for k in ARREARS_FIELDS},
                }
            )
            result.fields = tuple(k for k in FIELDS_BY_NAME if v.get(k) not in (None, "", False))
            checked.append(result)
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
        keys = [r.key for r in checked]
        existing: dict[str, tuple[uuid.UUID, str]] = {}
        for start in range(0, len(keys), 900):
            existing.update(
                (k, (p, s))
                for k, p, s in Signal.objects.filter(
                    partner=self.partner, intake_key__in=keys[start : start + 900]
                ).values_list("intake_key", "public_id", "status")
            )
        fresh: list[_Row] = []
        first_of: dict[str, int] = {}  # delivery key -> row number of its first fresh row
        twins: list[tuple[RowOutcome, int]] = []
        for row in checked:
            if row.key in first_of:
                # The same delivery twice in this batch: report the first row's signal.
                outcome = RowOutcome(
                    row.number, ACCEPTED, already_received=True, public_id=existing[row.key][0]
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
                    public_id=public_id,
                )
            else:
                existing[row.key] = (ordered_uuid(), "")
                first_of[row.key] = row.number
                fresh.append(row)
        if not fresh:
            self._count(outcomes)
            return outcomes

        answers = self.registry.lookup_many(r.person for r in fresh)
        households = list({r.household for r in fresh})
        open_cases: dict[str, Case] = {}
        for start in range(0, len(households), 900):
            for case in (
                Case.objects.select_for_update()
                .filter(household_index__in=households[start : start + 900])
                .exclude(status=CaseStatus.CLOSED)
                .order_by("opened_at", "id")
            ):
                open_cases.setdefault(case.household_index, case)
        # This landlord's highest recent amount per household, including rows of this batch, so
        # a batch decides repeats exactly as the same rows sent one by one would.
        by_case = self._last_amounts(list(open_cases.values()))
        last_amounts: dict[str, Decimal] = {
            household: by_case[case.pk]
            for household, case in open_cases.items()
            if case.pk in by_case
        }

        new_cases: dict[str, _NewCase] = {}
        signals: list[Signal] = []
        crisis_cases: set[int] = set()
        for row in fresh:
            v = row.values
            answer = answers.get(row.person, UNKNOWN)
            case: Case | _NewCase | None = None
            refusal = self.target_group_refusal(v)
            decision = ""
            if refusal:
                status, decision = SignalStatus.UNJUSTIFIED, refusal
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
                    if previous is not None and v["achterstand_bedrag"] <= previous:
                        status = SignalStatus.REPEAT
                        decision = (
                            "herhaalde melding: bedrag niet hoger dan een eerder signaal van deze "
                            f"verhuurder binnen {self.config.repeat_window_days} dagen"
                        )
                    else:
                        last_amounts[row.household] = v["achterstand_bedrag"]
                    if v.get("crisissignaal") and not case.crisis:
                        case.crisis = True
                        if case.pk is not None:
                            crisis_cases.add(case.pk)
                else:
                    case = self._new_case(row, answer.benefit_recipient, now)
                    new_cases[row.household] = case
                    last_amounts[row.household] = v["achterstand_bedrag"]
                if not decision and case is not None:
                    decision = "opgenomen in zaak; " + case.routing_reason
            public_id = existing[row.key][0]
            signals.append(self._signal(row, status, public_id, now))
            signals[-1]["_case"] = case
            signals[-1]["decision"] = decision[:200]
            outcomes[row.number] = RowOutcome(
                row.number, ACCEPTED, signal_status=status, public_id=public_id
            )

        for outcome, first in twins:
            outcome.signal_status = outcomes[first].signal_status
        created = list(new_cases.values())
        insert_dicts(Case, [c.fields for c in created])
        ids: dict[uuid.UUID, int] = {}
        public_ids = [c.public_id for c in created]
        for start in range(0, len(public_ids), 900):
            ids.update(
                Case.objects.filter(public_id__in=public_ids[start : start + 900]).values_list(
                    "public_id", "pk"
                )
            )
        for new_case in created:
            new_case.pk = ids[new_case.public_id]
        history = []
        for case in created:
            history.append(self._history(case, "", CaseStatus.RECEIVED, "signaal ontvangen", now))
            if case.status == CaseStatus.ASSIGNED:
                history.append(
                    self._history(
                        case, CaseStatus.RECEIVED, CaseStatus.ASSIGNED, case.routing_reason, now
                    )
                )
        insert_dicts(CaseStatusChange, history)
        if crisis_cases:
            Case.objects.filter(pk__in=crisis_cases).update(crisis=True)
        for signal in signals:
            case = signal.pop("_case")
            signal["case_id"] = case.pk if case is not None else None
        insert_dicts(Signal, [{k: v for k, v in s.items() if k != "_fields"} for s in signals])
        processing_log_record_many(
            actor=self.by,
            activity="intake",
            action="create",
            name=f"signal.receive.{self.channel}",
            items=[
                Processing(
                    s["subject_id"],
                    "signal",
                    s["public_id"],
                    s["_fields"],
                )
                for s in signals
            ],
            started_at=now,
        )
        self._count(outcomes)
        return outcomes

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

    def _last_amounts(self, cases: list[Case]) -> dict[int, Decimal]:
        """Per open case, the highest amount this landlord reported within the repeat window."""
        if not cases:
            return {}
        since = timezone.now() - timedelta(days=self.config.repeat_window_days)
        amounts: dict[int, Decimal] = {}
        ids = [c.pk for c in cases]
        for start in range(0, len(ids), 900):
            for case_id, details in Signal.objects.filter(
                case_id__in=ids[start : start + 900], partner=self.partner, received_at__gte=since
            ).values_list("case_id", "details"):
                amount = Decimal(details["arrears"]["achterstand_bedrag"])
                amounts[case_id] = max(amount, amounts.get(case_id, amount))
        return amounts

    def _new_case(self, row: _Row, benefit_recipient: bool, now) -> _NewCase:
        v = row.values
        fields: dict[str, Any] = {
            "public_id": ordered_uuid(),
            "household_index": row.household,
            "subject_id": ordered_uuid(),
            "district_id": row.district.pk,
            "crisis": bool(v.get("crisissignaal")),
            "routing_reason": row.routing_reason,
            "status": CaseStatus.RECEIVED,
            "opened_at": now,
        }
        if benefit_recipient:
            fields.update(
                status=CaseStatus.ASSIGNED,
                track=Track.GEREGELDE_BETALING,
                routing_reason="automatisch: uitkeringsgerechtigde → Geregelde betaling (gemeente)",
                assigned_at=now,
            )
        elif self.config.auto_route and row.district.provider_id:
            fields.update(
                status=CaseStatus.ASSIGNED,
                track=Track.VROEG_EROPAF,
                provider_id=row.district.provider_id,
                routing_reason=f"automatisch: {row.routing_reason} → {row.district.provider.name}"[
                    :200
                ],
                assigned_at=now,
            )
        return _NewCase(fields)

    def _history(
        self, case: _NewCase, source: str, target: str, reason: str, now
    ) -> dict[str, Any]:
        return {
            "case_id": case.pk,
            "from_status": source,
            "to_status": target,
            "by_id": self.by.pk if self.by else None,
            "by_organisation_id": self.partner.pk if source == "" else None,
            "reason": reason[:300],
            "at": now,
        }

    def _signal(self, row: _Row, status: str, public_id: uuid.UUID, now) -> dict[str, Any]:
        v = row.values
        return {
            "public_id": public_id,
            "subject_id": ordered_uuid(),
            "partner_id": self.partner.pk,
            "submitted_by_id": self.by.pk if self.by else None,
            "partner_reference": v["partner_referentie"],
            "details": row.details,
            "household_index": row.household,
            "person_index": row.person,
            "intake_key": row.key,
            "channel": self.channel,
            "batch_id": self.batch.pk if self.batch else None,
            "district_id": row.district.pk,
            "signal_date": v.get("signaaldatum") or self.today,
            "received_at": now,
            "contact_attempted_on": v["poging_persoonlijk_contact"],
            "referred_to_debt_help_on": v["gewezen_op_schuldhulp"],
            "written_reminder_on": v["schriftelijke_herinnering"],
            "tenant_informed_on": v["informatieplicht_voldaan"],
            "crisis": bool(v.get("crisissignaal")),
            "warm_handover": bool(v.get("warme_overdracht")),
            "unreachable_in_collection": bool(v.get("onbereikbaar_in_incasso")),
            "multiple_problems": bool(v.get("meerdere_problemen")),
            "status": status,
            "_fields": row.fields,
        }


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    """The rows in lists of ``size`` (one transaction each)."""
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield chunk
