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

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from meldpunt.privacy.keys import household_key, person_key
from meldpunt.privacy.services import Processing, record_reads

from .deadlines import OUTREACH_OPEN
from .models import Case, CaseMember, Signal, person_name
from .workflow import CaseStatus

PAGE_SIZE = 50
# A search names one household or a handful; more than this is not a search but a list.
MAX_FOUND = 500
SESSION_KEY = "case_searches"
KEEP_SEARCHES = 5
OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)
# The statuses in which a case can have a deadline (cases.deadlines.case_due_on).
DEADLINE_STATUSES = (CaseStatus.RECEIVED, *OUTREACH_OPEN)


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
    # Each criterion finds its cases through its own index (the person key on persons and on
    # signals, the household key on cases and on signals, the reference on signals); only then
    # are the few ids intersected and scoped. One query with OR-ed joins would defeat those
    # indexes and walk every case the user may see (a million for a city's regie).
    found: set[int] | None = None

    def narrow(ids: set[int]) -> None:
        nonlocal found
        found = ids if found is None else found & ids

    if surname and birth_date:
        key = person_key(surname, prefix, birth_date)
        # The unique index on the person key leaves out persons without one; SQLite uses it
        # only when the query says so too (it does not infer "<> ''" from "= key").
        members = CaseMember.objects.filter(person__name_key=key).exclude(person__name_key="")
        narrow(
            set(members.values_list("case_id", flat=True))
            | _signal_cases(Signal.objects.filter(person_index=key))
        )
    if postcode and number:
        key = household_key(postcode, number, letter, addition)
        narrow(
            set(Case.objects.filter(household_index=key).values_list("id", flat=True))
            | _signal_cases(Signal.objects.filter(household_index=key))
        )
    if reference:
        signals = Signal.objects.filter(partner_reference=reference.strip())
        if user.organisation.is_partner:
            signals = signals.filter(partner_id=user.organisation_id)
        narrow(_signal_cases(signals))
    if not found:
        return []
    scoped = Case.objects.for_user(user).filter(pk__in=found).order_by("id")
    return list(scoped.values_list("id", flat=True)[:MAX_FOUND])


def _signal_cases(signals: QuerySet) -> set[int]:
    return set(signals.filter(case__isnull=False).values_list("case_id", flat=True))


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

    @property
    def deadline(self) -> bool | None:
        """Whether the cases these filters let through have a deadline: ``True`` for overdue
        ones only, ``False`` when the status allows none (closed, contact made, help deployed:
        ``due_on`` is emptied then, services._apply_transition), ``None`` when both occur. The
        keyset pages skip the part that cannot match (on a million cases an empty part is not
        free: the index by deadline is walked to its end to find nothing)."""
        if self.overdue:
            return True
        if self.state == "gesloten" or (self.status and self.status not in DEADLINE_STATUSES):
            return False
        return None


def filtered_cases(user: Any, filters: Filters, ids: list[int] | None = None) -> QuerySet:
    """The user's cases narrowed by ``filters`` (and a search's ``ids``)."""
    cases = Case.objects.for_user(user)
    if ids is not None:
        cases = cases.filter(pk__in=ids)
    if filters.state == "open":
        # Named statuses rather than "not closed": an index starting with the status (triage's
        # case_status_queue) then serves the count; a "<>" is a filter on every row.
        cases = cases.filter(status__in=OPEN_STATUSES)
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
    cases: QuerySet,
    *,
    sort: str = "termijn",
    after: str = "",
    size: int = PAGE_SIZE,
    deadline: bool | None = None,
) -> tuple[list[Case], str]:
    """One page of ``cases`` after the cursor ``after``; returns the rows and the next cursor
    ("" on the last page). No OFFSET: every page costs the same, however deep.

    By deadline: first the cases with a deadline (earliest first: overdue on top), then those
    without one, each part in an order an index gives directly; ``deadline`` (``Filters.
    deadline``) says when only one part can hold cases. By receipt: newest first.
    """
    try:
        rows = _page(cases, sort, after, size + 1, deadline)
    except (ValueError, TypeError):  # a cursor someone edited: start at the top
        rows = _page(cases, sort, "", size + 1, deadline)
    more = len(rows) > size
    rows = rows[:size]
    return rows, _cursor_of(rows[-1], sort) if more and rows else ""


def _page(cases: QuerySet, sort: str, after: str, limit: int, deadline: bool | None) -> list[Case]:
    # Each cursor condition repeats its first column as a plain bound (opened_at <= at,
    # due_on >= due): the index is then entered at the cursor instead of walked from the top
    # and filtered, which an OR of two comparisons alone does not allow.
    if sort == "ontvangen":
        page = cases.order_by("-opened_at", "-id")
        if after:
            stamp, pk = after[1:].split("_")
            at = datetime.fromtimestamp(float(stamp), tz=timezone.get_current_timezone())
            page = page.filter(opened_at__lte=at).filter(
                Q(opened_at__lt=at) | Q(opened_at=at, id__lt=int(pk))
            )
        return list(page[:limit])
    with_due = cases.filter(due_on__isnull=False).order_by("due_on", "id")
    without = cases.filter(due_on__isnull=True).order_by("id")
    if after.startswith("n_"):
        return [] if deadline else list(without.filter(id__gt=int(after[2:]))[:limit])
    if deadline is False:
        return list(without[:limit])
    if after.startswith("d"):
        day, pk = after[1:].split("_")
        due = date.fromisoformat(day)
        with_due = with_due.filter(due_on__gte=due).filter(
            Q(due_on__gt=due) | Q(due_on=due, id__gt=int(pk))
        )
    rows = list(with_due[:limit])
    if len(rows) < limit and not deadline:
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
    # Only the latest signal of each case is read and decrypted, and of it only the details:
    # a case's earlier signals (other deliveries about the same household) do not name it.
    newest = Signal.objects.filter(case_id=OuterRef("case_id")).order_by("-received_at", "-id")
    latest = (
        Signal.objects.filter(
            case_id__in=[c.pk for c in cases], pk=Subquery(newest.values("pk")[:1])
        )
        .order_by()
        .values_list("case_id", "details")
    )
    names = {}
    for case_id, details in latest:
        person = details.get("person", {})
        number = "".join(str(person.get(k) or "") for k in ("huisnummer", "huisletter")) + (
            f"-{person['huisnummertoevoeging']}" if person.get("huisnummertoevoeging") else ""
        )
        names[case_id] = {
            "name": person_name(person),
            "address": " ".join(x for x in (person.get("straat"), number) if x)
            + (f", {person['postcode']}" if person.get("postcode") else ""),
        }
    by_pk = {c.pk: c for c in cases}
    record_reads(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
        name="case.list",
        items=[
            Processing(str(by_pk[pk].subject_id), "case", by_pk[pk].public_id, ("name", "address"))
            for pk in names
        ],
    )
    return names
