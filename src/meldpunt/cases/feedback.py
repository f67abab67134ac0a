"""Minimal feedback to the landlord about its own signal (terugkoppeling, art. 9.2).

Only what domain.md step 9 allows: received / not taken up (reason only for the four reportable
reasons) / taken up / instrument deployed (category and date) / closed. Never notes, amounts,
other creditors, household details, end results or the provider's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from meldpunt.privacy.services import processing_log_record

from .models import InstrumentDeployment
from .vocabulary import NOT_TAKEN_UP, REPORTABLE_NOT_TAKEN_UP
from .workflow import CaseStatus


@dataclass(frozen=True)
class Feedback:
    received_on: date
    not_taken_up: bool = False
    reason: str = ""  # only one of the four reportable reasons; else empty
    taken_up_on: date | None = None
    instruments: list[tuple[str, date]] = field(default_factory=list)  # (category, date)
    closed_on: date | None = None

    @property
    def stage(self) -> str:
        if self.not_taken_up:
            return "Niet opgepakt"
        if self.closed_on:
            return "Afgesloten"
        if self.instruments:
            return "Instrument ingezet"
        if self.taken_up_on:
            return "Opgepakt"
        return "Ontvangen"


def signal_feedback(signal) -> Feedback:
    case = signal.case
    status = signal.status
    end_result = case.end_result if case is not None else ""
    not_taken_up = status in NOT_TAKEN_UP or end_result in NOT_TAKEN_UP
    reason_source = status if status in NOT_TAKEN_UP else end_result
    reason = reason_source if reason_source in REPORTABLE_NOT_TAKEN_UP else ""
    if case is None:
        return Feedback(received_on=timezone.localdate(signal.received_at), not_taken_up=not_taken_up,
                        reason=reason)  # fmt: skip
    instruments = [
        (d.instrument.get_category_display(), d.deployed_on)
        for d in InstrumentDeployment.objects.filter(case=case)
        .select_related("instrument")
        .defer("agreements", "monthly_amount")
        .order_by("deployed_on", "id")
    ]
    return Feedback(
        received_on=timezone.localdate(signal.received_at),
        not_taken_up=not_taken_up,
        reason=reason,
        taken_up_on=None if not_taken_up else case.picked_up_on,
        instruments=instruments,
        closed_on=timezone.localdate(case.closed_at)
        if case.status == CaseStatus.CLOSED and case.closed_at
        else None,
    )


def record_feedback_read(user: Any, signal: Any) -> None:
    """One processing-log record for a landlord looking at the feedback on its own signal
    (the page and both APIs show the same status)."""
    processing_log_record(
        actor=user,
        activity="feedback",
        action="read",
        name="signal.feedback",
        subject_id=signal.subject_id,
        object_type="signal",
        object_id=signal.public_id,
        fields=["status"],
    )
