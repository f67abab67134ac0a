"""What the case file holds about people, and how it forgets and exports it.

The knowledge of which columns are personal sits here, beside the models; the data-protection
app (``meldpunt.dataprotection``) decides WHEN (retention periods, an access request) and asks
each app to anonymise or export its own rows (docs/adr/0006-retention.md, docs/architecture.md).

Anonymised rows keep their non-personal columns (status, track, district, provider, end result,
flags, dates truncated to the month) so evaluation figures stay the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from meldpunt.core.anonymous import ANONYMISED, ANONYMISED_REFERENCE, anonymous_key, iso
from meldpunt.privacy.keys import person_key

from .models import (
    Arrangement,
    ArrangementChange,
    Case,
    CaseMember,
    CaseNote,
    ContactAttempt,
    IncomeInstruction,
    InstrumentDeployment,
    InstrumentEvent,
    Person,
    Signal,
    Tenancy,
)
from .vocabulary import NOT_TAKEN_UP, SignalStatus
from .workflow import CaseStatus

SIGNAL_PERSONAL_FIELDS = (
    "details", "person_index", "household_index", "partner_reference", "person", "tenancy",
)  # fmt: skip
CASE_PERSONAL_FIELDS = (
    "household_index", "routing_reason", "notes", "agreements", "members", "arrangements",
    "income_instructions",
)  # fmt: skip
# Geregelde betaling: what an arrangement and its instructions hold about the tenant.
ARRANGEMENT_PERSONAL_FIELDS = (
    "client_number", "rent_amount", "arrears_instalment", "payment_reference", "consent_on",
    "history", "instructions",
)  # fmt: skip
TENANCY_PERSONAL_FIELDS = ("details", "reference", "household_index", "person", "agreements")


# --- what has expired -----------------------------------------------------------------------


def closed_cases(*, not_taken_up: bool, closed_before: datetime) -> QuerySet[Case]:
    """Closed, not yet anonymised cases closed before the cutoff, locked; "niet opgepakt" ones
    count as signals not taken up (their own, shorter period)."""
    closed = (
        Case.objects.select_for_update()
        .filter(status=CaseStatus.CLOSED, closed_at__lt=closed_before)
        .exclude(household_index__startswith=ANONYMISED)
    )
    if not_taken_up:
        return closed.filter(end_result__in=NOT_TAKEN_UP)
    return closed.exclude(end_result__in=NOT_TAKEN_UP)


def loose_signals_not_taken_up(*, received_before: datetime) -> QuerySet[Signal]:
    """Signals the intake did not take up and that are in no case, received before the cutoff."""
    return Signal.objects.filter(case__isnull=True, received_at__lt=received_before).exclude(
        Q(status=SignalStatus.NOT_YET_PICKED_UP) | Q(person_index__startswith=ANONYMISED)
    )


def signals_to_anonymise(signals: QuerySet[Signal], case_ids: Iterable[int]) -> QuerySet[Signal]:
    chosen = Q(pk__in=signals.values("pk")) | Q(case_id__in=list(case_ids))
    return Signal.objects.filter(chosen).exclude(person_index__startswith=ANONYMISED)


def expired_own_tenancies(*, before: datetime) -> QuerySet[Tenancy]:
    """Tenancies a landlord registered itself, without signals, with nothing recorded since the
    cutoff (registration and its own instruments are all older)."""
    recent = InstrumentDeployment.objects.filter(tenancy=OuterRef("pk"), recorded_at__gte=before)
    return Tenancy.objects.filter(
        signals__isnull=True, details__isnull=False, person__isnull=False, created_at__lt=before
    ).exclude(Exists(recent))


# --- forgetting -----------------------------------------------------------------------------


def anonymise_signals(ids: list[int]) -> None:
    if not ids:
        return
    Signal.objects.filter(pk__in=ids).update(
        person=None,
        tenancy=None,
        details={},
        person_index=anonymous_key("s"),
        household_index=anonymous_key("s"),
        partner_reference=ANONYMISED_REFERENCE,
        intake_key=anonymous_key("s"),
        decision="",
        signal_date=TruncMonth("signal_date"),
        received_at=TruncMonth("received_at"),
        contact_attempted_on=TruncMonth("contact_attempted_on"),
        referred_to_debt_help_on=TruncMonth("referred_to_debt_help_on"),
        written_reminder_on=TruncMonth("written_reminder_on"),
        tenant_informed_on=TruncMonth("tenant_informed_on"),
    )


def _truncate_deployments(deployments: QuerySet[InstrumentDeployment]) -> None:
    deployments.update(
        agreements=None,
        monthly_amount=None,
        deployed_on=TruncMonth("deployed_on"),
        first_due_on=TruncMonth("first_due_on"),
        ended_on=TruncMonth("ended_on"),
        recorded_at=TruncMonth("recorded_at"),
    )


def anonymise_cases(ids: list[int]) -> None:
    """Notes go; attempts, instruments and events keep only what the figures need. The status
    history stays as it is: it is the process statistics and a database trigger keeps it
    append-only; its reasons are routing texts of regie, not personal data (ADR 0006)."""
    if not ids:
        return
    CaseNote.objects.filter(case_id__in=ids).delete()
    CaseMember.objects.filter(case_id__in=ids).delete()
    ContactAttempt.objects.filter(case_id__in=ids).update(
        on=TruncMonth("on"), recorded_at=TruncMonth("recorded_at")
    )
    _truncate_deployments(InstrumentDeployment.objects.filter(case_id__in=ids))
    InstrumentEvent.objects.filter(case_id__in=ids).update(
        on=TruncMonth("on"), recorded_at=TruncMonth("recorded_at")
    )
    anonymise_arrangements(case_ids=ids)
    Case.objects.filter(pk__in=ids).update(
        household_index=anonymous_key("z"),
        routing_reason="",
        opened_at=TruncMonth("opened_at"),
        assigned_at=TruncMonth("assigned_at"),
        picked_up_on=TruncMonth("picked_up_on"),
        closed_at=TruncMonth("closed_at"),
    )


def arrangement_rows(case_ids: Iterable[int]) -> list[tuple[Any, Any]]:
    """(public id, subject id) of each arrangement of these cases: the deletion record's ids."""
    return list(
        Arrangement.objects.filter(case_id__in=list(case_ids)).values_list(
            "public_id", "case__subject_id"
        )
    )


