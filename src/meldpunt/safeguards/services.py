"""Writes of the safeguards app: asking a Sluitende Aanpak check and issuing its verklaring,
and the outcomes a landlord registers for its own tenancies."""

from __future__ import annotations

import base64
import dataclasses
import secrets
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.cases.models import Signal, Tenancy
from meldpunt.cases.selectors import tenancy_get_own
from meldpunt.privacy.services import processing_log_record

from . import rules
from .models import (
    VERKLARING_QUESTION,
    Attestation,
    OutcomeKind,
    OutcomeWithdrawal,
    Question,
    RuleConfig,
    SafeguardCheck,
    TenancyOutcome,
    WeightyGround,
    WithdrawReason,
    code_digest,
)
from .selectors import (
    attestation_valid_on,
    current_config,
    facts_for_tenancy,
    valid_attestation_on,
)


def new_verification_code() -> str:
    """120 random bits as 6 groups of 4 base32 letters/digits: readable on paper, unguessable."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


@transaction.atomic
def safeguard_check_record(
    *,
    by: Any,
    question: str,
    tenancy: Tenancy,
    signal: Signal | None = None,
    weighty_ground: str = "",
    justification: str = "",
    today: date | None = None,
) -> SafeguardCheck:
    """Answer one question for one tenancy and record the check (and its verklaring)."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm("safeguards.ask_check"):
        raise PermissionDenied
    if question not in Question.values:
        raise ValidationError({"question": "Onbekende vraag."})
    if weighty_ground not in WeightyGround.values:
        raise ValidationError({"weighty_ground": "Kies een zwaarwegende grond uit de lijst."})
    if question == Question.BAILIFF:
        weighty_ground, justification = "", ""
    justification = (justification or "").strip()[:5000]
    today = today or timezone.localdate()
    config = current_config()
    facts = facts_for_tenancy(
        tenancy=tenancy,
        landlord=by.organisation,
        today=today,
        weighty_ground=weighty_ground,
        justification=justification,
    )
    answer = rules.CHECKS[question](facts, config)
    check = SafeguardCheck.objects.create(
        question=question,
        asked_by=by,
        organisation_id=by.organisation_id,
        asked_on=today,
        subject_id=tenancy.person.subject_id,
        signal=signal,
        tenancy=tenancy,
        municipality_id=tenancy.municipality_id,
        partner_reference=signal.partner_reference if signal else tenancy.reference,
        outcome=answer.outcome,
        rows=list(answer.rows),
        fact_ids=list(answer.fact_ids),
        explanation=answer.explanation,
        listed=[line.as_dict() for line in answer.listed],
        weighty_ground=weighty_ground,
        justification=justification or None,
        config=dataclasses.asdict(config),
    )
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="read",
        name=f"safeguard.{question}",
        subject_id=tenancy.person.subject_id,
        object_type="safeguard_check",
        object_id=check.public_id,
        fields=["instruments", "contact_attempts", "events"]
        + (["justification"] if justification else []),
    )
    if answer.allowed:
        code = new_verification_code()
        Attestation.objects.create(check_record=check, code=code, code_digest=code_digest(code))
    return check


def safeguard_check_ask(
    *,
    tenancy_id: int,
    by: Any,
    question: str,
    signal_id: int | None = None,
    weighty_ground: str = "",
    justification: str = "",
) -> SafeguardCheck:
    """A landlord asks about one of its OWN tenancies (optionally through one of its signals)."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm("safeguards.ask_check"):
        raise PermissionDenied
    if not by.organisation.is_landlord:
        raise PermissionDenied  # the Sluitende Aanpak is about rent arrears only
    try:
        tenancy = tenancy_get_own(by, tenancy_id)
    except Tenancy.DoesNotExist:
        raise PermissionDenied from None
    signal = None
    if signal_id is not None:
        signal = tenancy.signals.filter(pk=signal_id).defer("details").first()
        if signal is None:
            raise PermissionDenied
    return safeguard_check_record(
        by=by,
        question=question,
        tenancy=tenancy,
        signal=signal,
        weighty_ground=weighty_ground,
        justification=justification,
    )


def attestation_verify(code: str) -> Attestation | None:
    """The verklaring for this code if it exists and was not revoked; else None (invalid)."""
    normalised = normalise_code(code)
    if len(normalised) != 29:
        return None
    attestation = (
        Attestation.objects.select_related(
            "check_record__organisation", "check_record__municipality"
        )
        .filter(code_digest=code_digest(normalised), revoked_at__isnull=True)
        .first()
    )
    return attestation


@transaction.atomic
def attestation_revoke(*, attestation_id: int, by: Any, reason: str) -> Attestation:
    """The municipality withdraws a verklaring (e.g. issued on facts later found wrong)."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm(
        "safeguards.revoke_attestation"
    ):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Geef de reden van intrekking."})
    attestation = Attestation.objects.select_for_update().get(pk=attestation_id)
    if attestation.revoked_at is not None:
        raise ValidationError("Deze verklaring is al ingetrokken.")
    attestation.revoked_at = timezone.now()
    attestation.revoked_by = by
    attestation.revoke_reason = reason[:300]
    attestation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return attestation


