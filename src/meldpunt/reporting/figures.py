"""Recomputing the figures of a month from the case file (the dashboards' read model).

Each measure is anchored in one month: signals in the month they were received, cases in the
month they were opened (their outreach, whenever it happened) or closed, instruments in the
month they were deployed, checks in the month they were asked, outcomes in the month they
happened. Recent months change as the work goes on, so the worker recomputes the last thirteen
every quarter of an hour (recurrence looks a year ahead) and everything nightly;
``meldpunt refresh-figures`` does it on request.

Nothing personal is read: pseudonymous ids, dates and categories only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from meldpunt.cases.deadlines import add_working_days, current_targets
from meldpunt.cases.models import (
    Arrangement,
    Case,
    CaseMember,
    InstrumentDeployment,
    Signal,
)
from meldpunt.core.db import db_value, insert_rows
from meldpunt.organisations.models import Organisation
from meldpunt.safeguards.models import OutcomeKind, SafeguardCheck, TenancyOutcome

from .models import Figure, FiguresRefresh

# A figure's dimensions, in this order: municipality, partner, partner type, district,
# provider, track.
Dims = tuple[int, int | None, str, int | None, int | None, str]
Key = tuple[str, str, Dims]  # measure, key, dimensions
_FIGURE_COLUMNS = ("month", "measure", "key", "municipality", "partner", "partner_type",
                   "district", "provider", "track", "value")  # fmt: skip


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _period(month: date) -> tuple:
    """The month as an aware datetime range (for DateTimeFields) and a date range."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(timezone.datetime(month.year, month.month, 1), tz)
    end_month = next_month(month)
    end = timezone.make_aware(timezone.datetime(end_month.year, end_month.month, 1), tz)
    return start, end, end_month


def _case_partners(case_ids: Iterable[int]) -> dict[int, set[int]]:
    partners: dict[int, set[int]] = {}
    ids = list(case_ids)
    for start in range(0, len(ids), 5000):
        for case_id, partner_id in (
            Signal.objects.filter(case_id__in=ids[start : start + 5000])
            .values_list("case_id", "partner_id")
            .distinct()
        ):
            partners.setdefault(case_id, set()).add(partner_id)
    return partners


# The kind of each partner (organisations.PartnerType), read once per refresh.
_KINDS: dict[int, str] = {}


def _with_partners(
    counts: Counter, measure: str, key: str, dims: Dims, partners: Iterable[int], n: int = 1
) -> None:
    """Count once without a partner (the total), once for each partner of the case and once for
    each kind of partner among them (a case with two landlords counts once for Huur)."""
    counts[(measure, key, dims)] += n
    municipality, _p, _t, district, provider, track = dims
    kinds = set()
    for partner in partners:
        kind = _KINDS.get(partner, "")
        counts[(measure, key, (municipality, partner, kind, district, provider, track))] += n
        kinds.add(kind)
    for kind in kinds - {""}:
        counts[(measure, key, (municipality, None, kind, district, provider, track))] += n


def _signals(counts: Counter, start, end) -> None:
    rows = (
        Signal.objects.filter(received_at__gte=start, received_at__lt=end)
        .values_list("municipality_id", "partner_id", "partner_type", "district_id", "status")
        .annotate(n=Count("id"))
    )
    for municipality, partner, partner_type, district, status, n in rows:
        for dims in (
            (municipality, None, "", district, None, ""),
            (municipality, partner, partner_type, district, None, ""),
            (municipality, None, partner_type, district, None, ""),
        ):
            counts[("signals.received", "", dims)] += n
            counts[("signals.status", status, dims)] += n


