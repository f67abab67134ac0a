"""Writes of the cases app: opening, routing and moving cases through the transition table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.core.names import looks_like_organisation
from meldpunt.core.parsing import FieldError, parse_amount, parse_postcode
from meldpunt.organisations.models import Organisation
from meldpunt.organisations.selectors import RoutingTable
from meldpunt.privacy.keys import birth_key, household_key, person_key
from meldpunt.privacy.services import Processing, processing_log_record, processing_log_record_many

from . import frame, identity, letters
from .deadlines import OUTREACH_OPEN, case_due_on
from .models import (
    AssessmentFrame,
    Case,
    CaseLetter,
    CaseMember,
    CaseNote,
    CaseStatusChange,
    CaseworkerAssignment,
    ContactAttempt,
    HomeVisit,
    Instrument,
    InstrumentDeployment,
    InstrumentEvent,
    LetterKind,
    LetterTemplate,
    Person,
    Signal,
    SignalStatusChange,
    Tenancy,
    Track,
)
from .selectors import caseworkers_of, frame_in_force, tenancy_get_own
from .signals import feedback_may_have_changed
from .vocabulary import (
    AUTOMATIC_NOT_TAKEN_UP,
    END_RESULTS,
    NOT_TAKEN_UP,
    ContactKind,
    PartOfDay,
    SignalStatus,
)
from .workflow import CASE_FLOW, CaseStatus, can_transition


def _record(case: Case, source: str, target: str, by: Any, reason: str) -> None:
    user = by if getattr(by, "is_authenticated", False) else None
    CaseStatusChange.objects.create(
        case=case,
        from_status=source,
        to_status=target,
        by=user,
        by_organisation_id=getattr(user, "organisation_id", None),
        reason=reason[:300],
    )


class StaleCaseError(ValidationError):
    """The case changed since the caseworker looked at it; nothing was saved."""


def _apply_transition(
    case: Case,
    to_status: str,
    by: Any,
    reason: str = "",
    *,
    expected_status: str | None = None,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """THE place where a status changes. ``case`` must be locked (select_for_update).

    ``expected_status`` is the status the caller saw; when the case moved on meanwhile the
    change is refused instead of being applied to a state nobody looked at.
    """
    if expected_status is not None and case.status != expected_status:
        raise StaleCaseError(
            "Deze zaak is intussen door iemand anders gewijzigd. Bekijk de zaak opnieuw."
        )
    CASE_FLOW.check(case.status, to_status, subject="Deze zaak")
    source = case.status
    case.status = to_status
    if to_status == CaseStatus.CLOSED:
        case.closed_at = timezone.now()
    # Outreach is over once contact is made, help deployed or the case closed: no deadline.
    if to_status not in (CaseStatus.RECEIVED, *OUTREACH_OPEN):
        case.due_on = None
    case.save(update_fields=["status", "closed_at", "due_on", *extra_fields])
    _record(case, source, to_status, by, reason)


@transaction.atomic
def case_transition(
    *,
    case_id: int,
    to_status: str,
    by: Any,
    reason: str = "",
    expected_status: str | None = None,
) -> Case:
    """Move a case to another status if the transition table allows it; history is appended.

    The row is locked, so two caseworkers changing one case are serialised: the second sees
    the first one's result and is judged against it.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    _apply_transition(case, to_status, by, reason, expected_status=expected_status)
    return case


@transaction.atomic
def case_assign(
    *, case_id: int, provider: Organisation | None, track: str, by: Any, reason: str = ""
) -> Case:
    """Triage: choose the track and the provider (regie). A manual override needs a reason."""
    if not by.has_perm("intake.triage_signal"):
        raise PermissionDenied
    case = Case.objects.for_user(by).select_for_update().get(pk=case_id)
    if track not in Track.values:
        raise ValidationError({"track": "Kies een route."})
    if track == Track.VROEG_EROPAF:
        if provider is None or not provider.is_provider:
            raise ValidationError({"provider": "Kies de uitvoerder die de zaak oppakt."})
        proposed = case.district.provider if case.district else None
        if provider != proposed and not reason.strip():
            raise ValidationError(
                {"reason": "Geef een reden als u afwijkt van de uitvoerder van het stadsdeel."}
            )
    if not can_transition(case.status, CaseStatus.ASSIGNED):
        raise ValidationError("Deze zaak kan niet meer worden toegewezen.")
    case.track = track
    case.provider = provider if track == Track.VROEG_EROPAF else None
    case.assigned_at = timezone.now()
    if provider is not None and reason.strip():
        case.routing_reason = f"handmatig: {reason.strip()}"[:200]
    label = provider.name if provider else Track(track).label
    _apply_transition(
        case,
        CaseStatus.ASSIGNED,
        by,
        f"toegewezen aan {label}. {reason}".strip(),
        extra_fields=("track", "provider", "assigned_at", "routing_reason"),
    )
    processing_log_record(
        actor=by,
        activity="triage",
        action="update",
        name="case.assign",
        subject_id=case.subject_id,
        object_type="case",
        object_id=case.public_id,
        fields=["track", "provider"],
    )
    return case


# ---------------------------------------------------------------------------------------------
# Case work (issue #4): pick up, contact attempts, notes, instruments, events, closing.
# ---------------------------------------------------------------------------------------------

WORKING = (
    CaseStatus.PICKED_UP,
    CaseStatus.IN_CONTACT,
    CaseStatus.INSTRUMENT_DEPLOYED,
    CaseStatus.MONITORING,
)