def anonymise_arrangements(*, case_ids: list[int]) -> None:
    """Geregelde betaling forgets the client number, the amounts, the payment reference, what
    was instructed and the income administration's answers; it keeps its steps, the basis, the
    end reason and dates truncated to the month, so the Geregelde betaling figures stay."""
    arrangements = Arrangement.objects.filter(case_id__in=case_ids)
    IncomeInstruction.objects.filter(arrangement__in=arrangements).update(
        payload={},
        answer="",
        last_error="",
        created_at=TruncMonth("created_at"),
        delivered_at=TruncMonth("delivered_at"),
        answered_at=TruncMonth("answered_at"),
    )
    # The history keeps who moved what when; its reasons can quote the income administration's
    # free-text answer (about this tenant), so they go. (The history has no UPDATE trigger: it is
    # append-only through the model; retention is the one writer allowed to blank it.)
    ArrangementChange.objects.filter(arrangement__in=arrangements).update(reason="")
    arrangements.update(
        client_number=ANONYMISED_REFERENCE,
        rent_amount=ANONYMISED_REFERENCE,
        arrears_instalment=None,
        payment_reference=ANONYMISED_REFERENCE,
        consent_on=TruncMonth("consent_on"),
        due_on=None,
        started_on=TruncMonth("started_on"),
        ended_on=TruncMonth("ended_on"),
        created_at=TruncMonth("created_at"),
    )


def instructions_answered(ids: set[str]) -> dict[str, str] | None:
    """The tenant's pseudonym per instruction when the income administration answered every
    one of them (confirmed or refused), so the exchange file holding them may go; else None
    (an id the Meldpunt does not know, or one still waiting, keeps the file)."""
    try:
        wanted = {str(uuid.UUID(i)) for i in ids}
    except ValueError:
        return None
    rows = list(
        IncomeInstruction.objects.filter(
            public_id__in=wanted,
            status__in=[IncomeInstruction.Status.CONFIRMED, IncomeInstruction.Status.REFUSED],
        ).values_list("public_id", "arrangement__case__subject_id")
    )
    if not wanted or len(rows) != len(wanted):
        return None
    return {str(p): str(s) for p, s in rows}


def tenancy_rows(tenancies: QuerySet[Tenancy]) -> list[tuple[int, Any, Any]]:
    """(id, public id, subject id) of each tenancy, read before it forgets its person."""
    return list(tenancies.values_list("pk", "public_id", "person__subject_id"))


def anonymise_tenancies(ids: list[int]) -> None:
    """Tenancies left without a person's signals: the landlord's own instruments for them keep
    only their figures, the tenancy forgets who it was."""
    if not ids:
        return
    _truncate_deployments(InstrumentDeployment.objects.filter(tenancy_id__in=ids))
    InstrumentEvent.objects.filter(deployment__tenancy_id__in=ids).update(
        on=TruncMonth("on"), recorded_at=TruncMonth("recorded_at")
    )
    Tenancy.objects.filter(pk__in=ids).update(
        person=None,
        details=None,
        reference=ANONYMISED_REFERENCE,
        household_index=anonymous_key("h"),
    )