def _opened(counts: Counter, start, end, today: date) -> None:
    targets = current_targets()
    cases = list(
        Case.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .annotate(
            first_attempt=Min("attempts__on"),
            first_contact=Min("attempts__on", filter=Q(attempts__reached=True)),
        )
        .values_list(
            "pk", "municipality_id", "district_id", "provider_id", "track", "crisis",
            "opened_at", "first_attempt", "first_contact",
        )
    )  # fmt: skip
    partners = _case_partners(c[0] for c in cases)
    for pk, municipality, district, provider, track, crisis, opened_at, first, contact in cases:
        dims = (municipality, None, "", district, provider, track)
        mine = partners.get(pk, ())
        opened = timezone.localdate(opened_at)
        _with_partners(counts, "cases.opened", "", dims, mine)
        if first is not None:
            _with_partners(counts, "cases.attempted", "", dims, mine)
            _with_partners(counts, "cases.first_attempt_days", str((first - opened).days), dims,
                           mine)  # fmt: skip
        if contact is not None:
            _with_partners(counts, "cases.reached", "", dims, mine)
            _with_partners(counts, "cases.first_contact_days", str((contact - opened).days),
                           dims, mine)  # fmt: skip
        days = (
            targets.crisis_first_attempt_working_days
            if crisis
            else targets.first_attempt_working_days
        )
        due = add_working_days(opened, days)
        if first is not None:
            outcome = "op tijd" if first <= due else "te laat"
        else:
            outcome = "te laat" if today > due else "nog open"
        _with_partners(counts, "cases.first_attempt_deadline", outcome, dims, mine)


def _closed(counts: Counter, start, end, today: date) -> None:
    cases = list(
        Case.objects.filter(closed_at__gte=start, closed_at__lt=end).values_list(
            "pk", "municipality_id", "district_id", "provider_id", "track", "end_result",
            "closed_at",
        )
    )  # fmt: skip
    partners = _case_partners(c[0] for c in cases)
    members: dict[int, set[int]] = {}
    for case_id, person_id in CaseMember.objects.filter(
        case_id__in=[c[0] for c in cases]
    ).values_list("case_id", "person_id"):
        members.setdefault(case_id, set()).add(person_id)
    later: dict[int, list[tuple[date, int | None]]] = {}
    people = set().union(*members.values()) if members else set()
    if people:
        for person_id, received_at, case_id in Signal.objects.filter(
            person_id__in=people, received_at__gte=start
        ).values_list("person_id", "received_at", "case_id"):
            later.setdefault(person_id, []).append((timezone.localdate(received_at), case_id))
    for pk, municipality, district, provider, track, end_result, closed_at in cases:
        dims = (municipality, None, "", district, provider, track)
        mine = partners.get(pk, ())
        _with_partners(counts, "cases.closed", end_result, dims, mine)
        closed = timezone.localdate(closed_at)
        # Recurrence (art. 2.4, a lasting result): a new signal about one of the household's
        # people within 6 / 12 months after closing, counted once enough time has passed.
        for months in (6, 12):
            horizon = add_months(closed, months)
            if horizon > today:
                continue
            _with_partners(counts, f"recurrence.followed_{months}m", "", dims, mine)
            recurred = any(
                closed < received <= horizon and other != pk
                for person in members.get(pk, ())
                for received, other in later.get(person, ())
            )
            if recurred:
                _with_partners(counts, f"recurrence.{months}m", "", dims, mine)


def _deployments(counts: Counter, month: date, end_month: date) -> None:
    rows = list(
        InstrumentDeployment.objects.filter(deployed_on__gte=month, deployed_on__lt=end_month)
        .values_list(
            "case_id", "case__municipality_id", "case__district_id", "case__provider_id",
            "case__track", "tenancy__municipality_id", "organisation_id", "organisation__type",
            "instrument__category", "instrument__code",
        )
    )  # fmt: skip
    partners = _case_partners({r[0] for r in rows if r[0]})
    for (
        case_id,
        municipality,
        district,
        provider,
        track,
        own_municipality,
        org,
        kind,
        category,
        code,
    ) in rows:
        if case_id is None:  # a landlord's own instrument for its tenancy
            dims = (own_municipality, None, "", None, None, "")
            mine = {org} if kind == "partner" else set()
        else:
            dims = (municipality, None, "", district, provider, track)
            mine = partners.get(case_id, set())
        _with_partners(counts, "instruments.category", category, dims, mine)
        _with_partners(counts, "instruments.code", code, dims, mine)