def _worker_case(by: Any, case_id: int) -> Case:
    """The case, locked, if this user may work it; otherwise PermissionDenied."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm("cases.work_case"):
        raise PermissionDenied
    try:
        return Case.objects.for_user(by).select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise PermissionDenied from None


def _log(
    by: Any,
    case: Case,
    *,
    action: str,
    name: str,
    object_type: str,
    object_id: Any,
    fields: list[str],
    activity: str = "outreach",
) -> None:
    processing_log_record(
        actor=by,
        activity=activity,
        action=action,
        name=name,
        subject_id=case.subject_id,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
    )
    # Last step of every write to a case: the feedback on its signals may have changed (the
    # webhooks' outbox is written now, in this transaction; an unchanged feedback sends nothing).
    feedback_may_have_changed.send(sender=Case, case_id=case.pk)


def _not_in_future(on: date, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "Een datum in de toekomst kan niet."})


def _check_workable(case: Case) -> None:
    if case.status == CaseStatus.RECEIVED:
        raise ValidationError("Deze zaak is nog niet toegewezen; wijs haar eerst toe.")
    if not case.is_open:
        raise ValidationError("Deze zaak is afgesloten.")


def _pick_up(case: Case, by: Any, on: date | None = None) -> None:
    if case.caseworker_id is None and works_for(by, case):
        # Who picks a case up works it, unless the team lead gave it to someone already.
        _set_caseworker(case, by, by, "zelf opgepakt")
    case.picked_up_on = on or timezone.localdate()
    _apply_transition(
        case, CaseStatus.PICKED_UP, by, "zaak opgepakt", extra_fields=("picked_up_on",)
    )
    # The signal follows its case (DDAS v1.2 "Opgepakt"): what its partner is told.
    Signal.objects.filter(case=case, status=SignalStatus.NOT_YET_PICKED_UP).update(
        status=SignalStatus.PICKED_UP
    )


@transaction.atomic
def case_pick_up(
    *, case_id: int, by: Any, on: date | None = None, expected_status: str | None = None
) -> Case:
    """The provider (or income team) picks the case up: DDAS datum_opgepakt is recorded."""
    case = _worker_case(by, case_id)
    if on is not None:
        _not_in_future(on)
    if expected_status is not None and case.status != expected_status:
        raise StaleCaseError(
            "Deze zaak is intussen door iemand anders gewijzigd. Bekijk de zaak opnieuw."
        )
    _pick_up(case, by, on)
    _log(
        by,
        case,
        action="update",
        name="case.pick_up",
        object_type="case",
        object_id=case.public_id,
        fields=["status", "picked_up_on"],
    )
    return case


@transaction.atomic
def contact_attempt_record(
    *, case_id: int, by: Any, kind: str, reached: bool, on: date, part_of_day: str
) -> ContactAttempt:
    """Record one contact attempt. The first attempt picks an assigned case up."""
    case = _worker_case(by, case_id)
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = "Kies de soort contact."
    if part_of_day not in PartOfDay.values:
        errors["part_of_day"] = "Kies het dagdeel."
    if on is None:
        errors["on"] = "Vul de datum in."
    elif on > timezone.localdate():
        errors["on"] = "Een datum in de toekomst kan niet."
    if errors:
        raise ValidationError(errors)
    _check_workable(case)
    if case.status == CaseStatus.ASSIGNED:
        _pick_up(case, by, on)
    attempt = ContactAttempt.objects.create(
        case=case,
        kind=kind,
        reached=reached,
        on=on,
        part_of_day=part_of_day,
        organisation_id=by.organisation_id,
        recorded_by=by,
    )
    due_on = case_due_on(case, attempted=True)
    if due_on != case.due_on:
        case.due_on = due_on
        case.save(update_fields=["due_on"])
    if reached and case.status == CaseStatus.PICKED_UP:
        _apply_transition(case, CaseStatus.IN_CONTACT, by, "huurder bereikt")
    if kind == ContactKind.HOME_VISIT:
        # The visit planned for that day is done: it leaves the day list and the case's plan.
        visit = case.visits.open().filter(planned_on=on).order_by("id").first()
        if visit is not None:
            visit.attempt = attempt
            visit.save(update_fields=["attempt"])
    _log(
        by,
        case,
        action="create",
        name="contact_attempt.record",
        object_type="contact_attempt",
        object_id=attempt.public_id,
        fields=["kind", "reached", "on", "part_of_day"],
    )
    return attempt


@transaction.atomic
def case_note_add(*, case_id: int, by: Any, text: str) -> CaseNote:
    """A note on other debts and problems: stored encrypted."""
    case = _worker_case(by, case_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Schrijf een notitie."})
    if len(text) > 5000:
        raise ValidationError({"text": "Een notitie is hoogstens 5000 tekens."})
    note = CaseNote.objects.create(
        case=case, text=text, organisation_id=by.organisation_id, written_by=by
    )
    _log(
        by,
        case,
        action="create",
        name="case_note.add",
        object_type="case_note",
        object_id=note.public_id,
        fields=["text"],
    )
    return note


def _parse_amount(value: Any) -> Decimal | None:
    """The Dutch amount parser (1234.56, 1.234,56, € 1.234,56); None for anything invalid."""
    try:
        return parse_amount(value)
    except FieldError:
        return None


def _check_deployment(
    instrument: Instrument,
    organisation: Organisation,
    deployed_on: date,
    monthly_amount: Any,
    *,
    first_due_on: date | None = None,
    agreements: str = "",
) -> str | None:
    """Dutch errors per field, or the monthly amount as text. An instrument with agreements
    needs its first due date (on or after the day of deployment); a landlord's own one also its
    terms (docs/adr/0009-demonstrable-facts.md)."""
    errors: dict[str, str] = {}
    if not instrument.may_be_deployed_by(organisation):
        errors["instrument"] = "Uw organisatie kan dit instrument niet inzetten."
    if deployed_on is None:
        errors["deployed_on"] = "Vul de datum van inzet in."
    elif deployed_on > timezone.localdate():
        errors["deployed_on"] = "Een datum in de toekomst kan niet."
    if instrument.has_agreements and not instrument.kept_while_running:
        if first_due_on is None:
            errors["first_due_on"] = (
                "Vul de eerste vervaldatum in: de eerste datum waarop een afspraak moet zijn "
                "nagekomen (bijvoorbeeld de eerste termijn)."
            )
        elif deployed_on is not None and first_due_on < deployed_on:
            errors["first_due_on"] = "De eerste vervaldatum ligt voor de datum van inzet."
        if organisation.is_partner and not (agreements or "").strip():
            errors["agreements"] = (
                "Beschrijf de afspraken (bijvoorbeeld: 6 termijnen van € 150 per maand): zonder "
                "afspraken telt de regeling niet als aantoonbaar ingezet."
            )
    amount_text = None
    if instrument.has_monthly_amount:
        amount = _parse_amount(monthly_amount)
        if amount is None or amount <= 0:
            errors["monthly_amount"] = "Vul het maandbedrag in, bijvoorbeeld 650,00."
        else:
            amount_text = f"{amount:.2f}"
    if errors:
        raise ValidationError(errors)
    return amount_text


@transaction.atomic
def instrument_deploy(
    *,
    case_id: int,
    by: Any,
    instrument: Instrument,
    deployed_on: date,
    agreements: str = "",
    monthly_amount: Any = None,
    first_due_on: date | None = None,
) -> InstrumentDeployment:
    """A provider or the municipality deploys an instrument for the case's household."""
    case = _worker_case(by, case_id)
    if instrument.has_monthly_amount and not by.has_perm("cases.view_income_cases"):
        raise PermissionDenied
    amount_text = _check_deployment(
        instrument, by.organisation, deployed_on, monthly_amount, first_due_on=first_due_on
    )
    _check_workable(case)
    if case.status == CaseStatus.ASSIGNED:
        _pick_up(case, by)
    deployment = InstrumentDeployment.objects.create(
        case=case,
        instrument=instrument,
        organisation_id=by.organisation_id,
        deployed_on=deployed_on,
        first_due_on=first_due_on if instrument.has_agreements else None,
        agreements=(agreements or "").strip() or None,
        monthly_amount=amount_text,
        recorded_by=by,
    )
    _apply_transition(
        case, CaseStatus.INSTRUMENT_DEPLOYED, by, f"instrument ingezet: {instrument.name}"
    )
    _log(
        by,
        case,
        action="create",
        name="instrument.deploy",
        object_type="instrument_deployment",
        object_id=deployment.public_id,
        fields=["instrument", "deployed_on", "agreements"]
        + (["monthly_amount"] if amount_text else []),
    )
    return deployment


