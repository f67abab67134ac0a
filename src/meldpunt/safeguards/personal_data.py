"""What the Sluitende Aanpak records hold about people, and how they forget and export it.

Asked by the data-protection app (retention, access requests); see cases/personal_data.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth

from meldpunt.core.anonymous import iso

from .models import SafeguardCheck, TenancyOutcome

CHECK_PERSONAL_FIELDS = ("justification", "partner_reference")


def _about(
    signal_ids: Iterable[Any] = (), tenancy_ids: Iterable[Any] = (), subject_ids: Iterable[Any] = ()
) -> Q:
    return (
        Q(signal_id__in=list(signal_ids))
        | Q(tenancy_id__in=list(tenancy_ids))
        | Q(subject_id__in=list(subject_ids))
    )


def anonymise_checks(
    *, signal_ids: Iterable[Any] = (), tenancy_ids: Iterable[Any] = (), truncate: bool = True
) -> None:
    """Checks asked through these signals or about these tenancies keep their question, answer
    and rows; the landlord's justification and reference go, and the dates become months."""
    checks = SafeguardCheck.objects.filter(_about(signal_ids, tenancy_ids))
    changes: dict[str, Any] = {"justification": None, "partner_reference": ""}
    if truncate:
        changes.update(asked_on=TruncMonth("asked_on"), asked_at=TruncMonth("asked_at"))
    checks.update(**changes)


def checks_about(
    *, signal_ids: Iterable[Any] = (), subject_ids: Iterable[Any] = ()
) -> QuerySet[SafeguardCheck]:
    return (
        SafeguardCheck.objects.filter(_about(signal_ids, subject_ids=subject_ids))
        .select_related("organisation", "attestation")
        .order_by("asked_at", "id")
    )


def export_check(check: SafeguardCheck) -> dict[str, Any]:
    attestation = getattr(check, "attestation", None)
    return {
        "id": str(check.public_id),
        "vraag": check.get_question_display(),
        "organisatie": check.organisation.name,
        "gevraagd_op": iso(check.asked_at),
        "peildatum": iso(check.asked_on),
        "antwoord": check.get_outcome_display(),
        "toelichting": check.explanation,
        "zwaarwegende_grond": check.weighty_ground or None,
        "onderbouwing": check.justification,
        "referentie_verhuurder": check.partner_reference,
        "verklaring": None
        if attestation is None
        else {
            "id": str(attestation.public_id),
            "afgegeven": iso(attestation.issued_at),
            "ingetrokken": iso(attestation.revoked_at),
            "reden_intrekking": attestation.revoke_reason or None,
        },
    }


def anonymise_outcomes(*, tenancy_ids: Iterable[Any]) -> None:
    """Outcomes of forgotten tenancies stay for the figures (kind, landlord, whether a verklaring
    was valid) with their dates coarsened to the month; they hold no other personal data."""
    TenancyOutcome.objects.filter(tenancy_id__in=list(tenancy_ids)).update(
        occurred_on=TruncMonth("occurred_on"), recorded_at=TruncMonth("recorded_at")
    )


def outcomes_about(*, tenancy_ids: Iterable[Any]) -> QuerySet[TenancyOutcome]:
    return (
        TenancyOutcome.objects.filter(tenancy_id__in=list(tenancy_ids))
        .select_related("organisation", "withdrawal")
        .order_by("recorded_at", "id")
    )


def export_outcome(outcome: TenancyOutcome) -> dict[str, Any]:
    withdrawal = getattr(outcome, "withdrawal", None)
    return {
        "id": str(outcome.public_id),
        "verhuurder": outcome.organisation.name,
        "uitkomst": outcome.get_kind_display(),
        "datum": iso(outcome.occurred_on),
        "vastgelegd": iso(outcome.recorded_at),
        "geldige_verklaring": outcome.verklaring_valid,
        "ingetrokken": None
        if withdrawal is None
        else {"op": iso(withdrawal.withdrawn_at), "reden": withdrawal.get_reason_display()},
    }
