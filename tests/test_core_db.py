"""core.db.new_ids: ids given out before an insert are the ones the database would give,
never one it gave before (also of a deleted row), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from meldpunt.cases.models import Person
from meldpunt.core.db import insert_rows, new_ids

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