def _own_tenancy(by: Any, tenancy_id: int) -> Tenancy:
    if not getattr(by, "is_authenticated", False) or not by.has_perm("cases.record_own_instrument"):
        raise PermissionDenied
    try:
        return tenancy_get_own(by, tenancy_id)
    except Tenancy.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def landlord_instrument_record(
    *,
    tenancy_id: int,
    by: Any,
    instrument: Instrument,
    deployed_on: date,
    agreements: str = "",
    first_due_on: date | None = None,
) -> InstrumentDeployment:
    """A landlord records its own instrument for its own tenancy, with or without a case.

    It belongs to the tenancy, never to the provider's case, and regie sees it (the landlord's
    own instruments list and the case page).
    """
    tenancy = _own_tenancy(by, tenancy_id)
    _check_deployment(instrument, by.organisation, deployed_on, None,
                      first_due_on=first_due_on, agreements=agreements)  # fmt: skip
    deployment = InstrumentDeployment.objects.create(
        tenancy=tenancy,
        instrument=instrument,
        organisation_id=by.organisation_id,
        deployed_on=deployed_on,
        first_due_on=first_due_on if instrument.has_agreements else None,
        agreements=(agreements or "").strip() or None,
        recorded_by=by,
    )
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="create",
        name="instrument.landlord_record",
        subject_id=tenancy.person.subject_id,
        object_type="instrument_deployment",
        object_id=deployment.public_id,
        fields=["instrument", "deployed_on", "first_due_on", "agreements"],
    )
    return deployment


def _check_event_date(deployment: InstrumentDeployment, kind: str, on: date) -> None:
    if on < deployment.deployed_on:
        raise ValidationError({"on": "Deze datum ligt voor de inzet van het instrument."})
    if (
        kind == InstrumentEvent.Kind.BROKEN
        and deployment.first_due_on is not None
        and on < deployment.first_due_on
    ):
        raise ValidationError(
            {
                "on": "Een afspraak kan pas niet nagekomen zijn na de eerste vervaldatum "
                f"({deployment.first_due_on:%d-%m-%Y})."
            }
        )


