"""The reset between transactional tests, fast on PostgreSQL and SQLite (ADR 0125).

A transactional test (live server, threads, processes: ADR 0125 says when one is allowed) ends
with a flush of every table, and the next one restores the snapshot pytest-django took after
migrating (serialized_rollback, see ``pytest_collection_modifyitems`` in conftest). Django does
both the slow way for a test database of a few hundred rows:

- On PostgreSQL it flushes with one TRUNCATE of all tables. TRUNCATE gives each table and index
  a new file, about 2 s for the 77 tables on this machine, per test. DELETE of the few rows a
  test left takes a tenth of that. Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY
  DEFERRED, so the order of the DELETEs does not matter; they are checked at the commit.
- It restores the snapshot row by row: ``save()`` of each of its ~430 rows, an UPDATE and then an
  INSERT each. The same rows go back with one INSERT per table here.

The end state is the same as Django's: every table empty after the flush, and after the restore
exactly the snapshot's rows with their own ids (sequences are not reset either way).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

_truncate = PostgresOperations.sql_flush


def _sql_flush_by_delete(
    self: PostgresOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """DELETE instead of TRUNCATE; a flush that resets sequences or cascades keeps TRUNCATE."""
    if reset_sequences or allow_cascade or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]


class SerializedRows:
    """Rows serialized by Django's JSON serializer, grouped by table for one INSERT each."""

    def __init__(self, data: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.links: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.one_by_one: list[Any] = []
        for deserialized in serializers.deserialize("json", data, using=using):
            instance = deserialized.object
            model = type(instance)
            if model._meta.parents:  # bulk_create cannot insert multi-table inheritance
                self.one_by_one.append(deserialized)
                continue
            self.rows[model].append(instance)
            for name, targets in (deserialized.m2m_data or {}).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                self.links[through].extend(
                    through(**{source: instance.pk, target: pk}) for pk in targets
                )

    @property
    def tables(self) -> list[str]:
        models_ = [*self.rows, *self.links, *(type(d.object) for d in self.one_by_one)]
        return sorted({model._meta.db_table for model in models_})

    def insert(self) -> None:
        """The rows with their own ids; no save() and no signals (Django's restore saves with
        raw=True, which receivers skip too)."""
        with transaction.atomic(using=self.using):
            for model, instances in [*self.rows.items(), *self.links.items()]:
                model._base_manager.using(self.using).bulk_create(instances)
            for deserialized in self.one_by_one:
                deserialized.save(using=self.using)


def _restore_by_table(self: BaseDatabaseCreation, data: str) -> None:
    """Put the snapshot back with one INSERT per table."""
    snapshot = SerializedRows(data, using=self.connection.alias)
    quote = self.connection.ops.quote_name
    with (
        transaction.atomic(using=self.connection.alias),
        self.connection.constraint_checks_disabled(),
    ):
        # Before the first transactional test the tables still hold what migrate wrote (the
        # same rows): Django's save() updated them, an INSERT would collide.
        with self.connection.cursor() as cursor:
            for table in snapshot.tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
        snapshot.insert()
        self.connection.check_constraints(table_names=snapshot.tables)


@pytest.fixture(scope="session", autouse=True)
def fast_database_reset() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    # On the classes: the browser tests run in greenlets whose connections are wrappers of
    # their own (tests/browser.py), so patching one connection object would miss them.
    patch.setattr(BaseDatabaseCreation, "deserialize_db_from_string", _restore_by_table)
    if any(connections[alias].vendor == "postgresql" for alias in connections):
        patch.setattr(PostgresOperations, "sql_flush", _sql_flush_by_delete)
    yield
    patch.undo()
