"""Writes of Geregelde betaling (issue #15, docs/adr/0111-geregelde-betaling.md).

The track as a process: proposed → agreed with the tenant (consent, Participatiewet basis) →
withholding instructed → running → ended with a reason. Every step goes through
``_arrangement_move`` on a locked row (its own transition table in ``workflow``), appends to the
arrangement's history and writes a processing-log record. Instructions to the income
administration are written to an outbox in the same transaction and delivered by the worker
(``instructions_deliver``); its receipts are read back whole or refused whole
(``income_receipt_read``).

Only the income consultant and regie of the tenant's municipality act on the track
(``cases.work_income_track`` on a case ``Case.objects.for_user`` gives them).
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.core.parsing import FieldError, parse_amount
from meldpunt.privacy.services import processing_log_record
from meldpunt.registries.income import (
    IncomeAdministrationUnavailable,
    Instruction,
    ReceiptError,
    income_administration,
    parse_receipt,
)

from .deadlines import add_working_days
from .models import (
    Arrangement,
    ArrangementChange,
    Case,
    IncomeInstruction,
    IncomeReceipt,
    Instrument,
    InstrumentDeployment,
    Track,
)
from .services import _apply_transition, _pick_up
from .workflow import (
    ARRANGEMENT_FLOW,
    ArrangementEndReason,
    ArrangementStatus,
    CaseStatus,
    LegalBasis,
    can_transition,
)

logger = logging.getLogger(__name__)

A = ArrangementStatus
# Deadlines of each step, in working days (ADR 0111): agree with the tenant after the proposal,
# instruct after agreeing, and the income administration's confirmation after instructing.
AGREE_WITHIN = 10
INSTRUCT_WITHIN = 2
CONFIRM_WITHIN = 5
# The outbox retries a failed delivery after 1, 2, 4, … minutes, at most every 6 hours.
MAX_BACKOFF = timedelta(hours=6)
_CLIENT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}", re.ASCII)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _income_case(by: Any, case_id: int) -> Case:
    """The Geregelde betaling case, locked, if this user may act on the track."""
    if not (
        getattr(by, "is_authenticated", False)
        and by.has_perm("cases.work_income_track")
        and by.organisation.is_municipality
    ):
        raise PermissionDenied
    try:
        case = Case.objects.for_user(by).select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise PermissionDenied from None
    if case.track != Track.GEREGELDE_BETALING:
        raise ValidationError("Deze zaak loopt niet via de route Geregelde betaling.")
    return case


def _arrangement(by: Any, arrangement_id: int) -> Arrangement:
    arrangement = Arrangement.objects.filter(pk=arrangement_id).only("case_id").first()
    if arrangement is None:
        raise PermissionDenied
    _income_case(by, arrangement.case_id)
    return Arrangement.objects.select_for_update().get(pk=arrangement_id)


def _stale(arrangement: Arrangement, expected_status: str | None) -> None:
    if expected_status and arrangement.status != expected_status:
        raise ValidationError(
            "Deze geregelde betaling is intussen door iemand anders gewijzigd. Bekijk haar opnieuw."
        )


def _arrangement_move(
    arrangement: Arrangement,
    to_status: str,
    by: Any,
    reason: str,
    *,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """THE place where an arrangement's step changes (``arrangement`` locked)."""
    ARRANGEMENT_FLOW.check(arrangement.status, to_status, subject="Deze geregelde betaling")
    source = arrangement.status
    arrangement.status = to_status
    arrangement.save(update_fields=["status", "due_on", *extra_fields])
    user = by if getattr(by, "is_authenticated", False) else None
    ArrangementChange.objects.create(
        arrangement=arrangement,
        from_status=source,
        to_status=to_status,
        by=user,
        by_organisation_id=getattr(user, "organisation_id", None),
        reason=reason[:300],
    )


def _log(by: Any, arrangement: Arrangement, case: Case, *, action: str, name: str,
         fields: list[str], object_type: str = "arrangement", object_id: Any = None) -> None:  # fmt: skip
    processing_log_record(
        actor=by,
        activity="triage",  # its register entry names Participatiewet art. 9.3 (Geregelde betaling)
        action=action,
        name=name,
        subject_id=case.subject_id,
        object_type=object_type,
        object_id=object_id or arrangement.public_id,
        fields=fields,
    )