def _check_event(kind: str, on: date) -> None:
    errors: dict[str, str] = {}
    if kind not in InstrumentEvent.Kind.values:
        errors["kind"] = "Kies wat er is gebeurd."
    if on is None:
        errors["on"] = "Vul de datum in."
    elif on > timezone.localdate():
        errors["on"] = "Een datum in de toekomst kan niet."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def instrument_event_record(
    *, case_id: int, by: Any, kind: str, on: date, deployment_id: int | None = None
) -> InstrumentEvent:
    """Agreements kept or broken within an instrument, or a refusal to cooperate."""
    case = _worker_case(by, case_id)
    _check_event(kind, on)
    deployment = None
    if deployment_id is not None:
        deployment = InstrumentDeployment.objects.filter(case=case, pk=deployment_id).first()
        if deployment is None:
            raise ValidationError({"deployment": "Kies een instrument van deze zaak."})
    if kind != InstrumentEvent.Kind.REFUSED and deployment is None:
        raise ValidationError({"deployment": "Kies het instrument waar de afspraken bij horen."})
    if deployment is not None:
        _check_event_date(deployment, kind, on)
    event = InstrumentEvent.objects.create(
        case=case,
        deployment=deployment,
        kind=kind,
        on=on,
        organisation_id=by.organisation_id,
        recorded_by=by,
    )
    if kind == InstrumentEvent.Kind.KEPT and case.status == CaseStatus.INSTRUMENT_DEPLOYED:
        _apply_transition(case, CaseStatus.MONITORING, by, "afspraken worden nagekomen")
    _log(
        by,
        case,
        action="create",
        name="instrument.event",
        object_type="instrument_event",
        object_id=event.public_id,
        fields=["kind", "on"],
    )
    return event