def _checks(counts: Counter, month: date, end_month: date) -> None:
    rows = (
        SafeguardCheck.objects.filter(asked_on__gte=month, asked_on__lt=end_month)
        .values_list("municipality_id", "organisation_id", "question", "outcome")
        .annotate(n=Count("id"))
    )
    for municipality, organisation, question, outcome, n in rows:
        dims = (municipality, None, "", None, None, "")
        _with_partners(counts, "checks", f"{question}:{outcome}", dims, [organisation], n)


# The outcomes whose count the covenant asks for (ADR 0106): bailiff hand-overs and evictions,
# each with or without a valid verklaring that day.
COUNTED_OUTCOMES = (OutcomeKind.BAILIFF, OutcomeKind.EVICTION_EXECUTED)


def _outcomes(counts: Counter, month: date, end_month: date) -> None:
    """Outcomes in force (not withdrawn) in the month they happened, per landlord."""
    rows = (
        TenancyOutcome.objects.in_force()
        .filter(kind__in=COUNTED_OUTCOMES, occurred_on__gte=month, occurred_on__lt=end_month)
        .values_list("municipality_id", "organisation_id", "kind", "verklaring_valid")
        .annotate(n=Count("id"))
    )
    for municipality, organisation, kind, valid, n in rows:
        dims = (municipality, None, "", None, None, "")
        key = f"{kind}:{'met' if valid else 'zonder'}"
        _with_partners(counts, "outcomes", key, dims, [organisation], n)


def _arrangements(counts: Counter, month: date, end_month: date) -> None:
    """Geregelde betaling by the month it started running, and how it stands now: still running,
    or ended with its reason (issue #15). Never per partner: a landlord may not learn why it
    ended, not even in its own figures."""
    rows = (
        Arrangement.objects.filter(started_on__gte=month, started_on__lt=end_month)
        .values_list("case__municipality_id", "case__district_id", "case__track", "ended_on",
                     "end_reason")
    )  # fmt: skip
    for municipality, district, track, ended_on, reason in rows:
        dims = (municipality, None, "", district, None, track)
        key = "loopt" if ended_on is None else f"beeindigd:{reason}"
        _with_partners(counts, "geregeld.started", key, dims, [])


@transaction.atomic
def figures_refresh_month(month: date, *, today: date | None = None) -> int:
    """Recompute every figure of one month; returns the number of rows written."""
    month = month_start(month)
    today = today or timezone.localdate()
    start, end, end_month = _period(month)
    counts: Counter = Counter()
    _KINDS.clear()
    _KINDS.update(Organisation.objects.values_list("pk", "partner_type"))
    _signals(counts, start, end)
    _opened(counts, start, end, today)
    _closed(counts, start, end, today)
    _deployments(counts, month, end_month)
    _checks(counts, month, end_month)
    _outcomes(counts, month, end_month)
    _arrangements(counts, month, end_month)
    Figure.objects.filter(month=month).delete()
    # Straight into the table (core.db: COPY on PostgreSQL): a million cases' month is some
    # 100,000 figures, and building a model instance for each cost most of the refresh.
    month_value = db_value(Figure, "month", month)
    insert_rows(
        Figure, _FIGURE_COLUMNS,
        [
            (month_value, measure, key[:80], dims[0], dims[1], dims[2], dims[3], dims[4],
             dims[5], value)
            for (measure, key, dims), value in counts.items()
            if dims[0] is not None and value
        ],
        ready=_FIGURE_COLUMNS,
    )  # fmt: skip
    FiguresRefresh.objects.update_or_create(month=month, defaults={"refreshed_at": timezone.now()})
    return len(counts)


def figures_refresh(*, months: int | None = 13, today: date | None = None) -> int:
    """Recompute the last ``months`` months (None: since the first signal). Returns rows."""
    today = today or timezone.localdate()
    if months is None:
        first = Signal.objects.order_by("received_at").values_list("received_at", flat=True).first()
        first_month = month_start(timezone.localdate(first)) if first else month_start(today)
    else:
        first_month = month_start(add_months(today, -(months - 1)))
    return sum(figures_refresh_month(m, today=today) for m in months_between(first_month, today))


def figures_refresh_recent() -> int:
    """The worker's job every quarter of an hour."""
    return figures_refresh(months=13)


def figures_refresh_all() -> int:
    """The worker's nightly job."""
    return figures_refresh(months=None)