def _amount(value: Any, field: str, errors: dict, *, required: bool, label: str) -> str | None:
    try:
        amount = parse_amount(value)
    except FieldError:
        amount = Decimal(-1)
    if amount is None:
        if required:
            errors[field] = f"Vul {label} in, bijvoorbeeld 650,00."
        return None
    if amount < 0 or (required and amount == 0) or amount > Decimal("10000"):
        errors[field] = f"Vul {label} in als bedrag tussen 0 en 10.000, bijvoorbeeld 650,00."
        return None
    return f"{amount.quantize(Decimal('0.01')):.2f}"


def _month(value: date | None) -> date | None:
    return value.replace(day=1) if value else None


def _check_terms(
    *,
    client_number: Any,
    rent_amount: Any,
    arrears_instalment: Any,
    payment_reference: Any,
    first_period: date | None,
    last_period: date | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    client = str(client_number or "").strip()
    if not _CLIENT_NUMBER.fullmatch(client):
        errors["client_number"] = (
            "Vul het klantnummer van de inkomensadministratie in: letters, cijfers en streepjes, "
            "hoogstens 20 tekens."
        )
    rent = _amount(rent_amount, "rent_amount", errors, required=True, label="de huur per maand")
    instalment = _amount(arrears_instalment, "arrears_instalment", errors, required=False,
                         label="de aflossing per maand")  # fmt: skip
    reference = " ".join(str(payment_reference or "").split())
    if not reference:
        errors["payment_reference"] = "Vul het betalingskenmerk van de verhuurder in."
    elif len(reference) > 40:
        errors["payment_reference"] = "Een betalingskenmerk is hoogstens 40 tekens."
    elif str(payment_reference).lstrip(" ")[:1] in _FORMULA_START:
        errors["payment_reference"] = (
            "Een betalingskenmerk mag niet beginnen met =, +, -, @, een tab of een regeleinde."
        )
    if first_period is None:
        errors["first_period"] = "Vul de eerste maand van de inhouding in."
    elif last_period is not None and _month(last_period) < _month(first_period):
        errors["last_period"] = "De laatste maand ligt voor de eerste."
    if errors:
        raise ValidationError(errors)
    return {
        "client_number": client,
        "rent_amount": rent,
        "arrears_instalment": instalment,
        "payment_reference": reference,
        "first_period": _month(first_period),
        "last_period": _month(last_period),
    }


@transaction.atomic
def arrangement_propose(
    *,
    case_id: int,
    by: Any,
    client_number: str,
    rent_amount: Any,
    payment_reference: str,
    first_period: date | None,
    arrears_instalment: Any = None,
    last_period: date | None = None,
) -> Arrangement:
    """Propose Geregelde betaling for a benefit recipient's case; an assigned case is picked up."""
    case = _income_case(by, case_id)
    if case.status == CaseStatus.RECEIVED:
        raise ValidationError("Deze zaak is nog niet toegewezen; wijs haar eerst toe.")
    if not case.is_open:
        raise ValidationError("Deze zaak is afgesloten.")
    if case.arrangements.exclude(status=A.ENDED).exists():
        raise ValidationError("Voor deze zaak loopt al een geregelde betaling.")
    terms = _check_terms(
        client_number=client_number, rent_amount=rent_amount,
        arrears_instalment=arrears_instalment, payment_reference=payment_reference,
        first_period=first_period, last_period=last_period,
    )  # fmt: skip
    if case.status == CaseStatus.ASSIGNED:
        _pick_up(case, by)
    today = timezone.localdate()
    arrangement = Arrangement.objects.create(
        case=case,
        organisation_id=by.organisation_id,
        status=A.PROPOSED,
        due_on=add_working_days(today, AGREE_WITHIN),
        created_by=by,
        **terms,
    )
    ArrangementChange.objects.create(
        arrangement=arrangement, from_status="", to_status=A.PROPOSED, by=by,
        by_organisation_id=by.organisation_id, reason="voorstel gedaan",
    )  # fmt: skip
    _log(by, arrangement, case, action="create", name="arrangement.propose",
         fields=["client_number", "rent_amount", "arrears_instalment", "payment_reference",
                 "first_period", "last_period"])  # fmt: skip
    return arrangement


@transaction.atomic
def arrangement_agree(
    *,
    arrangement_id: int,
    by: Any,
    consent_on: date | None,
    legal_basis: str,
    expected_status: str | None = None,
) -> Arrangement:
    """The tenant agreed: the date of consent and the Participatiewet basis are recorded."""
    arrangement = _arrangement(by, arrangement_id)
    _stale(arrangement, expected_status)
    errors: dict[str, str] = {}
    if consent_on is None:
        errors["consent_on"] = "Vul de datum in waarop de huurder toestemming gaf."
    elif consent_on > timezone.localdate():
        errors["consent_on"] = "Een datum in de toekomst kan niet."
    elif consent_on < timezone.localdate(arrangement.created_at):
        errors["consent_on"] = "De toestemming ligt voor het voorstel."
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = "Kies de grondslag in de Participatiewet."
    if errors:
        raise ValidationError(errors)
    arrangement.consent_on = consent_on
    arrangement.legal_basis = legal_basis
    arrangement.due_on = add_working_days(timezone.localdate(), INSTRUCT_WITHIN)
    _arrangement_move(arrangement, A.AGREED, by, f"afgesproken: {LegalBasis(legal_basis).label}",
                      extra_fields=("consent_on", "legal_basis"))  # fmt: skip
    _log(by, arrangement, arrangement.case, action="update", name="arrangement.agree",
         fields=["status", "consent_on", "legal_basis"])  # fmt: skip
    return arrangement


def _payload(arrangement: Arrangement, kind: str, **overrides: Any) -> dict[str, str]:
    landlord = (
        arrangement.case.signals.filter(partner_type="Huur")
        .select_related("partner").order_by("received_at", "id").first()
    )  # fmt: skip
    payload = {
        "klantnummer": arrangement.client_number,
        "huur_per_maand": arrangement.rent_amount,
        "aflossing_per_maand": arrangement.arrears_instalment or "",
        "betalingskenmerk": arrangement.payment_reference,
        "ontvanger": landlord.partner.name if landlord else "",
        "eerste_periode": f"{arrangement.first_period:%Y-%m}",
        "laatste_periode": f"{arrangement.last_period:%Y-%m}" if arrangement.last_period else "",
    }
    payload.update(overrides)
    return payload


def _instruct(arrangement: Arrangement, kind: str, by: Any, **overrides: Any) -> IncomeInstruction:
    instruction = IncomeInstruction.objects.create(
        arrangement=arrangement,
        kind=kind,
        payload=_payload(arrangement, kind, **overrides),
        created_by=by if getattr(by, "is_authenticated", False) else None,
        next_attempt_at=timezone.now(),
    )
    # The worker delivers it (instructions_deliver): a request never waits for the other side.
    return instruction


@transaction.atomic
def arrangement_instruct(
    *, arrangement_id: int, by: Any, expected_status: str | None = None
) -> IncomeInstruction:
    """Instruct the income administration to start withholding (a start instruction in the
    outbox, delivered by the worker)."""
    arrangement = _arrangement(by, arrangement_id)
    _stale(arrangement, expected_status)
    if arrangement.status != A.AGREED:
        raise ValidationError("Eerst moet de huurder akkoord zijn (toestemming en grondslag).")
    instruction = _instruct(arrangement, IncomeInstruction.Kind.START, by)
    arrangement.due_on = add_working_days(timezone.localdate(), CONFIRM_WITHIN)
    _arrangement_move(arrangement, A.INSTRUCTED, by, "startopdracht aan de inkomensadministratie")
    _log(by, arrangement, arrangement.case, action="create", name="arrangement.instruct",
         object_type="income_instruction", object_id=instruction.public_id,
         fields=["kind", "client_number", "rent_amount", "arrears_instalment",
                 "payment_reference", "first_period", "last_period"])  # fmt: skip
    return instruction


@transaction.atomic
def arrangement_change(
    *,
    arrangement_id: int,
    by: Any,
    rent_amount: Any,
    arrears_instalment: Any = None,
    from_period: date | None = None,
    expected_status: str | None = None,
) -> IncomeInstruction:
    """New amounts while it runs (a change instruction from the given month)."""
    arrangement = _arrangement(by, arrangement_id)
    _stale(arrangement, expected_status)
    if arrangement.status != A.RUNNING:
        raise ValidationError("Alleen een lopende geregelde betaling kan worden gewijzigd.")
    errors: dict[str, str] = {}
    rent = _amount(rent_amount, "rent_amount", errors, required=True, label="de huur per maand")
    instalment = _amount(arrears_instalment, "arrears_instalment", errors, required=False,
                         label="de aflossing per maand")  # fmt: skip
    if from_period is None:
        errors["from_period"] = "Vul de maand in vanaf wanneer de wijziging geldt."
    if errors:
        raise ValidationError(errors)
    arrangement.rent_amount = rent
    arrangement.arrears_instalment = instalment
    instruction = _instruct(arrangement, IncomeInstruction.Kind.CHANGE, by,
                            eerste_periode=f"{from_period:%Y-%m}")  # fmt: skip
    _arrangement_move(arrangement, A.RUNNING, by, f"bedragen gewijzigd vanaf {from_period:%m-%Y}",
                      extra_fields=("rent_amount", "arrears_instalment"))  # fmt: skip
    _log(by, arrangement, arrangement.case, action="update", name="arrangement.change",
         object_type="income_instruction", object_id=instruction.public_id,
         fields=["rent_amount", "arrears_instalment"])  # fmt: skip
    return instruction


@transaction.atomic
def arrangement_end(
    *,
    arrangement_id: int,
    by: Any,
    reason: str,
    on: date | None = None,
    expected_status: str | None = None,
) -> Arrangement:
    """End it with a reason. Once instructed, a stop instruction goes to the income
    administration; the instrument ends (the Sluitende Aanpak sees a stop by the tenant as such)."""
    arrangement = _arrangement(by, arrangement_id)
    _stale(arrangement, expected_status)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if reason not in ArrangementEndReason.values:
        errors["reason"] = "Kies de reden van beëindiging."
    if on > timezone.localdate():
        errors["on"] = "Een datum in de toekomst kan niet."
    if errors:
        raise ValidationError(errors)
    if arrangement.status == A.ENDED:
        raise ValidationError("Deze geregelde betaling is al beëindigd.")
    instructed = arrangement.status in (A.INSTRUCTED, A.RUNNING)
    arrangement.ended_on = on
    arrangement.end_reason = reason
    arrangement.due_on = None
    if instructed:
        _instruct(arrangement, IncomeInstruction.Kind.STOP, by, laatste_periode=f"{on:%Y-%m}")
    if arrangement.deployment_id:
        InstrumentDeployment.objects.filter(pk=arrangement.deployment_id).update(
            ended_on=on, ended_by_tenant=reason == ArrangementEndReason.TENANT_REQUEST
        )
    _arrangement_move(arrangement, A.ENDED, by,
                      f"beëindigd: {ArrangementEndReason(reason).label}"
                      + ("; stopopdracht aan de inkomensadministratie" if instructed else ""),
                      extra_fields=("ended_on", "end_reason"))  # fmt: skip
    _log(by, arrangement, arrangement.case, action="update", name="arrangement.end",
         fields=["status", "ended_on", "end_reason"])  # fmt: skip
    return arrangement


# ---------------------------------------------------------------------------------------------
# The outbox: delivery by the worker, retried; receipts read back.
# ---------------------------------------------------------------------------------------------


def _as_instruction(instruction: IncomeInstruction) -> Instruction:
    p = instruction.payload
    return Instruction(
        id=str(instruction.public_id),
        kind=instruction.kind,
        client_number=p["klantnummer"],
        rent_amount=p["huur_per_maand"],
        arrears_instalment=p["aflossing_per_maand"],
        payment_reference=p["betalingskenmerk"],
        payee=p["ontvanger"],
        first_period=p["eerste_periode"],
        last_period=p["laatste_periode"],
    )


def instructions_deliver(*, limit: int = 500) -> dict[str, int]:
    """Deliver the outbox's due instructions, one transaction each (scheduled job).

    Each row is locked while it is delivered, so two workers never deliver one twice; a worker
    killed after the adapter took it but before the row was marked leaves it "te versturen",
    and the adapter's idempotence by instruction id makes the retry deliver it once.
    """
    adapter = income_administration()
    counts = {"verstuurd": 0, "mislukt": 0}
    now = timezone.now()
    due = list(
        IncomeInstruction.objects.filter(
            status=IncomeInstruction.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            instruction = (
                IncomeInstruction.objects.select_for_update(skip_locked=True)
                .select_related("arrangement__case")
                .filter(pk=pk, status=IncomeInstruction.Status.PENDING)
                .first()
            )
            if instruction is None:
                continue
            try:
                batch = adapter.deliver(_as_instruction(instruction))
            except IncomeAdministrationUnavailable as exc:
                instruction.attempts += 1
                backoff = min(timedelta(minutes=2 ** min(instruction.attempts - 1, 12)),
                              MAX_BACKOFF)  # fmt: skip
                instruction.next_attempt_at = timezone.now() + backoff
                instruction.last_error = str(exc)[:200]
                instruction.save(update_fields=["attempts", "next_attempt_at", "last_error"])
                logger.warning("opdracht %s niet afgeleverd: %s", instruction.public_id, exc)
                counts["mislukt"] += 1
                continue
            instruction.attempts += 1
            instruction.status = IncomeInstruction.Status.DELIVERED
            instruction.delivered_at = timezone.now()
            instruction.batch = batch[:120]
            instruction.last_error = ""
            instruction.save(
                update_fields=["attempts", "status", "delivered_at", "batch", "last_error"]
            )
            processing_log_record(
                actor=None,
                activity="triage",
                action="export",
                name="income_instruction.deliver",
                subject_id=instruction.arrangement.case.subject_id,
                object_type="income_instruction",
                object_id=instruction.public_id,
                fields=["client_number", "rent_amount", "arrears_instalment", "payment_reference",
                        "first_period", "last_period"],
            )  # fmt: skip
            counts["verstuurd"] += 1
    return counts


def _deployment_for(arrangement: Arrangement, on: date) -> InstrumentDeployment:
    return InstrumentDeployment.objects.create(
        case=arrangement.case,
        instrument=Instrument.objects.get(code="geregelde-betaling"),
        organisation_id=arrangement.organisation_id,
        deployed_on=on,
        monthly_amount=arrangement.rent_amount,
        recorded_by=arrangement.created_by,
    )


def _apply_line(instruction: IncomeInstruction, done: bool, on: date, note: str) -> None:
    arrangement = Arrangement.objects.select_for_update().get(pk=instruction.arrangement_id)
    case = Case.objects.select_for_update().get(pk=arrangement.case_id)
    instruction.status = (
        IncomeInstruction.Status.CONFIRMED if done else IncomeInstruction.Status.REFUSED
    )
    instruction.answered_at = timezone.now()
    instruction.answer = (note or ("verwerkt" if done else "afgewezen"))[:300]
    instruction.save(update_fields=["status", "answered_at", "answer"])
    kind = instruction.kind
    what = "start" if kind == "start" else ("wijziging" if kind == "wijziging" else "stop")
    if kind == IncomeInstruction.Kind.START and arrangement.status == A.INSTRUCTED:
        if done:
            started = min(on, timezone.localdate())
            arrangement.started_on = started
            arrangement.deployment = _deployment_for(arrangement, started)
            arrangement.due_on = None
            _arrangement_move(arrangement, A.RUNNING, None,
                              "start bevestigd door de inkomensadministratie",
                              extra_fields=("started_on", "deployment"))  # fmt: skip
            if case.is_open and can_transition(case.status, CaseStatus.INSTRUMENT_DEPLOYED):
                _apply_transition(case, CaseStatus.INSTRUMENT_DEPLOYED, None,
                                  "instrument ingezet: Geregelde betaling loopt")  # fmt: skip
        else:
            arrangement.due_on = add_working_days(timezone.localdate(), INSTRUCT_WITHIN)
            _arrangement_move(arrangement, A.AGREED, None,
                              f"start afgewezen door de inkomensadministratie: {note}")  # fmt: skip
        return
    # A change or stop (or a start of an arrangement ended meanwhile): its answer is recorded.
    ArrangementChange.objects.create(
        arrangement=arrangement, from_status=arrangement.status, to_status=arrangement.status,
        reason=f"{what} {'bevestigd' if done else 'afgewezen'} door de inkomensadministratie"
        + (f": {note}" if note else ""),
    )  # fmt: skip


def income_receipt_read(*, name: str, content: bytes) -> IncomeReceipt:
    """Apply one receipt file whole, or refuse it whole with a Dutch message per line.

    Refused, with nothing changed: a file that cannot be read, an instruction id the Meldpunt
    does not know, one that was already confirmed or refused, or an id twice in one file.
    """
    name = name[:200]
    try:
        lines = parse_receipt(content)
    except ReceiptError as exc:
        return IncomeReceipt.objects.create(name=name, accepted=False, message=str(exc)[:500])
    problems: list[str] = []
    with transaction.atomic():
        found = {
            str(i.public_id): i
            for i in IncomeInstruction.objects.select_for_update().filter(
                public_id__in=[line.instruction_id for line in lines]
            )
        }
        seen: set[str] = set()
        for line in lines:
            instruction = found.get(line.instruction_id)
            if line.instruction_id in seen:
                problems.append(f"Regel {line.number}: opdracht {line.instruction_id} staat "
                                "twee keer in dit bestand.")  # fmt: skip
            elif instruction is None:
                problems.append(f"Regel {line.number}: opdracht {line.instruction_id} is "
                                "onbekend bij het Meldpunt.")  # fmt: skip
            elif instruction.status in (
                IncomeInstruction.Status.CONFIRMED, IncomeInstruction.Status.REFUSED
            ):  # fmt: skip
                problems.append(
                    f"Regel {line.number}: opdracht {line.instruction_id} is al "
                    f"{instruction.get_status_display().lower()} op "
                    f"{timezone.localtime(instruction.answered_at):%d-%m-%Y}."
                )
            seen.add(line.instruction_id)
        municipalities = set(
            IncomeInstruction.objects.filter(pk__in=[i.pk for i in found.values()]).values_list(
                "arrangement__case__municipality_id", flat=True
            )
        )
        if problems:
            message = "Niet verwerkt, er is niets gewijzigd. " + " ".join(problems)
            refused = IncomeReceipt.objects.create(name=name, accepted=False, message=message[:500])
            refused.municipalities.set(municipalities)
            return refused
        for line in lines:
            _apply_line(found[line.instruction_id], line.done, line.on, line.note)
        for instruction in found.values():
            processing_log_record(
                actor=None, activity="triage", action="update", name="income_receipt.read",
                subject_id=instruction.arrangement.case.subject_id,
                object_type="income_instruction", object_id=instruction.public_id,
                fields=["status", "answer"],
            )  # fmt: skip
        accepted = IncomeReceipt.objects.create(name=name, accepted=True, lines=len(lines))
        accepted.municipalities.set(municipalities)
        return accepted


def income_receipts_read() -> dict[str, int]:
    """Read every receipt file the adapter has waiting (scheduled job)."""
    adapter = income_administration()
    counts = {"verwerkt": 0, "geweigerd": 0}
    for receipt in adapter.receipts():
        result = income_receipt_read(name=receipt.name, content=receipt.content)
        adapter.receipt_handled(receipt.name, accepted=result.accepted, message=result.message)
        counts["verwerkt" if result.accepted else "geweigerd"] += 1
        if not result.accepted:
            logger.warning("ontvangstbevestiging %s geweigerd: %s", receipt.name, result.message)
    return counts