@transaction.atomic
def landlord_instrument_event_record(
    *, deployment_id: int, by: Any, kind: str, on: date
) -> InstrumentEvent:
    """A landlord records that agreements of ITS OWN instrument were kept or broken."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm("cases.record_own_instrument"):
        raise PermissionDenied
    deployment = (
        InstrumentDeployment.objects.select_related("tenancy__person")
        .filter(
            pk=deployment_id,
            organisation_id=by.organisation_id,
            tenancy__partner_id=by.organisation_id,
        )
        .first()
    )
    if deployment is None:
        raise PermissionDenied
    if kind == InstrumentEvent.Kind.REFUSED:
        raise ValidationError({"kind": "Een weigering legt de hulpverlener vast."})
    _check_event(kind, on)
    _check_event_date(deployment, kind, on)
    event = InstrumentEvent.objects.create(
        deployment=deployment,
        kind=kind,
        on=on,
        organisation_id=by.organisation_id,
        recorded_by=by,
    )
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="create",
        name="instrument.landlord_event",
        subject_id=deployment.tenancy.person.subject_id,
        object_type="instrument_event",
        object_id=event.public_id,
        fields=["kind", "on"],
    )
    return event


@transaction.atomic
def instrument_end(*, deployment_id: int, by: Any, on: date) -> InstrumentDeployment:
    """End a running instrument (e.g. Geregelde betaling stops)."""
    deployment = InstrumentDeployment.objects.get(pk=deployment_id)
    case = _worker_case(by, deployment.case_id)
    deployment.refresh_from_db()  # read again under the case's lock: ended meanwhile?
    if on is None:
        raise ValidationError({"on": "Vul de datum in."})
    _not_in_future(on)
    if on < deployment.deployed_on:
        raise ValidationError({"on": "Deze datum ligt voor de inzet van het instrument."})
    if deployment.ended_on is not None:
        raise ValidationError("Dit instrument is al beëindigd.")
    deployment.ended_on = on
    deployment.save(update_fields=["ended_on"])
    _log(
        by,
        case,
        action="update",
        name="instrument.end",
        object_type="instrument_deployment",
        object_id=deployment.public_id,
        fields=["ended_on"],
    )
    return deployment


@transaction.atomic
def case_close(
    *, case_id: int, by: Any, end_result: str, expected_status: str | None = None
) -> Case:
    """Close the case with one DDAS EnumEindresultaat value."""
    case = _worker_case(by, case_id)
    if end_result not in END_RESULTS:
        raise ValidationError({"end_result": "Kies een eindresultaat uit de landelijke lijst."})
    case.end_result = end_result
    _apply_transition(
        case,
        CaseStatus.CLOSED,
        by,
        f"afgesloten: {end_result}",
        expected_status=expected_status,
        extra_fields=("end_result",),
    )
    # The signals follow their case: a reason the partner may know becomes their status.
    if end_result in NOT_TAKEN_UP or end_result == SignalStatus.ALREADY_KNOWN:
        Signal.objects.filter(
            case=case, status__in=[SignalStatus.NOT_YET_PICKED_UP, SignalStatus.PICKED_UP]
        ).update(status=end_result)
    _log(
        by,
        case,
        action="update",
        name="case.close",
        object_type="case",
        object_id=case.public_id,
        fields=["status", "end_result"],
    )
    return case


# ---------------------------------------------------------------------------------------------
# A landlord's own tenant without a signal (B2 reachable for every tenant, issue #9).
# ---------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any, label: str, errors: dict, field: str, *, limit: int, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        if required:
            errors[field] = f"{label} is verplicht."
        return ""
    if len(text) > limit:
        errors[field] = f"{label} is te lang: hoogstens {limit} tekens."
    elif str(value).lstrip(" ")[:1] in _FORMULA_START:
        errors[field] = f"{label} mag niet beginnen met =, +, -, @, een tab of een regeleinde."
    return text


@transaction.atomic
def tenancy_register(
    *,
    by: Any,
    reference: str,
    surname: str,
    birth_date: date | None,
    postcode: str,
    house_number: Any,
    initials: str = "",
    prefix: str = "",
    house_letter: str = "",
    addition: str = "",
) -> tuple[Tenancy, bool]:
    """A landlord registers its own tenant, without reporting a signal, to record its own
    instrument (a payment plan: B2). Returns (tenancy, created); an existing tenancy of this
    tenant is returned as it is. The person is recognised as the intake does (cases.identity).
    """
    if (
        not getattr(by, "is_authenticated", False)
        or not by.has_perm("cases.record_own_instrument")
        or not by.organisation.is_landlord
    ):
        raise PermissionDenied
    errors: dict[str, str] = {}
    reference = _text(reference, "Referentie", errors, "reference", limit=60, required=True)
    surname = _text(surname, "Achternaam", errors, "surname", limit=100, required=True)
    initials = _text(initials, "Voorletters", errors, "initials", limit=20, required=False)
    prefix = _text(prefix, "Tussenvoegsel", errors, "prefix", limit=20, required=False)
    addition = _text(addition, "Toevoeging", errors, "addition", limit=4, required=False)
    if surname and looks_like_organisation(surname):
        errors["surname"] = (
            "Dit huurcontract staat op naam van een bedrijf of instelling. De Sluitende Aanpak "
            "geldt voor huurders die natuurlijke personen zijn."
        )
    if birth_date is None:
        errors["birth_date"] = (
            "Vul de geboortedatum in: daarmee herkent het Meldpunt de huurder en nooit iemand anders."
        )
    elif birth_date > timezone.localdate() or birth_date.year < 1900:
        errors["birth_date"] = "Vul een geboortedatum in tussen 1900 en vandaag."
    try:
        postcode = parse_postcode(postcode)
    except FieldError as exc:
        errors["postcode"] = str(exc)
    number = str(house_number or "").strip()
    if not (number.isascii() and number.isdigit() and 0 < int(number) <= 99999):
        errors["house_number"] = "Een huisnummer is een getal van 1 tot en met 99999."
    letter = (house_letter or "").strip().upper()
    if letter and not (len(letter) == 1 and letter.isalpha()):
        errors["house_letter"] = "Een huisletter is één letter."
    district = None
    if "postcode" not in errors:
        district, _reason = RoutingTable().district(postcode)
        if district is None or district.municipality_id not in by.organisation.municipality_ids():
            errors["postcode"] = (
                "Deze postcode ligt niet in een gemeente waarvoor u bij het Meldpunt signaleert."
            )
    if errors:
        raise ValidationError(errors)
    key = person_key(surname, prefix, birth_date)
    birth = birth_key(birth_date)
    person = Person.objects.filter(name_key=key).first()
    if person is None:
        by_reference = (
            Tenancy.objects.filter(partner_id=by.organisation_id, reference=reference)
            .select_related("person")
            .order_by("-id")
            .first()
        )
        rule = identity.recognise(
            by_name=False,
            reference_birth_key=by_reference.person.birth_key if by_reference else None,
            birth_key=birth,
        )
        person = by_reference.person if rule == "P2" else None
    if person is None:
        person = Person.objects.create(name_key=key, birth_key=birth)
    elif not person.name_key:
        Person.objects.filter(pk=person.pk).update(name_key=key, birth_key=birth)
    existing = Tenancy.objects.filter(partner_id=by.organisation_id, person=person).first()
    if existing is not None:
        return existing, False
    tenancy = Tenancy.objects.create(
        partner_id=by.organisation_id,
        person=person,
        reference=reference,
        household_index=household_key(postcode, int(number), letter, addition),
        municipality_id=district.municipality_id,
        details={
            "person": {
                "voorletters": initials,
                "tussenvoegsel": prefix,
                "achternaam": surname,
                "geboortedatum": birth_date.isoformat(),
                "postcode": postcode,
                "huisnummer": int(number),
                "huisletter": letter,
                "huisnummertoevoeging": addition,
            }
        },
        registered_by=by,
    )
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="create",
        name="tenancy.register",
        subject_id=person.subject_id,
        object_type="tenancy",
        object_id=tenancy.public_id,
        fields=["reference", "name", "birth_date", "address"],
    )
    return tenancy, True


# ---------------------------------------------------------------------------------------------
# Review of automatic decisions (issue #9): regie overturns what the intake decided by itself.
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def signal_overturn(*, signal_id: int, by: Any, reason: str) -> Signal:
    """Regie takes up a signal the intake did not take up (outside the target group, deceased,
    not a resident, repeat): it joins the person's open case or opens one that waits for triage.
    The landlord's feedback follows the signal; the overturn is in the signal's history and the
    processing log."""
    if not (
        getattr(by, "is_authenticated", False)
        and by.has_perm("intake.triage_signal")
        and by.organisation.is_municipality
    ):
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Geef de reden waarom u het signaal toch oppakt."})
    if len(reason) > 250:
        raise ValidationError({"reason": "Een reden is hoogstens 250 tekens."})
    try:
        signal = (
            Signal.objects.for_user(by)
            .select_for_update(of=("self",))
            .select_related("person", "tenancy", "district")
            .defer("details")
            .get(pk=signal_id)
        )
    except Signal.DoesNotExist:
        raise PermissionDenied from None
    if signal.status not in AUTOMATIC_NOT_TAKEN_UP or signal.person is None:
        raise ValidationError("Dit signaal is al opgepakt of kan niet meer worden opgepakt.")
    case = (
        Case.objects.select_for_update()
        .filter(members__person=signal.person, municipality_id=signal.municipality_id)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("opened_at", "id")
        .first()
    )
    if case is None:
        case = Case.objects.create(
            subject_id=signal.person.subject_id,
            household_index=signal.household_index,
            municipality_id=signal.municipality_id,
            district=signal.district,
            crisis=signal.crisis,
            routing_reason="handmatig opgepakt door regie",
        )
        case.due_on = case_due_on(case, attempted=False)
        case.save(update_fields=["due_on"])
        _record(case, "", CaseStatus.RECEIVED, by, f"signaal toch opgepakt: {reason}")
    elif signal.crisis and not case.crisis:
        case.crisis = True
        case.due_on = case_due_on(case)
        Case.objects.filter(pk=case.pk).update(crisis=True, due_on=case.due_on)
    CaseMember.objects.get_or_create(case=case, person=signal.person)
    previous = signal.status
    signal.status = (
        SignalStatus.PICKED_UP if case.picked_up_on is not None else SignalStatus.NOT_YET_PICKED_UP
    )
    signal.case = case
    signal.decision = f"handmatig opgepakt door regie: {reason}"[:200]
    signal.save(update_fields=["status", "case", "decision"])
    SignalStatusChange.objects.create(
        signal=signal, from_status=previous, to_status=signal.status, by=by, reason=reason
    )
    processing_log_record(
        actor=by,
        activity="triage",
        action="update",
        name="signal.overturn",
        subject_id=signal.person.subject_id,
        object_type="signal",
        object_id=signal.public_id,
        fields=["status", "case"],
    )
    feedback_may_have_changed.send(sender=Signal, signal_ids=[signal.pk])
    return signal


# ---------------------------------------------------------------------------------------------
# Caseworkers (issue #12): the team lead distributes, a caseworker takes a case up.
# ---------------------------------------------------------------------------------------------


def works_for(user: Any, case: Case) -> bool:
    """Whether ``user`` is one of the caseworkers of the organisation working ``case``."""
    if not user.has_perm("cases.work_case") or user.organisation_id is None:
        return False
    if case.provider_id is not None:
        return case.provider_id == user.organisation_id
    return (
        case.track == Track.GEREGELDE_BETALING
        and user.has_perm("cases.view_income_cases")
        and not user.has_perm("cases.view_all_cases")
    )


def _set_caseworker(case: Case, caseworker: Any, by: Any, reason: str) -> None:
    previous_id = case.caseworker_id
    case.caseworker = caseworker
    Case.objects.filter(pk=case.pk).update(caseworker=caseworker)
    CaseworkerAssignment.objects.create(
        case=case, caseworker=caseworker, previous_id=previous_id, by=by, reason=reason[:300]
    )


@transaction.atomic
def case_caseworker_assign(
    *, case_ids: list[int], caseworker: Any | None, by: Any, reason: str = ""
) -> int:
    """The team lead gives open cases of the own organisation to one of its caseworkers (or
    back to the organisation's queue with ``caseworker`` None). Returns how many changed hands;
    every change is in the case's assignment history and the processing log."""
    if not by.has_perm("cases.distribute_cases"):
        raise PermissionDenied
    if not case_ids:
        raise ValidationError({"cases": "Kies de zaken die u wilt toewijzen."})
    if (
        caseworker is not None
        and not caseworkers_of(by.organisation).filter(pk=caseworker.pk).exists()
    ):
        raise ValidationError({"caseworker": "Kies een casemanager van uw eigen organisatie."})
    cases = list(
        Case.objects.for_user(by)
        .select_for_update()
        .filter(pk__in=set(case_ids))
        .exclude(status=CaseStatus.CLOSED)
        .order_by("id")
    )
    if len(cases) != len(set(case_ids)):
        raise ValidationError(
            {"cases": "Een of meer gekozen zaken zijn afgesloten of niet van uw organisatie; "
                      "er is niets toegewezen."}
        )  # fmt: skip
    changed = [c for c in cases if c.caseworker_id != (caseworker.pk if caseworker else None)]
    label = "terug naar de organisatie" if caseworker is None else "toegewezen door teamleider"
    for case in changed:
        _set_caseworker(case, caseworker, by, f"{label}. {reason}".strip())
    processing_log_record_many(
        actor=by,
        activity="outreach",
        action="update",
        name="case.assign_caseworker",
        items=[
            Processing(case.subject_id, "case", case.public_id, ("caseworker",)) for case in changed
        ],
    )
    return len(changed)


@transaction.atomic
def case_take(*, case_id: int, by: Any) -> Case:
    """A caseworker takes a case of the own organisation that nobody works yet."""
    case = _worker_case(by, case_id)
    if not case.is_open:
        raise ValidationError("Deze zaak is afgesloten.")
    if not works_for(by, case):
        raise PermissionDenied
    if case.caseworker_id == by.pk:
        return case
    if case.caseworker_id is not None:
        raise ValidationError(
            "Een collega werkt deze zaak al. Vraag uw teamleider om haar aan u toe te wijzen."
        )
    _set_caseworker(case, by, by, "zelf toegewezen")
    _log(
        by,
        case,
        action="update",
        name="case.take",
        object_type="case",
        object_id=case.public_id,
        fields=["caseworker"],
    )
    return case


# ---------------------------------------------------------------------------------------------
# Home visits (issue #12): planned by date and part of day, done by recording the attempt.
# ---------------------------------------------------------------------------------------------

VISIT_HORIZON_DAYS = 366


@transaction.atomic
def home_visit_plan(*, case_id: int, by: Any, planned_on: date, part_of_day: str) -> HomeVisit:
    """Plan a home visit for a case the user works: today or later, within a year."""
    case = _worker_case(by, case_id)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if planned_on is None:
        errors["planned_on"] = "Vul de datum van het bezoek in."
    elif planned_on < today:
        errors["planned_on"] = "Een bezoek plant u vandaag of later, niet in het verleden."
    elif (planned_on - today).days > VISIT_HORIZON_DAYS:
        errors["planned_on"] = "Plan een bezoek binnen een jaar."
    if part_of_day not in PartOfDay.values:
        errors["part_of_day"] = "Kies het dagdeel van het bezoek."
    if errors:
        raise ValidationError(errors)
    _check_workable(case)
    if case.visits.open().filter(planned_on=planned_on).exists():
        raise ValidationError({"planned_on": "Op die dag staat al een bezoek gepland."})
    visit = HomeVisit.objects.create(
        case=case,
        planned_on=planned_on,
        part_of_day=part_of_day,
        organisation_id=by.organisation_id,
        planned_by=by,
    )
    _log(
        by,
        case,
        action="create",
        name="home_visit.plan",
        object_type="home_visit",
        object_id=visit.public_id,
        fields=["planned_on", "part_of_day"],
    )
    return visit


# ---------------------------------------------------------------------------------------------
# Letters and door cards (issue #12): templates by functioneel beheer, produced per case.
# ---------------------------------------------------------------------------------------------

LETTER_TEXT_FIELDS = ("subject_nl", "action_nl", "body_nl", "subject_en", "action_en", "body_en")
_LETTER_FIELD_LABELS = {
    "subject_nl": "het onderwerp (Nederlands)",
    "action_nl": "wat de huurder moet doen (Nederlands)",
    "body_nl": "de tekst (Nederlands)",
    "subject_en": "het onderwerp (Engels)",
    "action_en": "wat de huurder moet doen (Engels)",
    "body_en": "de tekst (Engels)",
}


@transaction.atomic
def letter_template_change(*, code: str, by: Any, values: dict[str, str]) -> LetterTemplate:
    """A new version of a template (the old one stays, as history). Placeholders must exist;
    a door card must fit on a card and a letter on one page."""
    if not by.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    current = LetterTemplate.objects.filter(code=code).order_by("-changed_at", "-id").first()
    if current is None:
        raise ValidationError("Dit sjabloon bestaat niet.")
    errors: dict[str, str] = {}
    limit = letters.MAX_CHARS.get(current.kind, 3000)
    for field in LETTER_TEXT_FIELDS:
        text = (values.get(field) or "").strip()
        label = _LETTER_FIELD_LABELS[field]
        if not text:
            errors[field] = f"Vul {label} in."
            continue
        unknown = letters.unknown_placeholders(text)
        if unknown:
            names = ", ".join("{" + u + "}" for u in unknown)
            errors[field] = (
                f"Onbekend invulveld in {label}: {names}. Kies uit de lijst naast het formulier."
            )
        elif field.startswith("subject") and len(text) > 150:
            errors[field] = f"Maak {label} korter: hoogstens 150 tekens."
        elif len(text) > limit:
            errors[field] = (
                f"Maak {label} korter: hoogstens {limit} tekens, zodat het op één "
                f"{'kaartje' if current.kind == LetterKind.DOOR_CARD else 'pagina'} past."
            )
    if errors:
        raise ValidationError(errors)
    return LetterTemplate.objects.create(
        code=current.code,
        kind=current.kind,
        name=current.name,
        changed_by=by,
        **{field: values[field].strip() for field in LETTER_TEXT_FIELDS},
    )


def _letter_values(case: Case, by: Any, on: date) -> dict[str, str]:
    """What the placeholders hold for this case: the tenant from the latest signal, the
    caseworker's own direct number and mailbox (the organisation's when the caseworker has
    none)."""
    signal = case.signals.select_related("partner").order_by("-received_at", "-id").first()
    person = signal.person_details if signal else {}
    worker = case.caseworker or by
    organisation = case.provider or by.organisation
    number = f"{person.get('huisnummer') or ''}{person.get('huisletter') or ''}"
    if person.get("huisnummertoevoeging"):
        number += f"-{person['huisnummertoevoeging']}"
    return letters.values_for(
        name=signal.display_name if signal else "",
        street=f"{person.get('straat', '')} {number}".strip(),
        postcode_place=f"{person.get('postcode', '')} {person.get('woonplaats', '')}".strip(),
        on=on,
        reference=case.reference,
        caseworker=(worker.get_full_name() or worker.email) if worker else "",
        phone=getattr(worker, "direct_phone", "") or organisation.phone,
        email=getattr(worker, "contact_email", "") or organisation.email,
        organisation=organisation.name,
        municipality=case.municipality.official_name,
        creditor=signal.partner.name if signal else "",
    )


def letter_fill(letter: CaseLetter) -> tuple[letters.Filled, dict[str, str]]:
    """The text of a produced letter, filled for its case (for the PDF)."""
    template, language = letter.template, letter.language
    values = _letter_values(letter.case, letter.produced_by, letter.produced_on)
    if letter.produced_by is None:
        values["casemanager"] = values["casemanager"] or letter.organisation.name
    filled = letters.Filled(
        subject=letters.fill(getattr(template, f"subject_{language}"), values),
        action=letters.paragraphs(getattr(template, f"action_{language}"), values),
        body=letters.paragraphs(getattr(template, f"body_{language}"), values),
        language=language,
    )
    return filled, values


@transaction.atomic
def letter_produce(*, case_id: int, by: Any, code: str, language: str = "nl") -> CaseLetter:
    """Produce a letter or door card for a case (the newest version of the template). A letter
    or card is a contact attempt (DDAS Brief / Kaartje, not reached, today); the information
    letter (AVG art. 14) is the municipality's and is recorded as sent, not as an attempt."""
    template = LetterTemplate.objects.filter(code=code).order_by("-changed_at", "-id").first()
    if template is None:
        raise ValidationError({"template": "Kies een brief of kaartje."})
    if language not in ("nl", "en"):
        raise ValidationError({"language": "Kies Nederlands of Engels."})
    today = timezone.localdate()
    if template.is_contact_attempt:
        case = _worker_case(by, case_id)
        _check_workable(case)
    else:
        if not by.has_perm("intake.triage_signal"):
            raise PermissionDenied
        try:
            case = Case.objects.for_user(by).select_for_update().get(pk=case_id)
        except Case.DoesNotExist:
            raise PermissionDenied from None
    letter = CaseLetter.objects.create(
        case=case,
        template=template,
        language=language,
        organisation_id=by.organisation_id,
        produced_by=by,
        produced_on=today,
    )
    if template.is_contact_attempt:
        hour = timezone.localtime().hour
        part = (
            PartOfDay.MORNING
            if hour < 12
            else PartOfDay.AFTERNOON
            if hour < 18
            else PartOfDay.EVENING
        )
        kind = ContactKind.LETTER if template.kind == LetterKind.LETTER else ContactKind.CARD
        letter.attempt = contact_attempt_record(
            case_id=case.pk, by=by, kind=kind, reached=False, on=today, part_of_day=part
        )
        letter.save(update_fields=["attempt"])
    _log(
        by,
        case,
        action="create",
        name="letter.produce",
        object_type="letter",
        object_id=letter.public_id,
        fields=["name", "address"],
        activity="outreach" if template.is_contact_attempt else "triage",
    )
    return letter


# ---------------------------------------------------------------------------------------------
# The assessment frame (afwegingskader, issue #12): new cases into named queues.
# ---------------------------------------------------------------------------------------------


def frame_place_cases(*, case_ids: list[int]) -> int:
    """Put cases that have no queue yet in one, by the frame in force, from their stored
    signals. A case that has a queue keeps it: a change of the rules never moves a case that
    is already being worked. (The intake places the cases it opens as it writes them,
    ``filing.CaseFileBatch``, with the same ``frame.Placer``.)"""
    if not case_ids:
        return 0
    place = frame.Placer(frame_in_force(), timezone.localdate())
    signals: dict[int, list[Signal]] = {}
    for signal in Signal.objects.filter(case_id__in=case_ids, case__queue="").order_by(
        "received_at", "id"
    ):
        signals.setdefault(signal.case_id, []).append(signal)
    # A few UPDATEs, one per (queue, action, rule) and chunk, not one row at a time.
    groups: dict[tuple[str, str, str], list[int]] = {}
    for case_id, case_signals in signals.items():
        groups.setdefault(place(case_signals), []).append(case_id)
    for (queue, action, label), ids in groups.items():
        for start in range(0, len(ids), 500):
            Case.objects.filter(pk__in=ids[start : start + 500], queue="").update(
                queue=queue, first_action=action, queue_rule=label
            )
    return len(signals)


RULE_FLAGS = ("several_creditors", "crisis", "under_27", "warm_handover", "repeat")


@transaction.atomic
def frame_change(*, by: Any, rules: list[dict[str, Any]]) -> AssessmentFrame:
    """A new version of the frame (the old ones stay as history). Applies to cases that arrive
    from now on; cases already in a queue stay where they are."""
    if not by.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    if not rules:
        raise ValidationError("Het afwegingskader heeft minstens één regel nodig.")
    clean = []
    for number, rule in enumerate(rules, start=1):
        queue = (rule.get("queue") or "").strip()
        if not queue:
            raise ValidationError(f"Regel {number}: vul de naam van de werkbak in.")
        if rule.get("action") not in frame.ACTIONS:
            raise ValidationError(f"Regel {number}: kies de eerste actie.")
        item: dict[str, Any] = {"queue": queue[:80], "action": rule["action"]}
        if rule.get("partner_type"):
            item["partner_type"] = rule["partner_type"]
        for field in ("min_amount", "min_months"):
            value = rule.get(field)
            if value not in (None, ""):
                if Decimal(str(value)) < 0:
                    raise ValidationError(f"Regel {number}: een minimum is nul of meer.")
                item[field] = str(value)
        item.update({flag: True for flag in RULE_FLAGS if rule.get(flag)})
        clean.append(item)
    return AssessmentFrame.objects.create(rules=clean, changed_by=by)
