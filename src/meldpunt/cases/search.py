"""Lists that find anything on large data (issue #12, docs/adr/0108): search through the blind
indexes, filters, sort by deadline and keyset pagination over ``Case.objects.for_user``.

A search term is personal data (a name, a birth date, an address), so it never travels in a
URL: the search form is posted, the matching cases are found here through the keyed hashes
(``privacy.keys``) and only their ids are kept in the session under a random token; the list is
then ``/zaken?zoek=<token>``. Filters hold no personal data and stay in the URL, so a list can
be bookmarked and shared within the team.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from meldpunt.privacy.keys import household_key, person_key
from meldpunt.privacy.services import Processing, processing_log_record_many

from .deadlines import OUTREACH_OPEN
from .models import Case, Signal
from .workflow import CaseStatus

PAGE_SIZE = 50
# A search names one household or a handful; more than this is not a search but a list.
MAX_FOUND = 500
SESSION_KEY = "case_searches"
KEEP_SEARCHES = 5


# --- search --------------------------------------------------------------------------------


def search_case_ids(
    user: Any,
    *,
    surname: str = "",
    prefix: str = "",
    birth_date: date | None = None,
    postcode: str = "",
    number: str = "",
    letter: str = "",
    addition: str = "",
    reference: str = "",
) -> list[int]:
    """The ids of the cases this user may see that match every criterion given.

    Name + birth date: the person's key (``Person.name_key``, the same one the intake files
    under). Postcode + house number: the household key of the case or of any of its signals.
    A partner's reference: the signals with that reference (a partner only its own).
    """
    conditions = Q()
    if surname and birth_date:
        key = person_key(surname, prefix, birth_date)
        conditions &= Q(members__person__name_key=key) | Q(
            pk__in=Signal.objects.filter(person_index=key).values("case_id")
        )
    if postcode and number:
        key = household_key(postcode, number, letter, addition)
        conditions &= Q(household_index=key) | Q(
            pk__in=Signal.objects.filter(household_index=key).values("case_id")
        )
    if reference:
        signals = Signal.objects.filter(partner_reference=reference.strip())
        if user.organisation.is_partner:
            signals = signals.filter(partner_id=user.organisation_id)
        conditions &= Q(pk__in=signals.values("case_id"))
    if not conditions:
        return []
    found = (
        Case.objects.for_user(user)
        .filter(conditions)
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )
    return list(found[:MAX_FOUND])


def remember_search(session: Any, ids: list[int], what: str) -> str:
    """Keep a search's result in the session; the token is what the URL carries."""
    token = secrets.token_urlsafe(9)
    searches = dict(session.get(SESSION_KEY) or {})
    searches[token] = {"ids": ids, "what": what}
    while len(searches) > KEEP_SEARCHES:
        searches.pop(next(iter(searches)))
    session[SESSION_KEY] = searches
    return token


def recall_search(session: Any, token: str) -> dict | None:
    return (session.get(SESSION_KEY) or {}).get(token) if token else None


# --- filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    state: str = "open"  # open | gesloten | alle
    status: str = ""
    track: str = ""
    district: int | None = None
    provider: int | None = None
    caseworker: str = ""  # "mijn", "geen" or a user's id
    partner: int | None = None
    overdue: bool = False
    crisis: bool = False
    queue: str = ""  # the assessment frame's work queue (werkbak), by its name
    sort: str = "termijn"  # termijn | ontvangen


def filtered_cases(user: Any, filters: Filters, ids: list[int] | None = None) -> QuerySet:
    """The user's cases narrowed by ``filters`` (and a search's ``ids``)."""
    cases = Case.objects.for_user(user)
    if ids is not None:
        cases = cases.filter(pk__in=ids)
    if filters.state == "open":
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif filters.state == "gesloten":
        cases = cases.filter(status=CaseStatus.CLOSED)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.track:
        cases = cases.filter(track=filters.track)
    if filters.district:
        cases = cases.filter(district_id=filters.district)
    if filters.provider:
        cases = cases.filter(provider_id=filters.provider)
    if filters.caseworker == "mijn":
        cases = cases.filter(caseworker_id=user.pk)
    elif filters.caseworker == "geen":
        cases = cases.filter(caseworker__isnull=True)
    elif filters.caseworker.isdigit():
        cases = cases.filter(caseworker_id=int(filters.caseworker))
    if filters.partner:
        cases = cases.filter(
            Exists(Signal.objects.filter(case_id=OuterRef("pk"), partner_id=filters.partner))
        )
    if filters.overdue:
        cases = cases.filter(status__in=OUTREACH_OPEN, due_on__lt=timezone.localdate())
    if filters.crisis:
        cases = cases.filter(crisis=True)
    if filters.queue:
        cases = cases.filter(queue=filters.queue)
    return cases


