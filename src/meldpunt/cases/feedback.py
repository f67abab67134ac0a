"""Minimal feedback to the landlord about its own signal (terugkoppeling, art. 9.2).

Only what domain.md step 9 allows: received / not taken up (reason only for the four reportable
reasons) / taken up / instrument deployed (category and date) / closed. Never notes, amounts,
other creditors, household details, end results or the provider's findings.

The one contract for every partner and every channel: the signal list, the feedback page, the
API (signal and feedback) and the webhooks all show a ``Feedback`` from here. A partner follows
only a case its own signal opened (``CaseQuerySet.opened_by``): a signal that joined a case
another partner's signal opened stays "Ontvangen", whatever happens in that case, because the
intake cannot tell a co-creditor from someone probing an address (issue #13).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db.models import Case as Choose
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.privacy.services import processing_log_record

from .models import Arrangement, InstrumentDeployment, Signal
from .vocabulary import NOT_TAKEN_UP, REPORTABLE_NOT_TAKEN_UP
from .workflow import ArrangementStatus, CaseStatus

_STAGE_LABELS = {
    "Niet opgepakt": _("Niet opgepakt"),
    "Afgesloten": _("Afgesloten"),
    "Instrument ingezet": _("Instrument ingezet"),
    "Opgepakt": _("Opgepakt"),
    "Ontvangen": _("Ontvangen"),
}


@dataclass(frozen=True)
class Feedback:
    received_on: date
    not_taken_up: bool = False
    reason: str = ""  # only one of the four reportable reasons; else empty
    taken_up_on: date | None = None
    instruments: list[tuple[str, date]] = field(default_factory=list)  # (category, date)
    closed_on: date | None = None
    # Geregelde betaling (issue #15): that it runs and since when, and the payment reference the
    # rent arrives with; once it stopped only that and when — never the benefit, an amount or
    # the reason it ended.
    regulated_since: date | None = None
    regulated_reference: str = ""
    regulated_ended_on: date | None = None

    @property
    def stage_display(self) -> str:
        """The stage in the user's language (``stage`` stays the Dutch value of the API)."""
        return str(_STAGE_LABELS[self.stage])

    @property
    def reason_display(self) -> str:
        return str(_(self.reason)) if self.reason else ""

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


def arrangement_payee_id(case) -> int | None:
    """The landlord whose rent Geregelde betaling pays: the case's first landlord signal's."""
    return (
        case.signals.filter(partner_type="Huur")
        .order_by("received_at", "id")
        .values_list("partner_id", flat=True)
        .first()
    )


def _opened_by(case_id: int) -> int | None:
    return (
        Signal.objects.filter(case_id=case_id)
        .order_by("received_at", "id")
        .values_list("partner_id", flat=True)
        .first()
    )


def signal_feedback(signal, *, case_opened_by: int | Literal["ask"] | None = "ask") -> Feedback:
    """The feedback on one signal (``case_opened_by``: the partner of its case's first signal,
    when the caller has it already)."""
    case = signal.case
    if case is not None:
        opener = _opened_by(case.pk) if case_opened_by == "ask" else case_opened_by
        if opener != signal.partner_id:
            return Feedback(received_on=timezone.localdate(signal.received_at))
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
    # Only the landlord the rent goes to learns of it (not an energy company in the same file).
    regulated = None
    if arrangement_payee_id(case) == signal.partner_id:
        regulated = (
            Arrangement.objects.filter(case=case, started_on__isnull=False)
            .only("status", "started_on", "ended_on", "payment_reference")
            .order_by("-started_on", "-id")
            .first()
        )
    running = regulated is not None and regulated.status == ArrangementStatus.RUNNING
    return Feedback(
        regulated_since=regulated.started_on if regulated else None,
        regulated_reference=regulated.payment_reference if running else "",
        regulated_ended_on=None if regulated is None or running else regulated.ended_on,
        received_on=timezone.localdate(signal.received_at),
        not_taken_up=not_taken_up,
        reason=reason,
        taken_up_on=None if not_taken_up else case.picked_up_on,
        instruments=instruments,
        closed_on=timezone.localdate(case.closed_at)
        if case.status == CaseStatus.CLOSED and case.closed_at
        else None,
    )


def receipt_status(signal_status: str) -> str:
    """What the answer to a delivery says about a signal just received: a reason for not taking
    it up that the partner may know (the stage with its reason), otherwise "Ontvangen". Whether
    the case it joined is picked up is not the partner's to know at receipt (see above)."""
    if signal_status in REPORTABLE_NOT_TAKEN_UP:
        return signal_status
    if signal_status in NOT_TAKEN_UP:
        return "Niet opgepakt"
    return "Ontvangen"


def signals_with_feedback(signals: Iterable[Any]) -> list[tuple[Any, Feedback]]:
    """A page of a partner's signals, each with its feedback (for the signal list)."""
    rows = list(
        Signal.objects.filter(pk__in=[s.pk for s in signals])
        .select_related("case")
        .annotate(case_opened_by=first_signal_partner_of_signal())
        .defer("details")
    )
    by_pk = {r.pk: r for r in rows}
    return [
        (s, signal_feedback(by_pk[s.pk], case_opened_by=by_pk[s.pk].case_opened_by))
        for s in signals
    ]


def first_signal_partner_of_signal():
    """The partner of the first signal of a signal's case (None without a case)."""
    return Subquery(
        Signal.objects.filter(case_id=OuterRef("case_id"))
        .order_by("received_at", "id")
        .values("partner_id")[:1]
    )


# The stages in the order ``Feedback.stage`` decides them: the values a partner filters on.
STAGES = ("Ontvangen", "Opgepakt", "Instrument ingezet", "Afgesloten", "Niet opgepakt")


def with_feedback_stage(signals: QuerySet) -> QuerySet:
    """``signals`` annotated with ``feedback_stage``: ``signal_feedback(s).stage`` computed by
    the database, so a partner's list can filter and page on it (``GET /api/v1/signalen``).

    The same decisions in the same order as ``signal_feedback`` and ``Feedback.stage``; a test
    (tests/test_api_lists.py) holds both side by side on every kind of signal.
    """
    stage = Choose(
        # A signal in a case another partner's signal opened: "Ontvangen", whatever happens.
        When(Q(case__isnull=False) & ~Q(_opener=F("partner_id")), then=Value("Ontvangen")),
        When(
            Q(status__in=NOT_TAKEN_UP) | Q(case__end_result__in=NOT_TAKEN_UP),
            then=Value("Niet opgepakt"),
        ),
        When(case__isnull=True, then=Value("Ontvangen")),
        When(
            case__status=CaseStatus.CLOSED, case__closed_at__isnull=False, then=Value("Afgesloten")
        ),
        When(
            Exists(InstrumentDeployment.objects.filter(case_id=OuterRef("case_id"))),
            then=Value("Instrument ingezet"),
        ),
        When(case__picked_up_on__isnull=False, then=Value("Opgepakt")),
        default=Value("Ontvangen"),
        output_field=CharField(),
    )
    return signals.annotate(_opener=first_signal_partner_of_signal()).annotate(feedback_stage=stage)


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
