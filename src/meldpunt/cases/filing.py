"""Filing one intake batch into the case file: persons, tenancies, cases, members, history, signals.

The intake engine (``meldpunt.intake.pipeline``) decides what happens to each signal by its
rules; this module is the case file's side of that: it finds what the file already holds
(people by key or reference, their tenancies, their open cases, recent amounts) and writes what
the engine decided, in one transaction, in bulk (``core.db.insert_rows``: thousands of rows a
batch, docs/adr/0007-intake-throughput.md). Cases are opened here and only here, with their
first status-history rows; later status changes go through ``services._apply_transition``.

Look-ups return values in database form (on SQLite a UUID is its hex text): ids are made into
hex text with ``_hex`` wherever they are compared or passed on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from meldpunt.core.db import CopyData, copy_data, insert_copy_data, insert_rows, new_ids, select_in

from . import frame
from .deadlines import Targets, case_due_on, current_targets, due_date
from .models import Case, CaseMember, CaseStatusChange, Person, Signal, Tenancy
from .selectors import frame_in_force
from .workflow import CaseStatus

_CLOSED = str(CaseStatus.CLOSED)
_RECEIVED, _ASSIGNED = str(CaseStatus.RECEIVED), str(CaseStatus.ASSIGNED)
_TENANT, _CO_TENANT = str(CaseMember.Role.TENANT), str(CaseMember.Role.CO_TENANT)

# Column order of the rows filed in bulk; values in database form (ids as hex, dates as ISO).
SIGNAL_COLUMNS = (
    "public_id", "subject_id", "partner_id", "submitted_by_id", "channel", "partner_type",
    "delivery_id", "district_id", "municipality_id", "received_at", "status", "decision", "case_id",
    "person_id", "tenancy_id",
    # from the prepared row (the intake's ``_Row.columns``):
    "partner_reference", "details", "household_index", "person_index", "intake_key",
    "signal_date", "contact_attempted_on", "referred_to_debt_help_on", "written_reminder_on",
    "tenant_informed_on", "crisis", "warm_handover", "unreachable_in_collection",
    "multiple_problems",
)  # fmt: skip
CASE_COLUMNS = (
    "public_id", "subject_id", "household_index", "district_id", "municipality_id", "crisis",
    "routing_reason",
    "status", "track", "provider_id", "opened_at", "assigned_at", "picked_up_on", "closed_at",
    "end_result", "due_on",
    # the assessment frame's placement, filled in ``write`` from the case's signals:
    "queue", "first_action", "queue_rule",
)  # fmt: skip
# New persons, tenancies and cases are inserted with their ids (``core.db.new_ids``).
_PERSON_COLUMNS = ("id", "subject_id", "name_key", "birth_key", "created_at")
_TENANCY_COLUMNS = ("id", "public_id", "partner_id", "person_id", "reference", "household_index",
                    "municipality_id", "created_at")  # fmt: skip
_NEW_CASE_COLUMNS = ("id", *CASE_COLUMNS)
_MEMBER_COLUMNS = ("case_id", "person_id", "role", "added_at")
_HISTORY_COLUMNS = ("case_id", "from_status", "to_status", "by_id", "by_organisation_id",
                    "reason", "at")  # fmt: skip
# case_id, person_id, tenancy_id follow each other: known once the new rows have ids.
_CASE_AT = SIGNAL_COLUMNS.index("case_id")
_CRISIS_AT, _DUE_AT = CASE_COLUMNS.index("crisis"), CASE_COLUMNS.index("due_on")
_STATUS_AT = CASE_COLUMNS.index("status")


class PersonRef:
    """A person a batch files signals about: found in the file (``pk``) or new in this batch."""

    __slots__ = ("birth_key", "name_key", "pk", "subject")

    def __init__(self, pk: int | None, subject: str, name_key: str, birth_key: str) -> None:
        self.pk, self.subject, self.name_key, self.birth_key = pk, subject, name_key, birth_key


class TenancyRef:
    __slots__ = ("pk", "public")

    def __init__(self, pk: int | None, public: str) -> None:
        self.pk, self.public = pk, public


class CaseRef:
    """A case a batch files into: an open case from the file, or one this batch opens."""

    __slots__ = (
        "crisis", "members", "municipality_id", "opened_at", "picked_up", "pk", "routing_reason",
        "row",
    )  # fmt: skip

    def __init__(
        self,
        pk: int | None,
        crisis: bool,
        routing_reason: str,
        row: list | None = None,
        picked_up: bool = False,
        municipality_id: int | None = None,
        opened_at: datetime | None = None,
    ):
        self.pk = pk
        self.crisis = crisis
        self.picked_up = picked_up  # a signal that joins it is "Opgepakt" at once
        self.routing_reason = routing_reason
        self.row = row  # the new case's column values (CASE_COLUMNS); None for an open case
        self.members: set[tuple[str, int]] = set()  # _member_mark of the persons on the case
        self.municipality_id = municipality_id
        self.opened_at = opened_at  # of an open case from the file (None: opened by this batch)


class CaseFileChanged(Exception):
    """An open case a batch was decided against was closed, picked up or routed otherwise
    before the batch was written.

    Only when the batch was decided without locking its cases (``lock=False``): the writer
    decides again with the cases locked (``intake.pipeline``, ADR 0127).
    """


class InFlight:
    """What a batch still being written adds to the case file, as the look-ups of the next
    batch would find it once that batch is committed.

    A pipelined intake decides batch N+1 while batch N is written (ADR 0127); when N+1's
    snapshot of the database does not yet hold N, its look-ups add this, so N+1 is decided
    exactly as it would be after N's commit: N's new persons by name key and by reference,
    their tenancies, the amounts N filed per tenancy, and N's memberships of open cases (new
    cases and the open cases it joined, with the crisis marks it made).
    """

    __slots__ = ("amounts", "by_key", "by_reference", "crisis", "memberships", "tenancy_of")

    def __init__(self, file: CaseFileBatch, received: datetime) -> None:
        self.by_key = {p.name_key: p for p in file._persons if p.name_key}
        self.by_reference: dict[str, PersonRef] = {}
        self.tenancy_of: dict[int, TenancyRef] = {}
        for tenancy, person, reference, _household, _municipality in file._tenancies:
            self.by_reference[reference] = person
            self.tenancy_of[person.pk] = tenancy
        self.amounts: dict[int, list[tuple[datetime, Decimal]]] = {}
        for tenancy, amount in file._amounts:
            self.amounts.setdefault(tenancy.pk, []).append((received, amount))
        self.crisis = {c.pk for c in file._cases if c.crisis} | file._crisis
        # person -> [(opened at, case id, crisis, routing reason, municipality, picked up)] of
        # each case this batch made the person a member of (a new case opens at ``received``).
        self.memberships: dict[int, list[tuple]] = {}
        for case, person, _role in file._members:
            self.memberships.setdefault(person.pk, []).append(
                (case.opened_at or received, case.pk, case.crisis, case.routing_reason,
                 case.municipality_id, case.picked_up)
            )  # fmt: skip


def _member_mark(person: PersonRef) -> tuple[str, int]:
    return ("pk", person.pk) if person.pk is not None else ("new", id(person))


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else value


def fetch_in(sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of ``sql`` whose ``{values}`` stands for a list of values (after ``params``).

    Like ``core.db.select_in`` but for any statement (joins): one array parameter on
    PostgreSQL, IN lists of at most 900 on SQLite.
    """
    values = list(values)
    if not values:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(values="= ANY(%s)"), [*params, values])
            yield from cursor.fetchall()
            return
        for start in range(0, len(values), 900):
            part = values[start : start + 900]
            cursor.execute(sql.format(values=f"IN ({', '.join(['%s'] * len(part))})"),
                           [*params, *part])  # fmt: skip
            yield from cursor.fetchall()


