"""Access requests (inzageverzoek, GDPR art. 15; covenant art. 9.2).

The privacy officer finds a person by blind index — surname + birth date (``person_index``) or
address (``household_index``) — and exports everything held about them. The Meldpunt holds no
BSN (landlords never send one, ``intake/spec.py``), so there is no BSN search.

A *person* is one ``person_index``: all signals with that index. Case data belongs to the
household: the cases that hold the person's signals are exported whole (attempts, notes,
instruments, events), but other people's signals in the same case are not. Processing-log lines
are those about the pseudonyms of the person's signals and of those cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .keys import household_key, person_key
from .models import ProcessingLogEntry
from .services import Processing, processing_log_record_many

HANDLE_ACCESS_REQUEST = "privacy.handle_access_request"


def _require(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(HANDLE_ACCESS_REQUEST):
        raise PermissionDenied


def person_index_of(*, surname: str, birth_date: date) -> str:
    """The keyed hash the intake stores for a person (one definition: ``keys.person_key``)."""
    return person_key(surname, "", birth_date)


def household_index_of(*, postcode: str, number: str, letter: str = "", addition: str = "") -> str:
    """The keyed hash the intake stores for a household (one definition: ``keys.household_key``)."""
    return household_key(postcode, number, letter, addition)


@dataclass(frozen=True)
class PersonFound:
    """One person in a search result: what the privacy officer needs to recognise them."""

    person_index: str
    name: str
    birth_date: str
    address: str
    signals: int


def _address(person: dict) -> str:
    number = "".join(
        str(person.get(k) or "") for k in ("huisnummer", "huisletter", "huisnummertoevoeging")
    )
    return " ".join(
        x
        for x in (person.get("straat"), number, person.get("postcode"), person.get("woonplaats"))
        if x
    )


@transaction.atomic
def access_request_search(
    *, by: Any, person_index: str | None = None, household_index: str | None = None
) -> list[PersonFound]:
    """Persons whose signals match; showing them is a read of their data and is logged."""
    from meldpunt.cases.models import Signal

    _require(by)
    if person_index:
        signals = Signal.objects.filter(person_index=person_index)
    elif household_index:
        signals = Signal.objects.filter(household_index=household_index)
    else:
        return []
    signals = list(
        signals.exclude(person_index__startswith="geanonimiseerd-").order_by("received_at", "id")
    )
    found: dict[str, PersonFound] = {}
    counts: dict[str, int] = {}
    for signal in signals:
        counts[signal.person_index] = counts.get(signal.person_index, 0) + 1
        if signal.person_index not in found:
            p = signal.person_details
            found[signal.person_index] = PersonFound(
                person_index=signal.person_index,
                name=signal.display_name,
                birth_date=str(p.get("geboortedatum") or ""),
                address=_address(p),
                signals=0,
            )
    processing_log_record_many(
        actor=by,
        activity="privacy",
        action=ProcessingLogEntry.Action.READ,
        name="access_request.search",
        items=[
            Processing(str(s.subject_id), "signal", s.public_id, ("person", "address"))
            for s in signals
        ],
    )
    return [
        PersonFound(**{**f.__dict__, "signals": counts[key]}) for key, f in sorted(found.items())
    ]


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _signal(signal: Any) -> dict[str, Any]:
    return {
        "id": str(signal.public_id),
        "betrokkene": str(signal.subject_id),
        "verhuurder": signal.partner.name,
        "referentie_verhuurder": signal.partner_reference,
        "kanaal": signal.channel,
        "ontvangen": _d(signal.received_at),
        "signaaldatum": _d(signal.signal_date),
        "status": signal.status,
        "beslissing_bij_ontvangst": signal.decision,
        "stadsdeel": signal.district.name if signal.district else None,
        "voortraject": {
            "poging_persoonlijk_contact": _d(signal.contact_attempted_on),
            "gewezen_op_schuldhulp": _d(signal.referred_to_debt_help_on),
            "schriftelijke_herinnering": _d(signal.written_reminder_on),
            "huurder_geinformeerd": _d(signal.tenant_informed_on),
        },
        "crisissignaal": signal.crisis,
        "warme_overdracht": signal.warm_handover,
        "onbereikbaar_in_incasso": signal.unreachable_in_collection,
        "meerdere_problemen": signal.multiple_problems,
        "persoon": signal.person_details,
        "huurachterstand": signal.arrears,
    }


def _case(case: Any) -> dict[str, Any]:
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
        "geopend": _d(case.opened_at),
        "toegewezen": _d(case.assigned_at),
        "opgepakt": _d(case.picked_up_on),
        "afgesloten": _d(case.closed_at),
        "eindresultaat": case.end_result or None,
        "statusgeschiedenis": [
            {"van": h.from_status, "naar": h.to_status, "op": _d(h.at), "reden": h.reason}
            for h in case.history.all()
        ],
        "contactpogingen": [
            {
                "id": str(a.public_id),
                "soort": a.kind,
                "bereikt": a.reached,
                "datum": _d(a.on),
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
                "geschreven": _d(n.written_at),
            }
            for n in case.notes.select_related("organisation")
        ],
        "instrumenten": [
            {
                "id": str(d.public_id),
                "instrument": d.instrument.name,
                "organisatie": d.organisation.name,
                "ingezet_op": _d(d.deployed_on),
                "beeindigd_op": _d(d.ended_on),
                "afspraken": d.agreements,
                "maandbedrag": d.monthly_amount,
            }
            for d in deployments
        ],
        "gebeurtenissen": [
            {
                "id": str(e.public_id),
                "soort": e.get_kind_display(),
                "datum": _d(e.on),
                "organisatie": e.organisation.name,
                "instrument": str(e.deployment.public_id) if e.deployment else None,
            }
            for e in events
        ],
    }


def _check(check: Any) -> dict[str, Any]:
    return {
        "id": str(check.public_id),
        "vraag": check.get_question_display(),
        "organisatie": check.organisation.name,
        "gevraagd_op": _d(check.asked_at),
        "peildatum": _d(check.asked_on),
        "antwoord": check.get_outcome_display(),
        "toelichting": check.explanation,
        "zwaarwegende_grond": check.weighty_ground or None,
        "onderbouwing": check.justification,
        "referentie_verhuurder": check.partner_reference,
        "verklaring": _attestation(check),
    }


def _attestation(check: Any) -> dict[str, Any] | None:
    attestation = getattr(check, "attestation", None)
    if attestation is None:
        return None
    return {
        "id": str(attestation.public_id),
        "afgegeven": _d(attestation.issued_at),
        "ingetrokken": _d(attestation.revoked_at),
        "reden_intrekking": attestation.revoke_reason or None,
    }


def _log_line(entry: ProcessingLogEntry) -> dict[str, Any]:
    return {
        "tijdstip": _d(entry.start_time),
        "handeling": entry.get_action_display(),
        "naam": entry.name,
        "status": entry.status,
        "verwerking": f"{entry.processing_activity.name} (v{entry.processing_activity.version})",
        "grondslag": entry.processing_activity.legal_basis,
        "organisatie": entry.actor_organisation.name if entry.actor_organisation else None,
        "betrokkene": entry.data_subject_id,
        "object": f"{entry.object_type} {entry.object_id}",
        "velden": entry.fields,
    }


@transaction.atomic
def access_request_export(*, by: Any, person_index: str, file_format: str) -> dict[str, Any]:
    """Everything held about one person, as a JSON-ready dict; the export itself is logged."""
    from meldpunt.cases.models import Case, Signal
    from meldpunt.safeguards.models import SafeguardCheck

    _require(by)
    if not person_index:
        raise PermissionDenied
    signals = list(
        Signal.objects.filter(person_index=person_index)
        .select_related("partner", "district")
        .order_by("received_at", "id")
    )
    case_ids = {s.case_id for s in signals if s.case_id}
    cases = list(
        Case.objects.filter(pk__in=case_ids)
        .select_related("provider", "district")
        .order_by("opened_at", "id")
    )
    signal_subjects = {s.subject_id for s in signals}
    checks = list(
        SafeguardCheck.objects.filter(
            Q(signal__in=[s.pk for s in signals]) | Q(subject_id__in=signal_subjects)
        )
        .select_related("organisation", "attestation")
        .order_by("asked_at", "id")
    )
    subjects = sorted({str(x) for x in signal_subjects | {c.subject_id for c in cases}})
    log = list(
        ProcessingLogEntry.objects.filter(data_subject_id__in=subjects)
        .select_related("processing_activity", "actor_organisation")
        .order_by("sequence")
    )
    now = timezone.now()
    export = {
        "inzageverzoek": {
            "gemaakt_op": now.isoformat(),
            "gemaakt_door_organisatie": by.organisation.name if by.organisation else None,
            "grondslag": "AVG art. 15; convenant art. 9.2",
            "toelichting": (
                "Alle gegevens die het Meldpunt over deze persoon bewaart. Zaken horen bij het "
                "huishouden: contactpogingen, notities en instrumenten van een zaak kunnen ook "
                "andere bewoners betreffen; controleer dit vóór verstrekking. Het Meldpunt "
                "bewaart geen BSN."
            ),
            "betrokkenen": subjects,
        },
        "signalen": [_signal(s) for s in signals],
        "zaken": [_case(c) for c in cases],
        "toetsen_sluitende_aanpak": [_check(c) for c in checks],
        "verwerkingslog": [_log_line(e) for e in log],
    }
    processing_log_record_many(
        actor=by,
        activity="privacy",
        action=ProcessingLogEntry.Action.EXPORT,
        name=f"access_request.export.{file_format}",
        items=[Processing(str(s.subject_id), "signal", s.public_id, ("all",)) for s in signals]
        + [Processing(str(c.subject_id), "case", c.public_id, ("all",)) for c in cases],
    )
    return export