# --- keyset pagination ---------------------------------------------------------------------


def _cursor_of(case: Case, sort: str) -> str:
    if sort == "ontvangen":
        return f"o{case.opened_at.timestamp():.6f}_{case.pk}"
    if case.due_on is None:
        return f"n_{case.pk}"
    return f"d{case.due_on.isoformat()}_{case.pk}"


def case_page(
    cases: QuerySet, *, sort: str = "termijn", after: str = "", size: int = PAGE_SIZE
) -> tuple[list[Case], str]:
    """One page of ``cases`` after the cursor ``after``; returns the rows and the next cursor
    ("" on the last page). No OFFSET: every page costs the same, however deep.

    By deadline: first the cases with a deadline (earliest first: overdue on top), then those
    without one, each part in an order an index gives directly. By receipt: newest first.
    """
    try:
        rows = _page(cases, sort, after, size + 1)
    except (ValueError, TypeError):  # a cursor someone edited: start at the top
        rows = _page(cases, sort, "", size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return rows, _cursor_of(rows[-1], sort) if more and rows else ""


def _page(cases: QuerySet, sort: str, after: str, limit: int) -> list[Case]:
    if sort == "ontvangen":
        page = cases.order_by("-opened_at", "-id")
        if after:
            stamp, pk = after[1:].split("_")
            at = datetime.fromtimestamp(float(stamp), tz=timezone.get_current_timezone())
            page = page.filter(Q(opened_at__lt=at) | Q(opened_at=at, id__lt=int(pk)))
        return list(page[:limit])
    with_due = cases.filter(due_on__isnull=False).order_by("due_on", "id")
    without = cases.filter(due_on__isnull=True).order_by("id")
    if after.startswith("n_"):
        return list(without.filter(id__gt=int(after[2:]))[:limit])
    if after.startswith("d"):
        day, pk = after[1:].split("_")
        due = date.fromisoformat(day)
        with_due = with_due.filter(Q(due_on__gt=due) | Q(due_on=due, id__gt=int(pk)))
    rows = list(with_due[:limit])
    if len(rows) < limit:
        rows += list(without[: limit - len(rows)])
    return rows


def count_upto(cases: QuerySet, limit: int = 1000) -> tuple[int, bool]:
    """How many, counted up to ``limit`` (and whether there are more): a list of a million says
    "more than 1.000" instead of counting them all on every page."""
    n = cases.order_by()[: limit + 1].count()
    return min(n, limit), n > limit


# --- naming cases by tenant and address ----------------------------------------------------


def case_names(user: Any, cases: list[Case]) -> dict[int, dict[str, str]]:
    """Tenant's name and address per case, from its latest signal, for a user who may see
    personal data; each case shown is one processing-log record."""
    if not cases or not user.sees_personal_data:
        return {}
    latest: dict[int, Signal] = {}
    for signal in Signal.objects.filter(case_id__in=[c.pk for c in cases]).order_by(
        "case_id", "received_at", "id"
    ):
        latest[signal.case_id] = signal
    names = {}
    for case_id, signal in latest.items():
        person = signal.person_details
        number = "".join(str(person.get(k) or "") for k in ("huisnummer", "huisletter")) + (
            f"-{person['huisnummertoevoeging']}" if person.get("huisnummertoevoeging") else ""
        )
        names[case_id] = {
            "name": signal.display_name,
            "address": " ".join(x for x in (person.get("straat"), number) if x)
            + (f", {person['postcode']}" if person.get("postcode") else ""),
        }
    by_pk = {c.pk: c for c in cases}
    processing_log_record_many(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
        action="read",
        name="case.list",
        items=[
            Processing(str(by_pk[pk].subject_id), "case", by_pk[pk].public_id, ("name", "address"))
            for pk in names
        ],
    )
    return names
