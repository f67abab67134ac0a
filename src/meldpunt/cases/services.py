"""Writes of the cases app: opening, routing and moving cases through the transition table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.organisations.models import District, Organisation
from meldpunt.privacy.services import processing_log_record

from .models import Case, CaseStatusChange, Track
from .workflow import CaseStatus, can_transition


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


def case_open_or_join(
    *,
    household_index: str,
    subject_id: Any,
    district: District | None,
    crisis: bool,
    routing_reason: str,
    by: Any,
) -> tuple[Case, bool]:
    """Return the open case of this household, or open one. Must run inside a transaction."""
    case = (
        Case.objects.select_for_update()
        .filter(household_index=household_index)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("opened_at")
        .first()
    )
    if case is not None:
        if crisis and not case.crisis:
            case.crisis = True
            case.save(update_fields=["crisis"])
        return case, False
    case = Case.objects.create(
        household_index=household_index,
        subject_id=subject_id,
        district=district,
        provider=None,
        crisis=crisis,
        routing_reason=routing_reason,
    )
    _record(case, "", CaseStatus.RECEIVED, by, "signaal ontvangen")
    return case, True


@transaction.atomic
def case_transition(*, case_id: int, to_status: str, by: Any, reason: str = "") -> Case:
    """Move a case to another status if the transition table allows it; history is appended.

    The row is locked, so two caseworkers changing one case are serialised: the second sees
    the first one's result and is judged against it.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if not can_transition(case.status, to_status):
        raise ValidationError(
            f"Deze zaak kan niet van '{case.get_status_display()}' naar "
            f"'{CaseStatus(to_status).label}'."
        )
    source = case.status
    case.status = to_status
    if to_status == CaseStatus.CLOSED:
        case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    _record(case, source, to_status, by, reason)
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
    source = case.status
    case.status = CaseStatus.ASSIGNED
    case.track = track
    case.provider = provider if track == Track.VROEG_EROPAF else None
    case.assigned_at = timezone.now()
    if provider is not None and reason.strip():
        case.routing_reason = f"handmatig: {reason.strip()}"[:200]
    case.save(update_fields=["status", "track", "provider", "assigned_at", "routing_reason"])
    label = provider.name if provider else Track(track).label
    _record(case, source, CaseStatus.ASSIGNED, by, f"toegewezen aan {label}. {reason}".strip())
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
