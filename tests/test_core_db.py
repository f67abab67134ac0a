"""core.db: ids given out before an insert are the ones the database would give, never one it
gave before (also of a deleted row), on SQLite and PostgreSQL alike; bulk inserts store what
they are given."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from meldpunt.cases.models import Person, Tenancy
from meldpunt.core.db import (
    _STAGE_FROM,
    copy_data,
    db_value,
    insert_copy_data,
    insert_rows,
    new_ids,
)

pytestmark = pytest.mark.django_db


def _person(pk: int | None, n: int) -> tuple:
    return (pk, f"{n:032x}", f"naam-{n}", f"geboorte-{n}", timezone.now())


def test_new_ids_follow_what_the_database_gave_and_skip_deleted_ones():
    with transaction.atomic():
        first = Person.objects.create(subject_id=f"{1:032x}", name_key="a", birth_key="b")
        last = Person.objects.create(subject_id=f"{2:032x}", name_key="c", birth_key="d")
    given = last.pk
    last.delete()  # the largest id is gone, but was given
    with transaction.atomic():
        ids = new_ids(Person, 3)
        assert ids == [given + 1, given + 2, given + 3]
        insert_rows(Person, ("id", "subject_id", "name_key", "birth_key", "created_at"),
                    [_person(pk, 10 + pk) for pk in ids])  # fmt: skip
    # The next row the database numbers itself comes after them.
    after = Person.objects.create(subject_id=f"{99:032x}", name_key="e", birth_key="f")
    assert after.pk == ids[-1] + 1
    assert sorted(Person.objects.values_list("pk", flat=True)) == [first.pk, *ids, after.pk]
    assert new_ids(Person, 0) == []


_TENANCY = ("public_id", "partner_id", "person_id", "reference", "household_index", "details",
            "created_at", "registered_by_id", "municipality_id")  # fmt: skip


def _stored(where: str) -> list[tuple]:
    """Each column's type and value as SQLite stores them (PostgreSQL: the values)."""
    columns = ", ".join(
        f"typeof({c}), {c}" if connection.vendor == "sqlite" else c for c in _TENANCY[1:]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM cases_tenancy WHERE {where} ORDER BY id")
        return cursor.fetchall()


def test_a_large_insert_stores_every_value_as_a_small_one_does(covenant):
    """SQLite takes many rows through a staging table (``core.db._insert_staged``): the
    values arrive with the same types, in the order given, as the row-by-row insert."""
    partner = covenant["eigen-haard"]
    municipality_id = partner.municipality_ids()[0]
    person = Person.objects.create(subject_id=f"{7:032x}", name_key="n", birth_key="b")
    now = db_value(Tenancy, "created_at", timezone.now())

    def row(n: int, person_id: int | None) -> tuple:
        # A reference that looks like a number stays text; bytes stay bytes; None stays NULL.
        return (f"{n:032x}", partner.pk, person_id, "007", "00123", b"\x00\xffsealed", now,
                None, municipality_id)  # fmt: skip

    insert_rows(Tenancy, _TENANCY, [row(1, person.pk)], ready=_TENANCY)
    many = [row(n, None) for n in range(2, 2 + _STAGE_FROM + 10)]
    insert_rows(Tenancy, _TENANCY, many, ready=_TENANCY)
    small = _stored("person_id IS NOT NULL")
    large = _stored("person_id IS NULL")
    assert len(large) == len(many)
    width = 2 if connection.vendor == "sqlite" else 1  # (type, value) per column on SQLite
    at = _TENANCY[1:].index("person_id") * width
    expected = list(small[0])
    expected[at : at + width] = ["null", None][-width:]
    assert all(list(stored) == expected for stored in large)
    # In the order given: the ids follow the public ids.
    assert list(
        Tenancy.objects.filter(person=None).order_by("id").values_list("public_id", flat=True)
    ) == sorted(Tenancy.objects.filter(person=None).values_list("public_id", flat=True))


def test_a_refused_large_insert_leaves_nothing_for_the_next(covenant):
    partner = covenant["eigen-haard"]
    municipality_id = partner.municipality_ids()[0]
    now = db_value(Tenancy, "created_at", timezone.now())
    rows = [(f"{n:032x}", partner.pk, None, f"r{n}", "h", None, now, None, municipality_id)
            for n in range(1, _STAGE_FROM + 2)]  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Tenancy, _TENANCY, [*rows, rows[0]], ready=_TENANCY)  # a public id twice
    assert not Tenancy.objects.exists()
    fresh = [(f"{n:032x}", *rest) for n, (_id, *rest) in enumerate(rows, start=1000)]
    insert_rows(Tenancy, _TENANCY, fresh, ready=_TENANCY)
    assert Tenancy.objects.count() == len(fresh)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's")
def test_rows_formatted_for_binary_copy_are_stored_as_a_direct_copy_stores_them(covenant):
    """``copy_data`` formats rows now for ``insert_copy_data`` later (the intake's writer
    thread, ADR 0127): every value arrives as ``insert_rows`` would store it, also text with
    tabs, newlines and backslashes, bytes, NULL, a UUID as hex text and a reference that looks
    like a number."""
    partner = covenant["eigen-haard"]
    municipality_id = partner.municipality_ids()[0]
    person = Person.objects.create(subject_id=f"{8:032x}", name_key="n", birth_key="b")
    now = db_value(Tenancy, "created_at", timezone.now())

    def row(n: int, person_id: int | None, reference: str) -> tuple:
        return (f"{n:032x}", partner.pk, person_id, reference, "00123", b"\x00\t\\\n\xff", now,
                None, municipality_id)  # fmt: skip

    tricky = "a\tb\nc\\d\r\"e' é 💶"
    insert_rows(Tenancy, _TENANCY, [row(1, person.pk, tricky)], ready=_TENANCY)
    copied = copy_data(Tenancy, _TENANCY, [row(2, None, tricky), row(3, None, "007")],
                       ready=_TENANCY)  # fmt: skip
    assert not Tenancy.objects.filter(person=None).exists()  # nothing sent yet
    insert_copy_data(copied)
    direct = list(_stored("person_id IS NOT NULL")[0])
    person_at, reference_at = _TENANCY[1:].index("person_id"), _TENANCY[1:].index("reference")
    direct[person_at] = None
    two, three = (list(r) for r in _stored("person_id IS NULL"))
    assert two == direct
    direct[reference_at] = "007"
    assert three == direct
