"""The intake's look-ups are driven from the keys looked up, whatever SQLite's statistics say.

Migration cases 0030 runs ``ANALYZE cases_case`` at the upgrade. On an (almost) empty case table
those statistics tell SQLite's planner that the case table is small, and a plain JOIN of the
memberships with the cases then scanned every open case for each list of 900 persons: 10.9 s
instead of 0.03 s a batch at 20,000 cases (issue 9; docs/adr/0121-intake-ratio.md). The plan is
what SQLite's EXPLAIN QUERY PLAN reports for the statements the filing runs, with the same
parameters; on PostgreSQL the same look-ups are checked by what they find.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from meldpunt.cases.filing import CaseFileBatch, refresh_statistics
from meldpunt.cases.models import Case, CaseMember, Person, Signal, Tenancy
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.pipeline import IntakeRun

from .conftest import signal_data

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's"
)


@contextmanager
def statements(table: str):
    """The (sql, params) of every statement that reads ``table`` while the block runs."""
    seen: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        if table in sql and sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def plan(sql: str, params: tuple) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


def small_file(covenant) -> None:
    """A few cases in the file, then the statistics as after the upgrade."""
    IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand").process(
        [
            (n, signal_data(partner_referentie=f"R-{n}", achternaam=name))
            for n, name in enumerate(("Jansen", "Bakker", "Visser", "Smit", "Meijer"), start=1)
        ]
    )
    assert Case.objects.count() == 5


@pytest.fixture
def upgrade_statistics(covenant):
    """A few cases in the file and the statistics ``ANALYZE cases_case`` makes of them, as
    migration cases 0030 at the upgrade; afterwards the statistics the connection had.

    The test's rollback takes the rows of ``sqlite_stat1`` back, but not what the connection's
    planner loaded from them: ``ANALYZE sqlite_master`` makes it read them again."""
    small_file(covenant)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1")
        before = cursor.fetchall()
        cursor.execute("ANALYZE cases_case")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", before)
        cursor.execute("ANALYZE sqlite_master")


def batch(covenant) -> CaseFileBatch:
    return CaseFileBatch(partner_id=covenant["eigen-haard"].pk, by_id=None, at=timezone.now(),
                         new_ids=iter(()))  # fmt: skip


@sqlite_only
@pytest.mark.django_db
def test_open_cases_are_found_from_the_persons_looked_up(covenant, upgrade_statistics):
    persons = list(CaseMember.objects.values_list("person_id", flat=True))
    looked_up = [*persons, *range(10_000, 10_000 + 900 - len(persons))]  # a full list of 900
    with statements(CaseMember._meta.db_table) as seen:
        found = batch(covenant).open_cases(looked_up)
    assert {person for person, _municipality in found} == set(persons)
    assert seen
    for sql, params in seen:
        steps = plan(sql, params)
        # The memberships by person first (an index search), then each case by its key.
        assert steps[0].startswith("SEARCH m USING INDEX"), steps
        assert not any(step.startswith("SCAN") for step in steps), steps


@sqlite_only
@pytest.mark.django_db
def test_tenants_are_found_from_the_references_looked_up(covenant, upgrade_statistics):
    references = [*(f"R-{n}" for n in range(1, 6)), *(f"X-{n}" for n in range(895))]
    with statements(Tenancy._meta.db_table) as seen:
        found = batch(covenant).people_by_reference(references)
    assert set(found) == {f"R-{n}" for n in range(1, 6)}
    assert seen
    for sql, params in seen:
        steps = plan(sql, params)
        assert steps[0].startswith("SEARCH t USING INDEX"), steps
        assert not any(step.startswith("SCAN") for step in steps), steps


@sqlite_only
@pytest.mark.django_db
def test_persons_are_found_by_their_key_through_its_index(covenant):
    """The name key's unique index leaves out the empty key; without saying so in the query,
    SQLite scanned every person for each list of 900 keys."""
    small_file(covenant)
    keys = list(Person.objects.values_list("name_key", flat=True))
    looked_up = [*keys, *(f"{n:040x}" for n in range(900 - len(keys)))]
    with statements(Person._meta.db_table) as seen:
        found = batch(covenant).people_by_key(looked_up)
    assert set(found) == set(keys)
    assert seen
    for sql, params in seen:
        steps = plan(sql, params)
        assert steps[0].startswith("SEARCH cases_person USING INDEX person_once_per_name"), steps


@pytest.mark.django_db
def test_persons_by_key_are_the_persons_with_those_keys(covenant):
    """Both engines: each known key gives its person, an unknown or empty key none."""
    small_file(covenant)
    persons = {p.name_key: p for p in Person.objects.all()}
    found = batch(covenant).people_by_key([*persons, "onbekend", ""])
    assert {key: (ref.pk, ref.birth_key) for key, ref in found.items()} == {
        key: (p.pk, p.birth_key) for key, p in persons.items()
    }


@pytest.mark.django_db
def test_open_cases_keep_to_open_cases_of_the_persons_looked_up(covenant):
    """Both engines: the rewritten look-up finds each person's open case and no closed one."""
    small_file(covenant)
    members = list(CaseMember.objects.select_related("case").order_by("case_id"))
    closed = members[0]
    Case.objects.filter(pk=closed.case_id).update(status=CaseStatus.CLOSED)
    found = batch(covenant).open_cases([m.person_id for m in members])
    assert {key: ref.pk for key, ref in found.items()} == {
        (m.person_id, m.case.municipality_id): m.case_id for m in members[1:]
    }


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics (pg_class.reltuples)"
)


def _row_estimates() -> dict[str, float]:
    tables = [m._meta.db_table for m in (Signal, Person, Tenancy, CaseMember, Case)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [tables])
        return dict(cursor.fetchall())


@postgresql_only
@pytest.mark.django_db
def test_the_tables_the_intake_looks_up_get_statistics_where_they_have_none(covenant):
    """Without statistics PostgreSQL's planner read all of a landlord's tenancies for each
    look-up by person (a Filter instead of an Index Cond): a first large file into a new
    database looked up more slowly with every batch. ``refresh_statistics`` (after a file's
    second batch) analyzes exactly the tables that have none, and only once."""
    small_file(covenant)
    before = _row_estimates()
    analyzed: list[str] = []

    def record(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analyzed.append(sql.split()[1].strip('"'))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        refresh_statistics()
        assert sorted(analyzed) == sorted(t for t, n in before.items() if n <= 0)
        assert all(n > 0 for n in _row_estimates().values())  # every table has rows here
        analyzed.clear()
        refresh_statistics()
    assert analyzed == []