@transaction.atomic
def rule_config_change(*, by: Any, values: dict[str, int]) -> RuleConfig:
    """A new configuration row; the old ones stay as the record of who changed what, when."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm(
        "organisations.manage_configuration"
    ):
        raise PermissionDenied
    return RuleConfig.objects.create(changed_by=by, **values)


def _outcome_landlord(by: Any) -> None:
    if not getattr(by, "is_authenticated", False) or not by.has_perm("safeguards.record_outcome"):
        raise PermissionDenied
    if by.organisation is None or not by.organisation.is_landlord:
        raise PermissionDenied  # outcomes are about tenancies: landlords only


@transaction.atomic
def tenancy_outcome_record(
    *,
    by: Any,
    tenancy_id: int,
    kind: str,
    occurred_on: date,
    verification_code: str = "",
    today: date | None = None,
) -> TenancyOutcome:
    """A landlord registers what followed for one of its own tenancies (ADR 0106).

    For a bailiff hand-over or an eviction the outcome records whether a valid verklaring
    existed on that day: the one whose code the landlord gives, or else any for this tenancy.
    """
    _outcome_landlord(by)
    try:
        tenancy = tenancy_get_own(by, tenancy_id)
    except Tenancy.DoesNotExist:
        raise PermissionDenied from None
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": "Kies een uitkomst uit de lijst."})
    today = today or timezone.localdate()
    if not isinstance(occurred_on, date):
        raise ValidationError({"occurred_on": "Vul een geldige datum in."})
    if occurred_on > today:
        raise ValidationError({"occurred_on": "De datum mag niet in de toekomst liggen."})
    question = VERKLARING_QUESTION.get(kind)
    code = normalise_code(verification_code)
    attestation, valid = None, None
    if code and question is None:
        raise ValidationError(
            {"verification_code": "Een verificatiecode hoort alleen bij deurwaarder of ontruiming."}
        )
    if code:
        attestation = (
            Attestation.objects.select_related("check_record")
            .filter(
                code_digest=code_digest(code),
                check_record__tenancy=tenancy,
                check_record__organisation_id=by.organisation_id,
            )
            .first()
        )
        if attestation is None:
            raise ValidationError(
                {"verification_code": "Er is geen verklaring met deze code voor deze huurder."}
            )
        valid = attestation_valid_on(attestation, question=question, on=occurred_on)
    elif question is not None:
        attestation = valid_attestation_on(tenancy=tenancy, question=question, on=occurred_on)
        valid = attestation is not None
    outcome = TenancyOutcome.objects.create(
        tenancy=tenancy,
        organisation_id=by.organisation_id,
        municipality_id=tenancy.municipality_id,
        kind=kind,
        occurred_on=occurred_on,
        verklaring_valid=valid,
        attestation=attestation,
        recorded_by=by,
    )
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="create",
        name="outcome.record",
        subject_id=tenancy.person.subject_id if tenancy.person_id else "",
        object_type="tenancy_outcome",
        object_id=outcome.public_id,
        fields=["kind", "occurred_on"] + (["verklaring"] if question else []),
    )
    return outcome


@transaction.atomic
def tenancy_outcome_withdraw(
    *, by: Any, tenancy_id: int, outcome_id: Any, reason: str
) -> OutcomeWithdrawal:
    """The landlord withdraws one of its outcomes; the outcome stays on record, marked."""
    _outcome_landlord(by)
    try:
        tenancy = tenancy_get_own(by, tenancy_id)
    except Tenancy.DoesNotExist:
        raise PermissionDenied from None
    if reason not in WithdrawReason.values:
        raise ValidationError({"reason": "Kies een reden van intrekking uit de lijst."})
    outcome = (
        TenancyOutcome.objects.select_for_update()
        .filter(tenancy=tenancy, organisation_id=by.organisation_id, public_id=outcome_id)
        .first()
    )
    if outcome is None:
        raise ValidationError({"outcome": "Deze uitkomst is niet gevonden bij deze huurder."})
    if OutcomeWithdrawal.objects.filter(outcome=outcome).exists():
        raise ValidationError({"outcome": "Deze uitkomst is al ingetrokken."})
    withdrawal = OutcomeWithdrawal.objects.create(outcome=outcome, reason=reason, withdrawn_by=by)
    processing_log_record(
        actor=by,
        activity="sluitende-aanpak",
        action="update",
        name="outcome.withdraw",
        subject_id=tenancy.person.subject_id if tenancy.person_id else "",
        object_type="tenancy_outcome",
        object_id=outcome.public_id,
        fields=["withdrawn"],
    )
    return withdrawal
