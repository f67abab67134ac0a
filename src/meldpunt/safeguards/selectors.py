"""Reads of the safeguards app: the facts about one tenant household, for the pure rules."""

from __future__ import annotations

from datetime import date

from meldpunt.cases.models import ContactAttempt, InstrumentDeployment, InstrumentEvent
from meldpunt.intake.models import Signal
from meldpunt.organisations.models import Organisation

from . import rules
from .models import RuleConfig


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
    )


def _currently_kept(deployment: InstrumentDeployment, events: list[InstrumentEvent], today: date):
    if deployment.ended_on is not None and deployment.ended_on <= today:
        return False
    compliance = [e for e in events if e.kind != InstrumentEvent.Kind.REFUSED and e.on <= today]
    if compliance:
        latest = max(compliance, key=lambda e: (e.on, e.id))
        return latest.kind == InstrumentEvent.Kind.KEPT
    return deployment.instrument.kept_while_running


def facts_for_household(
    *,
    household_index: str,
    landlord: Organisation,
    today: date,
    weighty_ground: str = "",
    justification: str = "",
) -> rules.Facts:
    """Everything the rules need about one household, from every participant's records.

    Fact ids are "<type>:<public_id>" so a recorded check points at the rows it rested on.
    """
    signals = Signal.objects.filter(household_index=household_index)
    deployments = list(
        InstrumentDeployment.objects.for_household(household_index)
        .filter(instrument__counts_through_attempts=False)
        .select_related("instrument", "organisation")
        .defer("agreements", "monthly_amount")
        .order_by("deployed_on", "id")
    )
    events = list(
        InstrumentEvent.objects.filter(case__household_index=household_index)
        .select_related("organisation", "deployment__instrument")
        .order_by("on", "id")
    )
    by_deployment: dict[int, list[InstrumentEvent]] = {}
    for event in events:
        if event.deployment_id:
            by_deployment.setdefault(event.deployment_id, []).append(event)
    is_tenant = signals.filter(partner=landlord).exists() or any(
        d.organisation_id == landlord.pk for d in deployments
    )
    attempts = ContactAttempt.objects.filter(case__household_index=household_index)
    return rules.Facts(
        today=today,
        is_landlords_tenant=is_tenant,
        has_signal=signals.exists(),
        instruments=tuple(
            rules.InstrumentFact(
                id=f"instrument:{d.public_id}",
                name=d.instrument.name,
                category=d.instrument.get_category_display(),
                deployer=d.organisation.name,
                deployer_type=d.organisation.type,
                deployed_on=d.deployed_on,
                currently_kept=_currently_kept(d, by_deployment.get(d.pk, []), today),
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
            rules.EventFact(id=f"event:{e.public_id}", on=e.on, recorded_by=e.organisation.name)
            for e in events
            if e.kind == InstrumentEvent.Kind.REFUSED
        ),
        broken=tuple(
            rules.EventFact(
                id=f"event:{e.public_id}",
                on=e.on,
                recorded_by=e.organisation.name,
                instrument_id=f"instrument:{e.deployment.public_id}",
                instrument_name=e.deployment.instrument.name,
            )
            for e in events
            if e.kind == InstrumentEvent.Kind.BROKEN and e.deployment_id
        ),
        weighty_ground=weighty_ground,
        justification=justification,
    )
