"""Deadlines of outreach: first contact attempt within N working days, contact or outreach
complete within M days. Reads only; the overdue list and the daily reminder use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from dateutil.easter import easter
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Case, ContactAttempt, DeadlineConfig
from .workflow import CaseStatus


@dataclass(frozen=True)
class Targets:
    first_attempt_working_days: int = 5
    crisis_first_attempt_working_days: int = 1
    outreach_days: int = 28


def current_targets() -> Targets:
    row = DeadlineConfig.objects.order_by("-changed_at", "-id").first()
    if row is None:
        return Targets()
    return Targets(
        first_attempt_working_days=row.first_attempt_working_days,
        crisis_first_attempt_working_days=row.crisis_first_attempt_working_days,
        outreach_days=row.outreach_days,
    )


@cache
def possible_holidays(year: int) -> frozenset[date]:
    """Every day ``public_holidays`` could name, without the ``holidays`` package: the fixed
    days (New Year's Day, the days King's Day or Queen's Day fell on, 5 May, both Christmas
    days) and the days around Easter (Good Friday to Easter Monday, Ascension Day, Whit Sunday
    and Monday). A day not in it is no holiday. The package loads the calendars of every
    country (about 0.1 s of CPU, in each import command), and most deadlines pass none of
    these days (tests/test_deadlines.py checks the superset for every year of a century)."""
    sunday = easter(year)
    fixed = [(1, 1), (4, 26), (4, 27), (4, 29), (4, 30), (5, 1), (5, 5), (12, 25), (12, 26)]
    return frozenset(
        [date(year, month, day) for month, day in fixed]
        + [sunday + timedelta(days=n) for n in (-2, 0, 1, 39, 49, 50)]
    )


@cache
def public_holidays(year: int) -> frozenset[date]:
    """The days that do not count as working days, as the Algemene termijnenwet (art. 3) names
    them: New Year's Day, Easter Monday, King's Day, 5 May, Ascension Day, Whit Monday and both
    Christmas days. The Dutch calendar of the ``holidays`` package gives the movable feasts; Good
    Friday, which it also lists, is not a day off under that law, and 5 May is one every year."""
    import holidays  # only for a day that may be one (``possible_holidays``): it is heavy

    days = set(holidays.NL(years=year))
    days.discard(easter(year) - timedelta(days=2))  # Good Friday
    days.discard(easter(year))  # a Sunday anyway, like Whit Sunday
    days.add(date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in possible_holidays(day.year) or day not in public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (weekends and holidays skipped)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


# Before contact is made or an instrument is deployed, outreach is still running.
OUTREACH_OPEN = (CaseStatus.ASSIGNED, CaseStatus.PICKED_UP)


def due_date(
    received: date, *, crisis: bool, attempted: bool, targets: Targets | None = None
) -> date:
    """The date the next outreach step of a case received on ``received`` is due: the first
    contact attempt (working days, shorter for a crisis signal), then contact made or outreach
    complete. The same rules as ``overdue_cases``, for the stored ``Case.due_on``."""
    targets = targets or current_targets()
    if not attempted:
        days = (
            targets.crisis_first_attempt_working_days
            if crisis
            else targets.first_attempt_working_days
        )
        return add_working_days(received, days)
    return received + timedelta(days=targets.outreach_days)


def case_due_on(case: Case, *, attempted: bool | None = None) -> date | None:
    """What ``case.due_on`` should be now: empty once outreach is no longer running."""
    if case.status not in (CaseStatus.RECEIVED, *OUTREACH_OPEN):
        return None
    if attempted is None:
        attempted = case.pk is not None and case.attempts.exists()
    return due_date(timezone.localdate(case.opened_at), crisis=case.crisis, attempted=attempted)


@dataclass(frozen=True)
class Overdue:
    case: Case
    reason: str
    due: date


FIRST_ATTEMPT_LATE = "Eerste contactpoging te laat"
OUTREACH_LATE = "Geen contact en outreach niet af"


def _last_received_day_overdue(today: date, working_days: int) -> date:
    """The last day a case could be received on and be past ``working_days`` working days
    today. ``add_working_days`` never goes down as the start goes up, so every case received
    on or before that day is overdue and every later one is not."""
    day = today - timedelta(days=1)
    while add_working_days(day, working_days) >= today:
        day -= timedelta(days=1)
    return day


def _start_of_day_after(day: date):
    """The moment the local day after ``day`` starts: received before it = on or before day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def overdue_queryset(cases: QuerySet[Case], *, today: date | None = None) -> QuerySet[Case]:
    """The open, assigned cases of ``cases`` (already scoped!) that passed a deadline today, by
    the targets in force: the first contact attempt (working days, shorter in a crisis) while
    none was made, then contact made or outreach complete. The rule is the one of ``due_date``;
    here it is turned into the last day of receipt that is overdue, so that the database
    selects and counts (a million cases: regie's home screen read every open case into
    Python). Annotated with ``attempted``, ordered crisis first, oldest first."""
    today = today or timezone.localdate()
    targets = current_targets()
    first = _start_of_day_after(
        _last_received_day_overdue(today, targets.first_attempt_working_days)
    )
    crisis_first = _start_of_day_after(
        _last_received_day_overdue(today, targets.crisis_first_attempt_working_days)
    )
    # received + outreach_days < today
    outreach = _start_of_day_after(today - timedelta(days=targets.outreach_days + 1))
    return (
        cases.filter(status__in=OUTREACH_OPEN)
        .annotate(attempted=Exists(ContactAttempt.objects.filter(case_id=OuterRef("pk"))))
        .filter(
            Q(attempted=False, crisis=False, opened_at__lt=first)
            | Q(attempted=False, crisis=True, opened_at__lt=crisis_first)
            | Q(opened_at__lt=outreach)
        )
        .order_by("-crisis", "opened_at", "id")
    )


def overdue_reason(case: Case, *, today: date, targets: Targets) -> Overdue:
    """Why a case of ``overdue_queryset`` is overdue, and since when (its due date)."""
    received = timezone.localdate(case.opened_at)
    if not case.attempted:
        due = due_date(received, crisis=case.crisis, attempted=False, targets=targets)
        if today > due:
            return Overdue(case, FIRST_ATTEMPT_LATE, due)
    return Overdue(case, OUTREACH_LATE, received + timedelta(days=targets.outreach_days))


def overdue_counts(cases: QuerySet[Case], *, today: date | None = None) -> dict[int | None, int]:
    """How many of ``cases`` (already scoped!) are overdue, per provider id (None: none yet)."""
    rows = (
        overdue_queryset(cases, today=today)
        .order_by()
        .values("provider_id")
        .annotate(n=Count("pk"))
        .values_list("provider_id", "n")
    )
    return dict(rows)


def overdue_cases(cases: QuerySet[Case], *, today: date | None = None) -> list[Overdue]:
    """The overdue cases of ``cases`` (already scoped!) with their reason: for a page or a
    small set; counts come from ``overdue_counts``."""
    today = today or timezone.localdate()
    targets = current_targets()
    return [
        overdue_reason(case, today=today, targets=targets)
        for case in overdue_queryset(cases, today=today).select_related("provider")
    ]