def emptied_tenancies() -> QuerySet[Tenancy]:
    """Tenancies born from signals that are all anonymised now (a registered one has details)."""
    return Tenancy.objects.filter(signals__isnull=True, details__isnull=True, person__isnull=False)


def forget_unreferenced_persons() -> int:
    """A person nothing refers to any more (no signal, tenancy or case) is deleted."""
    deleted, _ = Person.objects.filter(
        signals__isnull=True, tenancies__isnull=True, memberships__isnull=True
    ).delete()
    return deleted


# --- finding and exporting (access requests) --------------------------------------------------


def signals_about(
    *, person_key: str = "", household_key: str = "", municipality_ids: list[int] | None = None
) -> QuerySet[Signal]:
    """Signals about a person (by the key of name + birth date: as delivered, or the person's
    own) or at an address; never anonymised ones; only of these municipalities when given."""
    if person_key:
        found = Q(person_index=person_key) | Q(person__name_key=person_key)
    elif household_key:
        found = Q(household_index=household_key)
    else:
        return Signal.objects.none()
    if municipality_ids is not None:
        found &= Q(municipality_id__in=municipality_ids)
    return (
        Signal.objects.filter(found)
        .exclude(person_index__startswith=ANONYMISED)
        .select_related("person", "partner", "district")
        .order_by("received_at", "id")
    )


def person_by_subject(subject_id: str) -> Person | None:
    return Person.objects.filter(subject_id=subject_id).first()


def holdings(person: Person) -> dict[str, list]:
    """Everything the case file holds that is about this person: their signals, the cases of
    their household, and tenancies (with the landlord's own instruments)."""
    signals = list(
        Signal.objects.filter(person=person)
        .select_related("partner", "district")
        .order_by("received_at", "id")
    )
    cases = list(
        Case.objects.filter(Q(members__person=person) | Q(signals__person=person))
        .distinct()
        .select_related("provider", "district")
        .order_by("opened_at", "id")
    )
    tenancies = list(
        Tenancy.objects.filter(person=person).select_related("partner").order_by("created_at")
    )
    # Signals about someone else that name this person as their co-tenant: only that part of
    # them is about this person.
    named = [
        s
        for s in Signal.objects.filter(case__members__person=person)
        .exclude(person=person)
        .select_related("partner")
        .order_by("received_at", "id")
        if _names_as_co_tenant(s, person)
    ]
    return {"signals": signals, "cases": cases, "tenancies": tenancies, "co_tenant_in": named}


def _names_as_co_tenant(signal: Signal, person: Person) -> bool:
    co = signal.co_tenant_details
    if not co.get("medehuurder_achternaam") or not person.name_key:
        return False
    born = co.get("medehuurder_geboortedatum")
    key = person_key(
        co["medehuurder_achternaam"],
        co.get("medehuurder_tussenvoegsel") or "",
        date.fromisoformat(born) if born else None,
    )
    return key == person.name_key


def export_signal(signal: Signal) -> dict[str, Any]:
    return {
        "id": str(signal.public_id),
        "betrokkene": str(signal.subject_id),
        "verhuurder": signal.partner.name,
        "referentie_verhuurder": signal.partner_reference,
        "kanaal": signal.channel,
        "ontvangen": iso(signal.received_at),
        "signaaldatum": iso(signal.signal_date),
        "status": signal.status,
        "beslissing_bij_ontvangst": signal.decision,
        "stadsdeel": signal.district.name if signal.district else None,
        "voortraject": {
            "poging_persoonlijk_contact": iso(signal.contact_attempted_on),
            "gewezen_op_schuldhulp": iso(signal.referred_to_debt_help_on),
            "schriftelijke_herinnering": iso(signal.written_reminder_on),
            "huurder_geinformeerd": iso(signal.tenant_informed_on),
        },
        "crisissignaal": signal.crisis,
        "warme_overdracht": signal.warm_handover,
        "onbereikbaar_in_incasso": signal.unreachable_in_collection,
        "meerdere_problemen": signal.multiple_problems,
        "persoon": signal.person_details,
        "huurachterstand": signal.arrears,
    }


def export_co_tenant_mention(signal: Signal) -> dict[str, Any]:
    """What a signal about someone else says about this person as their co-tenant (only that)."""
    return {
        "signaal": str(signal.public_id),
        "verhuurder": signal.partner.name,
        "ontvangen": iso(signal.received_at),
        "medehuurder": signal.co_tenant_details,
    }


def _deployment(d: InstrumentDeployment) -> dict[str, Any]:
    return {
        "id": str(d.public_id),
        "instrument": d.instrument.name,
        "organisatie": d.organisation.name,
        "ingezet_op": iso(d.deployed_on),
        "eerste_vervaldatum": iso(d.first_due_on),
        "beeindigd_op": iso(d.ended_on),
        "afspraken": d.agreements,
        "maandbedrag": d.monthly_amount,
    }


