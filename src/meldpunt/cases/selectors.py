"""Reads of the case file, scoped once per relation (docs/architecture.md, "Scoping").

Every landlord screen and API that starts from "my own signal" or "my own tenant" asks here, so
the rule — a landlord sees only its own, with no personal data it did not deliver itself — is
written once. Views turn ``DoesNotExist`` into 404, services into PermissionDenied.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from meldpunt.privacy.services import Processing, processing_log_record_many

from . import frame
from .deadlines import OUTREACH_OPEN
from .feedback import with_feedback_stage
from .models import (
    AssessmentFrame,
    Case,
    CaseMember,
    HomeVisit,
    LetterTemplate,
    Signal,
    SignalQuerySet,
    Tenancy,
    TenancyQuerySet,
)
from .vocabulary import AUTOMATIC_NOT_TAKEN_UP
from .workflow import CaseStatus


def own_signals(user: Any) -> SignalQuerySet:
    """The landlord's own signals, without their encrypted details (it knows them already)."""
    if not user.has_perm("intake.submit_signal"):
        return Signal.objects.none()
    return Signal.objects.for_user(user).filter(partner_id=user.organisation_id).defer("details")


def signal_get_own(user: Any, *, public_id: UUID | str | None = None, pk: int | None = None):
    """One of the landlord's own signals; ``Signal.DoesNotExist`` for anything else."""
    lookup = {"public_id": public_id} if public_id is not None else {"pk": pk}
    return own_signals(user).select_related("case", "tenancy").get(**lookup)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def own_signal_page(
    user: Any,
    *,
    stage: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    reference: str = "",
    after: str = "",
    size: int = 50,
) -> tuple[list[Signal], str]:
    """One page of the partner's own signals, newest first, each annotated with its
    ``feedback_stage`` (the one contract, cases.feedback), and the position after the last row
    ("" on the last page). Keyset-paged on (received, id): the position holds a moment and an
    internal id, nothing of the person (``ValueError`` for a position that is not one).

    ``stage`` filters on the feedback the partner sees, never on the stored DDAS status (which
    a signal inherits from a case another partner opened).
    """
    signals = with_feedback_stage(own_signals(user)).only(
        "public_id", "subject_id", "partner_id", "partner_reference", "signal_date",
        "received_at", "status", "case_id",
    )  # fmt: skip
    if stage:
        signals = signals.filter(feedback_stage=stage)
    if received_from is not None:
        signals = signals.filter(received_at__gte=_day_start(received_from))
    if received_to is not None:
        signals = signals.filter(received_at__lt=_day_start(received_to + timedelta(days=1)))
    if reference:
        signals = signals.filter(partner_reference=reference)
    signals = signals.order_by("-received_at", "-id")
    if after:
        stamp, _, pk = after.rpartition("_")
        at = datetime.fromisoformat(stamp)
        signals = signals.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=int(pk)))
    rows = list(signals[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return rows, f"{last.received_at.isoformat()}_{last.pk}" if more and last else ""


def own_tenancies(user: Any) -> TenancyQuerySet:
    """The landlord's own tenancies (for its own instruments and the Sluitende Aanpak checks).

    Only landlords (partners of the kind Huur) have them on screen: the Sluitende Aanpak is about
    rent arrears, bailiffs and evictions.
    """
    organisation = getattr(user, "organisation", None)
    if organisation is None or not organisation.is_landlord:
        return Tenancy.objects.none()
    if not user.has_perm("cases.record_own_instrument") and not user.has_perm(
        "safeguards.ask_check"
    ):
        return Tenancy.objects.none()
    return Tenancy.objects.filter(partner_id=user.organisation_id).defer("details")


def tenancy_get_own(
    user: Any, tenancy_id: int | None = None, *, public_id: UUID | str | None = None
) -> Tenancy:
    """One of the landlord's own tenancies; ``Tenancy.DoesNotExist`` for anything else."""
    lookup = {"public_id": public_id} if public_id is not None else {"pk": tenancy_id}
    return own_tenancies(user).select_related("person").get(**lookup)


def other_open_cases_at_address(case: Case, user: Any) -> tuple[int, list[Case]]:
    """Other open cases at this case's address: (how many, those this user may open).

    A hint for regie and the provider — another household lives or lived here — never a merge.
    """
    others = Case.objects.filter(household_index=case.household_index).exclude(
        Q(pk=case.pk) | Q(status=CaseStatus.CLOSED)
    )
    count = others.count()
    if not count:
        return 0, []  # most households live alone at their address: one query, not two
    return count, list(Case.objects.for_user(user).filter(pk__in=others.values("pk")))


def person_history(case: Case, user: Any) -> list[dict]:
    """The earlier and other cases of this case's members (a person who moved, a repeat),
    scoped by who may know what (docs/adr/0117-privacy-officer-log-search.md).

    A case the user may open anyway (``Case.objects.for_user``) is shown whole: reference,
    dates, end result and a link. A case of the same municipality that the user may not open
    (another provider's) is only a hint that an earlier case exists, with the month it was
    opened: enough to ask regie, nothing of what happened there. Cases of another municipality
    (another controller) are not mentioned at all. Every case shown, also as a hint, is one
    processing-log record about that case's data subject.
    """
    # From the case's few members to their memberships to those cases, each step by its own
    # index and with the keys in hand. One statement with subqueries left the join order to
    # SQLite's planner, which without statistics (a database migrated empty) walked every case
    # of the municipality: 0.7 s of a 1.5 s case page on a million cases (make bench,
    # tests/bench/scale.py "case detail"; tests/test_person_history.py checks the plan).
    people = list(CaseMember.objects.filter(case=case).values_list("person_id", flat=True))
    their_cases = set(
        CaseMember.objects.filter(person_id__in=people)
        .exclude(case_id=case.pk)
        .values_list("case_id", flat=True)
    )
    others = list(
        Case.objects.filter(pk__in=their_cases, municipality_id=case.municipality_id).values_list(
            "pk", flat=True
        )
    )
    if not others:
        return []
    visible = set(Case.objects.for_user(user).filter(pk__in=others).values_list("pk", flat=True))
    cases = list(
        Case.objects.filter(pk__in=others)
        .only("public_id", "subject_id", "opened_at", "closed_at", "end_result", "status")
        .order_by("-opened_at", "-id")
    )
    if not cases:
        return []
    processing_log_record_many(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
        action="read",
        name="case.person_history",
        items=[
            Processing(
                str(c.subject_id),
                "case",
                c.public_id,
                ("reference", "opened_at", "closed_at", "end_result")
                if c.pk in visible
                else ("opened_at",),
            )
            for c in cases
        ],
    )
    return [
        {"case": c, "visible": True}
        if c.pk in visible
        else {"visible": False, "opened": timezone.localdate(c.opened_at).replace(day=1)}
        for c in cases
    ]


def automatic_decisions(user: Any, *, status: str = "") -> SignalQuerySet:
    """Regie's review: the signals the intake did not take up by itself, newest first.

    Lists show no personal data; the decision names the rule, never a value.
    """
    if not (user.has_perm("intake.triage_signal") and user.organisation.is_municipality):
        return Signal.objects.none()
    statuses = [status] if status in AUTOMATIC_NOT_TAKEN_UP else list(AUTOMATIC_NOT_TAKEN_UP)
    return (
        Signal.objects.for_user(user)
        .filter(status__in=statuses, person__isnull=False)
        .select_related("partner", "district")
        .defer("details")
        .order_by("-received_at", "-id")
    )


def frame_in_force() -> list[dict[str, Any]]:
    """The rules of the assessment frame in force (its latest version, else the default)."""
    current = AssessmentFrame.objects.order_by("-changed_at", "-id").first()
    return current.rules if current is not None else frame.DEFAULT_RULES


def caseworkers_of(organisation: Any) -> QuerySet:
    """The active users of ``organisation`` who may work cases: whom a team lead can assign."""
    from_groups = Q(
        groups__permissions__codename="work_case",
        groups__permissions__content_type__app_label="cases",
    )
    return (
        get_user_model()
        .objects.filter(organisation=organisation, is_active=True)
        .filter(from_groups)
        .distinct()
        .order_by("first_name", "last_name", "email", "id")
    )


def caseload(user: Any, *, today: date | None = None) -> list[dict]:
    """Per caseworker of the team lead's organisation: open cases, of which overdue and not yet
    picked up; and one line for the cases nobody has yet (``caseworker`` None)."""
    today = today or timezone.localdate()
    cases = Case.objects.for_user(user).exclude(status=CaseStatus.CLOSED)
    rows = {
        row["caseworker"]: row
        for row in cases.values("caseworker").annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(status__in=OUTREACH_OPEN, due_on__lt=today)),
            to_pick_up=Count("id", filter=Q(status=CaseStatus.ASSIGNED)),
        )
    }
    empty = {"open": 0, "overdue": 0, "to_pick_up": 0}
    result = [
        {"caseworker": worker, **{k: rows.get(worker.pk, empty)[k] for k in empty}}
        for worker in caseworkers_of(user.organisation)
    ]
    result.append({"caseworker": None, **{k: rows.get(None, empty)[k] for k in empty}})
    return result


