"""Reads of the safeguards app: the facts about one tenancy, for the pure rules."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from meldpunt.cases.models import (
    Case,
    ContactAttempt,
    InstrumentDeployment,
    InstrumentEvent,
    Tenancy,
)
from meldpunt.organisations.models import Organisation

from . import rules
from .models import Attestation, RuleConfig


def current_config() -> rules.Config:
    """The configuration in force: the newest RuleConfig row, or the defaults."""
    row = RuleConfig.objects.order_by("-changed_at", "-id").first()
    if row is None:
        return rules.Config()
    return rules.Config(
        max_age_months=row.max_age_months,
        min_attempts=row.min_attempts,
        min_days=row.min_days,
        min_home_visits=row.min_home_visits,
        min_refusals=row.min_refusals,
        landlord_needs_terms=row.landlord_needs_terms,
        pending_until_first_due=row.pending_until_first_due,
        broken_needs_missed_due=row.broken_needs_missed_due,
    )


def _currently_kept(deployment: InstrumentDeployment, events: list[InstrumentEvent], today: date):
    if deployment.ended_on is not None and deployment.ended_on <= today:
        return False
    compliance = [e for e in events if e.kind != InstrumentEvent.Kind.REFUSED and e.on <= today]
    if compliance:
        latest = max(compliance, key=lambda e: (e.on, e.id))
        return latest.kind == InstrumentEvent.Kind.KEPT
    return deployment.instrument.kept_while_running


def facts_for_tenancy(
    *,
    tenancy: Tenancy,
    landlord: Organisation,
    today: date,
    weighty_ground: str = "",
    justification: str = "",
) -> rules.Facts:
    """Everything the rules need about ONE tenancy (landlord + tenant), from every participant.

    What counts: what was recorded in a case that holds one of this tenancy's signals, and the
    landlord's own instruments for this tenancy. A previous or other occupant of the dwelling has
    cases of their own; nothing of theirs is in these cases, so nothing of theirs counts.
    Fact ids are "<type>:<public_id>" so a recorded check points at the rows it rested on.
    """
    # Only the cases this landlord's own signal opened: a signal that joined another partner's
    # case learns nothing of it (cases.feedback, domain.md step 9).
    cases = Case.objects.filter(signals__tenancy=tenancy).opened_by(tenancy.partner_id).values("pk")
    deployments = list(
        InstrumentDeployment.objects.for_tenancy(tenancy)
        .filter(instrument__counts_through_attempts=False)
        .select_related("instrument", "organisation")
        .defer("monthly_amount")
        .order_by("deployed_on", "id")
    )
    events = list(
        InstrumentEvent.objects.filter(Q(case__in=cases) | Q(deployment__tenancy=tenancy))
        .distinct()
        .select_related("organisation", "deployment__instrument")
        .order_by("on", "id")
    )
    by_deployment: dict[int, list[InstrumentEvent]] = {}
    for event in events:
        if event.deployment_id:
            by_deployment.setdefault(event.deployment_id, []).append(event)
    attempts = ContactAttempt.objects.filter(case__in=cases)
    return rules.Facts(
        today=today,
        is_landlords_tenant=tenancy.partner_id == landlord.pk,
        has_signal=tenancy.signals.exists(),
        instruments=tuple(
            rules.InstrumentFact(
                id=f"instrument:{d.public_id}",
                # Named by its category only (domain.md step 9), in the answer and the verklaring.
                name=d.instrument.get_category_display(),
                category=d.instrument.get_category_display(),
                deployer_type=d.organisation.type,
                deployed_on=d.deployed_on,
                currently_kept=_currently_kept(d, by_deployment.get(d.pk, []), today),
                has_agreements=d.instrument.has_agreements,
                first_due_on=d.first_due_on,
                terms_recorded=bool((d.agreements or "").strip()),
                ended=d.ended_on is not None and d.ended_on <= today,
            )
            for d in deployments
        ),
        attempts=tuple(
            rules.AttemptFact(
                id=f"attempt:{a.public_id}",
                kind=a.kind,
                on=a.on,
                reached=a.reached,
                part_of_day=a.part_of_day,
            )
            for a in attempts.order_by("on", "id")
        ),
        refusals=tuple(
            rules.EventFact(id=f"event:{e.public_id}", on=e.on, recorder_type=e.organisation.type)
            for e in events
            if e.kind == InstrumentEvent.Kind.REFUSED
        ),
        broken=tuple(
            rules.EventFact(
                id=f"event:{e.public_id}",
                on=e.on,
                recorder_type=e.organisation.type,
                instrument_id=f"instrument:{e.deployment.public_id}",
                instrument_name=e.deployment.instrument.get_category_display(),
                due_on=e.deployment.first_due_on,
            )
            for e in events
            if e.kind == InstrumentEvent.Kind.BROKEN and e.deployment_id
        ),
        weighty_ground=weighty_ground,
        justification=justification,
    )


def attestation_valid_on(attestation: Attestation, *, question: str, on: date) -> bool:
    """Whether this verklaring answered ``question`` and was in force on ``on``: issued on or
    before that day, at most MELDPUNT_VERKLARING_VALID_DAYS earlier, not revoked by then."""
    issued = timezone.localdate(attestation.issued_at)
    revoked = attestation.revoked_at and timezone.localdate(attestation.revoked_at)
    return (
        attestation.check_record.question == question
        and issued <= on
        and (on - issued).days <= settings.MELDPUNT_VERKLARING_VALID_DAYS
        and not (revoked and revoked <= on)
    )


def valid_attestation_on(*, tenancy: Tenancy, question: str, on: date) -> Attestation | None:
    """The newest verklaring for this tenancy that was valid for ``question`` on ``on``."""
    candidates = (
        Attestation.objects.filter(check_record__tenancy=tenancy, check_record__question=question)
        .select_related("check_record")
        .order_by("-issued_at", "-id")
    )
    return next((a for a in candidates if attestation_valid_on(a, question=question, on=on)), None)