def _instruction(i: IncomeInstruction) -> dict[str, Any]:
    return {
        "id": str(i.public_id),
        "soort": i.get_kind_display(),
        "stand": i.get_status_display(),
        "aangemaakt": iso(i.created_at),
        "verstuurd": iso(i.delivered_at),
        "bestand": i.batch or None,
        "beantwoord": iso(i.answered_at),
        "antwoord_inkomensadministratie": i.answer or None,
        # What was instructed, as the income administration received it.
        "opdracht": i.payload,
    }


def export_arrangement(a: Arrangement) -> dict[str, Any]:
    """One Geregelde betaling whole: its terms, steps and the instructions to the income
    administration (the payload is what was sent)."""
    return {
        "id": str(a.public_id),
        "stand": a.get_status_display(),
        "gemeente": a.organisation.name,
        "klantnummer_inkomensadministratie": a.client_number,
        "huur_per_maand": a.rent_amount,
        "aflossing_per_maand": a.arrears_instalment,
        "betalingskenmerk_verhuurder": a.payment_reference,
        "eerste_periode": iso(a.first_period),
        "laatste_periode": iso(a.last_period),
        "toestemming_huurder_op": iso(a.consent_on),
        "grondslag": a.get_legal_basis_display() if a.legal_basis else None,
        "loopt_sinds": iso(a.started_on),
        "beeindigd_op": iso(a.ended_on),
        "reden_beeindiging": a.get_end_reason_display() if a.end_reason else None,
        "stappen": [
            {
                "van": h.from_status,
                "naar": h.to_status,
                "op": iso(h.at),
                "organisatie": h.by_organisation.name if h.by_organisation else None,
                "reden": h.reason,
            }
            for h in a.history.select_related("by_organisation")
        ],
        "opdrachten_inkomensadministratie": [
            _instruction(i) for i in a.instructions.order_by("created_at", "id")
        ],
    }


def arrangements_of(cases: Iterable[Case]) -> list[Arrangement]:
    """The arrangements of these cases, for the access request's processing-log lines."""
    return list(
        Arrangement.objects.filter(case__in=[c.pk for c in cases])
        .select_related("case")
        .order_by("created_at", "id")
    )


def export_case(case: Case) -> dict[str, Any]:
    deployments = list(case.deployments.select_related("instrument", "organisation"))
    events = list(case.events.select_related("organisation", "deployment"))
    return {
        "id": str(case.public_id),
        "betrokkene": str(case.subject_id),
        "status": case.get_status_display(),
        "route": case.get_track_display() if case.track else None,
        "uitvoerder": case.provider.name if case.provider else None,
        "stadsdeel": case.district.name if case.district else None,
        "reden_toewijzing": case.routing_reason,
        "crisissignaal": case.crisis,
        "geopend": iso(case.opened_at),
        "toegewezen": iso(case.assigned_at),
        "opgepakt": iso(case.picked_up_on),
        "afgesloten": iso(case.closed_at),
        "eindresultaat": case.end_result or None,
        "statusgeschiedenis": [
            {"van": h.from_status, "naar": h.to_status, "op": iso(h.at), "reden": h.reason}
            for h in case.history.all()
        ],
        "contactpogingen": [
            {
                "id": str(a.public_id),
                "soort": a.kind,
                "bereikt": a.reached,
                "datum": iso(a.on),
                "dagdeel": a.part_of_day,
                "organisatie": a.organisation.name,
            }
            for a in case.attempts.select_related("organisation")
        ],
        "notities": [
            {
                "id": str(n.public_id),
                "tekst": n.text,
                "organisatie": n.organisation.name,
                "geschreven": iso(n.written_at),
            }
            for n in case.notes.select_related("organisation")
        ],
        "instrumenten": [_deployment(d) for d in deployments],
        "gebeurtenissen": [
            {
                "id": str(e.public_id),
                "soort": e.get_kind_display(),
                "datum": iso(e.on),
                "organisatie": e.organisation.name,
                "instrument": str(e.deployment.public_id) if e.deployment else None,
            }
            for e in events
        ],
        "geregelde_betalingen": [
            export_arrangement(a)
            for a in case.arrangements.select_related("organisation").order_by("created_at", "id")
        ],
    }


def export_tenancy(tenancy: Tenancy) -> dict[str, Any]:
    own = tenancy.own_deployments.select_related("instrument", "organisation")
    return {
        "id": str(tenancy.public_id),
        "verhuurder": tenancy.partner.name,
        "referentie_verhuurder": tenancy.reference,
        "sinds": iso(tenancy.created_at),
        "zelf_vastgelegd_door_verhuurder": (tenancy.details or {}).get("person"),
        "eigen_instrumenten_verhuurder": [_deployment(d) for d in own],
    }