def _postcode_order(person: dict) -> tuple:
    """Walking order: postcode, then house number as a number, then letter and addition."""
    number = str(person.get("huisnummer") or "")
    return (
        str(person.get("postcode") or "").replace(" ", "").upper() or "ZZZZZZ",
        int(number) if number.isdigit() else 0,
        str(person.get("huisletter") or ""),
        str(person.get("huisnummertoevoeging") or ""),
    )


def visits_of_day(user: Any, day: date) -> list[dict]:
    """The home visits the user's organisation planned on ``day``, in walking order (by
    postcode and house number), each with the tenant's name and address from the case's latest
    signal. Reads personal data: the caller records it in the processing log."""
    if not user.has_perm("cases.work_case") or user.organisation_id is None:
        return []
    visits = list(
        HomeVisit.objects.for_user(user)
        .filter(organisation_id=user.organisation_id, planned_on=day, cancelled_at__isnull=True)
        .select_related("case", "planned_by", "attempt")
    )
    latest: dict[int, Signal] = {}
    for signal in Signal.objects.filter(case_id__in={v.case_id for v in visits}).order_by(
        "received_at", "id"
    ):
        latest[signal.case_id] = signal
    rows = []
    for visit in visits:
        signal = latest.get(visit.case_id)
        person = signal.person_details if signal else {}
        rows.append({"visit": visit, "case": visit.case, "signal": signal, "person": person})
    rows.sort(key=lambda row: (_postcode_order(row["person"]), row["visit"].pk))
    return rows


def current_letter_templates() -> list[LetterTemplate]:
    """The version in force of every letter and door-card template (the newest per code)."""
    newest: dict[str, LetterTemplate] = {}
    for template in LetterTemplate.objects.order_by("code", "-changed_at", "-id"):
        newest.setdefault(template.code, template)
    return sorted(newest.values(), key=lambda t: (t.kind, t.name))