_LOOKED_UP = (Signal, Person, Tenancy, CaseMember, Case)


def refresh_statistics() -> None:
    """Give the planner statistics of the tables the look-ups read, where it has none.

    A table that was never analyzed (or only while empty, as migration cases 0030 does) has no
    statistics of its columns: the planner then takes the landlord's id for a rare value, reads
    all of the landlord's tenancies or signals through that index and filters them by the
    list of ids, instead of looking each one up (tests/test_intake_plan.py). A first large
    file into a new database (an onboarding, the bench) looked up more slowly with every batch
    (7.9 s of 26 s for 100,000 rows, 0.7 s for 20,000). Once the statistics are there, their
    proportions hold while the table grows (the planner scales the row count by the table's
    size), so autovacuum's later ANALYZE suffices.
    """
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in _LOOKED_UP]
    with connection.cursor() as cursor:
        # The tables as the connection's search path finds them (not a namesake elsewhere).
        cursor.execute(
            "SELECT relname FROM pg_class WHERE oid = ANY(%s::regclass[]) AND reltuples <= 0",
            [tables],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class CaseFileBatch:
    """The case file's side of one intake batch, within the engine's transaction."""

    def __init__(
        self,
        *,
        partner_id: int,
        by_id: int | None,
        at: Any,
        new_ids: Iterator[str],
        placer: frame.Placer | None = None,
        after: InFlight | None = None,
        lock: bool = True,
    ):
        """``after``: a batch still being written that the look-ups add (``InFlight``);
        ``lock``: the look-ups lock the open cases they find. Without, ``write`` locks them
        and raises ``CaseFileChanged`` when one was closed in between."""
        self.partner_id = partner_id
        self.by_id = by_id
        self.at = at  # the batch's time in database form (``core.db.db_value``)
        self._ids = new_ids
        self._persons: list[PersonRef] = []
        self._tenancies: list[tuple[TenancyRef, PersonRef, str, str, int]] = []
        self._cases: list[CaseRef] = []
        self._members: list[tuple[CaseRef, PersonRef, str]] = []
        self._signals: list[tuple[list, CaseRef | None, PersonRef, TenancyRef]] = []
        # What the assessment frame reads of each signal filed into a case this batch opens
        # (made when needed) and where the caller's ``placer`` put that signal alone.
        self._frame_signals: dict[int, list[tuple[Callable[[], frame.FrameSignal], Any]]] = {}
        self._placer = placer
        self._crisis: set[int] = set()
        self._targets: Targets | None = None
        self._due_on: dict[bool, str] = {}  # crisis -> first deadline: one date for the batch
        self._amounts: list[tuple[TenancyRef, Decimal]] = []  # each filed signal's arrears
        self._after = after
        self._lock = lock
        self._ids_given = False
        self._staged: list[CopyData] | None = None  # ``stage``

    # -- what the file holds ---------------------------------------------------------------

    def people_by_key(self, keys: Iterable[str]) -> dict[str, PersonRef]:
        # The name key's index leaves out the empty key (``person_once_per_name``): a planner
        # uses it only when the query says so too, in the index's own words (SQLite scanned
        # every person for each list of 900 keys; tests/test_intake_plan.py).
        sql = (
            "SELECT id, subject_id, name_key, birth_key "  # noqa: S608
            f"FROM {Person._meta.db_table} WHERE NOT (name_key = '') AND name_key {{values}}"
        )
        keys = {k for k in keys if k}
        found = {
            name_key: PersonRef(pk, _hex(subject), name_key, birth_key)
            for pk, subject, name_key, birth_key in fetch_in(sql, list(keys))
        }
        if self._after is not None:
            by_key = self._after.by_key
            found.update((k, by_key[k]) for k in keys if k in by_key)
        return found

    def people_by_reference(self, references: Iterable[str]) -> dict[str, PersonRef]:
        """This landlord's tenants by its own reference (one person per reference: the latest)."""
        found: dict[str, PersonRef] = {}
        # From the references to their persons, in this order whatever the statistics say (a
        # CROSS JOIN in SQLite; see ``open_cases``).
        sql = (
            "SELECT t.reference, p.id, p.subject_id, p.name_key, p.birth_key "  # noqa: S608
            f"FROM {Tenancy._meta.db_table} t CROSS JOIN {Person._meta.db_table} p "
            "WHERE p.id = t.person_id AND t.partner_id = %s AND t.reference {values} ORDER BY t.id"
        )
        references = set(references)
        for reference, pk, subject, name_key, birth_key in fetch_in(
            sql, list(references), [self.partner_id]
        ):
            found[reference] = PersonRef(pk, _hex(subject), name_key, birth_key)
        if self._after is not None:  # its tenancies are later than any in the file
            by_reference = self._after.by_reference
            found.update((r, by_reference[r]) for r in references if r in by_reference)
        return found

    def tenancies(self, person_ids: Iterable[int]) -> dict[int, TenancyRef]:
        person_ids = set(person_ids)
        found = {
            person_id: TenancyRef(pk, _hex(public))
            for pk, public, person_id in select_in(
                Tenancy, ("id", "public_id", "person_id"), {"partner": self.partner_id},
                "person", list(person_ids),
            )
        }  # fmt: skip
        if self._after is not None:
            tenancy_of = self._after.tenancy_of
            found.update((p, tenancy_of[p]) for p in person_ids if p in tenancy_of)
        return found

    def recent_amounts(
        self, tenancy_ids: Iterable[int], since: datetime
    ) -> dict[int, list[tuple[datetime, Decimal]]]:
        """(received, arrears) of each tenancy's signals received since ``since`` (decrypted)."""
        amounts: dict[int, list[tuple[datetime, Decimal]]] = {}
        ids = list(set(tenancy_ids))
        for start in range(0, len(ids), 900):
            for tenancy_id, received, details in Signal.objects.filter(
                tenancy_id__in=ids[start : start + 900], received_at__gte=since
            ).values_list("tenancy_id", "received_at", "details"):
                amount = Decimal(details["arrears"]["achterstand_bedrag"])
                amounts.setdefault(tenancy_id, []).append((received, amount))
        if self._after is not None:
            for tenancy_id in ids:
                for received, amount in self._after.amounts.get(tenancy_id, ()):
                    if received >= since:
                        amounts.setdefault(tenancy_id, []).append((received, amount))
        return amounts

    def open_cases(self, person_ids: Iterable[int]) -> dict[tuple[int, int], CaseRef]:
        """Per (person, municipality), the oldest open case they are a member of; locked.

        A case belongs to one municipality: a person who moved to another municipality gets a
        case there, linked to the earlier one by the person.
        """
        # Driven from the persons looked up, whatever the statistics say: the memberships by
        # person first, then each one's case by its key. A plain JOIN leaves the order to
        # SQLite's planner, and with statistics of an (almost) empty case table (migration
        # cases 0030 runs ANALYZE at the upgrade) it scans every open case for each list of
        # persons instead: 10.9 s instead of 0.03 s a batch at 20,000 cases. In SQLite a
        # CROSS JOIN keeps the tables in the order written; PostgreSQL treats it as the inner
        # join it is (tests/test_intake_plan.py).
        sql = (
            "SELECT m.person_id, c.id, c.crisis, c.routing_reason, c.opened_at, "  # noqa: S608
            "c.municipality_id, c.picked_up_on "
            f"FROM {CaseMember._meta.db_table} m CROSS JOIN {Case._meta.db_table} c "
            "WHERE c.id = m.case_id AND c.status <> %s AND m.person_id {values}"
        )
        if self._lock and connection.features.has_select_for_update_of:
            sql += " FOR UPDATE OF c"
        person_ids = set(person_ids)
        rows = [
            (opened_at, case_id, person_id, bool(crisis), reason, municipality_id,
             picked is not None)
            for person_id, case_id, crisis, reason, opened_at, municipality_id, picked in fetch_in(
                sql, list(person_ids), [_CLOSED]
            )
        ]  # fmt: skip
        crisis_marked: set[int] = set()
        if self._after is not None:
            crisis_marked = self._after.crisis
            memberships = self._after.memberships
            for person_id in person_ids & memberships.keys():
                rows.extend((opened_at, case_id, person_id, crisis, reason, municipality_id, picked)
                            for opened_at, case_id, crisis, reason, municipality_id, picked
                            in memberships[person_id])  # fmt: skip
        rows.sort(key=lambda r: (r[0], r[1]))
        cases: dict[int, CaseRef] = {}
        found: dict[tuple[int, int], CaseRef] = {}
        for opened_at, case_id, person_id, crisis, reason, municipality_id, picked in rows:
            case = cases.get(case_id)
            if case is None:
                case = cases[case_id] = CaseRef(
                    case_id, crisis or case_id in crisis_marked, reason, picked_up=picked,
                    municipality_id=municipality_id, opened_at=opened_at,
                )  # fmt: skip
            case.members.add(("pk", person_id))
            found.setdefault((person_id, municipality_id), case)
        return found

    # -- what the batch adds ---------------------------------------------------------------

    def new_person(self, name_key: str, birth_key: str) -> PersonRef:
        person = PersonRef(None, next(self._ids), name_key, birth_key)
        self._persons.append(person)
        return person

    def new_tenancy(
        self, person: PersonRef, reference: str, household: str, municipality_id: int
    ) -> TenancyRef:
        tenancy = TenancyRef(None, next(self._ids))
        self._tenancies.append((tenancy, person, reference, household, municipality_id))
        return tenancy

    def open_case(
        self,
        *,
        person: PersonRef,
        household: str,
        district_id: int,
        municipality_id: int,
        crisis: bool,
        status: str,
        track: str,
        provider_id: int | None,
        routing_reason: str,
    ) -> CaseRef:
        """A new case for ``person``'s household, with its first status history."""
        assigned_at = self.at if status == _ASSIGNED else None
        # The queue, first action and rule follow in ``write`` (the frame reads the signals).
        due = self._due_on.get(crisis) or self._due(crisis)
        row = [next(self._ids), person.subject, household, district_id, municipality_id, crisis,
               routing_reason, status, track, provider_id, self.at, assigned_at, None, None,
               "", due]  # fmt: skip
        case = CaseRef(None, crisis, routing_reason, row, municipality_id=municipality_id)
        self._cases.append(case)
        # The person is its first member (``add_member``, without the check: the case is new).
        case.members.add(_member_mark(person))
        self._members.append((case, person, _TENANT))
        return case

    def add_member(self, case: CaseRef, person: PersonRef, role: str = _TENANT) -> None:
        marker = _member_mark(person)
        if marker in case.members:
            return
        case.members.add(marker)
        self._members.append((case, person, role))

    def add_co_tenant(self, case: CaseRef, person: PersonRef) -> None:
        self.add_member(case, person, _CO_TENANT)

    def mark_crisis(self, case: CaseRef) -> None:
        if case.crisis:
            return
        case.crisis = True
        if case.pk is not None:
            self._crisis.add(case.pk)
        else:
            case.row[_CRISIS_AT] = True
            case.row[_DUE_AT] = self._due(True)

    def _due(self, crisis: bool) -> str:
        """A new case's first deadline (the first contact attempt), in database form."""
        due = self._due_on.get(crisis)
        if due is None:  # every case of the batch is received on the same day
            if self._targets is None:
                self._targets = current_targets()
            received = timezone.localdate()
            due = due_date(received, crisis=crisis, attempted=False, targets=self._targets)
            due = self._due_on[crisis] = due.isoformat()
        return due

    def file_signal(
        self,
        values: list,
        case: CaseRef | None,
        person: PersonRef,
        tenancy: TenancyRef,
        facts: Callable[[], frame.FrameSignal],
        placed: tuple[str, str, str] | None = None,
        amount: Decimal | None = None,
    ) -> None:
        """One signal: ``values`` in SIGNAL_COLUMNS order, with case, person and tenancy left
        as None (filled here once the new rows have ids); ``facts`` makes what the assessment
        frame reads of it, should it go into a case this batch opens; ``placed`` is where the
        batch's ``placer`` puts a case with this signal alone; ``amount`` its arrears."""
        self._signals.append((values, case, person, tenancy))
        self._amounts.append((tenancy, amount))
        if case is not None and case.row is not None:
            self._frame_signals.setdefault(id(case), []).append((facts, placed))

    # -- writing ---------------------------------------------------------------------------

    def give_ids(self) -> None:
        """The new persons', tenancies' and cases' primary keys (``core.db.new_ids``), before
        ``write``: so rows that refer to them need no look-up, and a next batch can find them
        (``in_flight``)."""
        if self._ids_given:
            return
        self._ids_given = True
        for person, pk in zip(self._persons, new_ids(Person, len(self._persons)), strict=True):
            person.pk = pk
        tenancies = self._tenancies
        for (tenancy, *_), pk in zip(tenancies, new_ids(Tenancy, len(tenancies)), strict=True):
            tenancy.pk = pk
        for case, pk in zip(self._cases, new_ids(Case, len(self._cases)), strict=True):
            case.pk = pk

    def in_flight(self, received: datetime) -> InFlight:
        """What this batch adds, for the look-ups of a batch decided before it is committed;
        ``received`` is the time its signals carry."""
        self.give_ids()
        return InFlight(self, received)

    def _lock_open_cases(self) -> None:
        """Lock the open cases this batch files into; ``CaseFileChanged`` if one was closed,
        picked up or routed otherwise since the batch was decided (its signals' status and
        decision text follow from those)."""
        decided: dict[int, tuple[bool, str]] = {}
        for case in [c for _v, c, _p, _t in self._signals] + [c for c, _p, _r in self._members]:
            if case is not None and case.row is None:
                decided[case.pk] = (case.picked_up, case.routing_reason)
        ids = decided.keys() | self._crisis
        if not ids:
            return
        sql = (
            "SELECT id, picked_up_on IS NOT NULL, routing_reason "  # noqa: S608
            f"FROM {Case._meta.db_table} WHERE status <> %s AND id {{values}}"
        )
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        now = {
            pk: (bool(picked), reason) for pk, picked, reason in fetch_in(sql, list(ids), [_CLOSED])
        }
        if now.keys() != ids or any(now[pk] != state for pk, state in decided.items()):
            raise CaseFileChanged

    def stage(self) -> None:
        """The rows formatted as COPY data now (PostgreSQL, ``core.db.copy_data``), so that
        ``write``, perhaps in another thread, only sends them (``intake.ahead``)."""
        self.give_ids()
        self._staged = [copy_data(model, columns, rows, ready=columns)
                        for model, columns, rows in self._inserts()]  # fmt: skip

    def write(self) -> None:
        """Insert everything in dependency order; new rows get their ids before they are
        inserted (``give_ids``), so rows that refer to them need no look-up."""
        if not self._lock:
            self._lock_open_cases()
        if self._staged is not None:
            for copied in self._staged:
                insert_copy_data(copied)
        else:
            self.give_ids()
            for model, columns, rows in self._inserts():
                insert_rows(model, columns, rows, ready=columns)
        if self._crisis:
            Case.objects.filter(pk__in=self._crisis).update(crisis=True)
            # A crisis signal shortens the deadline of a case not yet attempted.
            for open_case in Case.objects.filter(pk__in=self._crisis):
                due_on = case_due_on(open_case)
                if due_on != open_case.due_on:
                    Case.objects.filter(pk=open_case.pk).update(due_on=due_on)

    def _inserts(self) -> list[tuple[type[models.Model], tuple[str, ...], list]]:
        """Every row the batch inserts, per table in dependency order, in database form (once:
        it puts the new cases in their queues)."""
        persons = [(p.pk, p.subject, p.name_key, p.birth_key, self.at) for p in self._persons]
        tenancies = [(t.pk, t.public, self.partner_id, p.pk, reference, household, municipality,
                      self.at) for t, p, reference, household, municipality in self._tenancies]  # fmt: skip
        cases = self._cases
        if cases:
            # The assessment frame in force puts each new case in its queue as it is written,
            # from the signals this batch files into it (in the order they are inserted, as
            # ``services.frame_place_cases`` reads them back): no read-back, no UPDATE.
            place = frame.Placer(frame_in_force(), timezone.localdate())
            # A case with one signal takes where the caller's placer put it, as long as that
            # placer had the frame in force now and today's date.
            ahead = self._placer is not None and (self._placer.rules, self._placer.today) == (
                place.rules,
                place.today,
            )
            for case in cases:
                filed = self._frame_signals.get(id(case))
                if not filed:
                    case.row.extend(("",) * 3)
                elif ahead and len(filed) == 1 and filed[0][1] is not None:
                    case.row.extend(filed[0][1])
                else:
                    case.row.extend(place([facts() for facts, _placed in filed]))
        history = []
        # Every new case's first status change is the same but for the case: made once.
        received = self._history(0, "", _RECEIVED, "signaal ontvangen")[1:]
        for case in cases:
            history.append((case.pk, *received))
            if case.row[_STATUS_AT] == _ASSIGNED:
                history.append(self._history(case.pk, _RECEIVED, _ASSIGNED, case.routing_reason))
        members = [(c.pk, p.pk, role, self.at) for c, p, role in self._members]
        signals = []
        for values, case, person, tenancy in self._signals:
            values[_CASE_AT] = case.pk if case is not None else None
            values[_CASE_AT + 1] = person.pk
            values[_CASE_AT + 2] = tenancy.pk
            signals.append(values)
        return [
            (Person, _PERSON_COLUMNS, persons),
            (Tenancy, _TENANCY_COLUMNS, tenancies),
            (Case, _NEW_CASE_COLUMNS, [(c.pk, *c.row) for c in cases]),
            (CaseMember, _MEMBER_COLUMNS, members),
            (CaseStatusChange, _HISTORY_COLUMNS, history),
            (Signal, SIGNAL_COLUMNS, signals),
        ]

    def _history(self, case_id: int, source: str, target: str, reason: str) -> tuple:
        organisation = self.partner_id if source == "" else None
        return (case_id, source, target, self.by_id, organisation, reason[:300], self.at)
