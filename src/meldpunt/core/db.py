"""Fast bulk inserts for the intake: a COPY (PostgreSQL) or a staged INSERT ... SELECT (SQLite,
``_insert_staged``; a few rows: one executemany) per table.

The ORM's bulk_create spends most of its time building model instances and preparing values
field by field; for batches of thousands of rows that dominated the intake (docs/adr/0005).
Only plain inserts: no signals, no save(), so callers pass complete rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg.copy import Copy, FileWriter

_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.SlugField,
)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    # The connection object itself: the module-level proxy costs a context-local look-up
    # on every use, and converters run once per value.
    connection = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, _PLAIN) and not isinstance(field, models.JSONField):
        return None
    if isinstance(field, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return None  # the driver adapts uuid.UUID itself
        return lambda value: (
            value.hex if isinstance(value, UUID) else field.get_db_prep_save(value, connection)
        )
    if isinstance(field, models.DateField | models.DecimalField):
        # Dates and times repeat within a batch (today, now, the signal date): convert each once.
        cached = lru_cache(maxsize=8192)(lambda value: field.get_db_prep_save(value, connection))
        return lambda value: None if value is None else cached(value)
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: list[Sequence[Any]],
    *,
    ready: Collection[str] = (),
) -> None:
    """INSERT ``rows`` (tuples in the order of ``fields``) into the model's table.

    ``ready`` names fields whose values the caller already gives in database form (for
    instance JSON text rendered once for many rows); they are written as they are.
    """
    if not rows:
        return
    columns, rows = _columns_and_values(model, fields, rows, ready)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams rows in one statement; executemany costs a round trip per row.
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            # Wrapped like Django's own cursor calls: a unique violation is an IntegrityError.
            with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif len(rows) >= _STAGE_FROM:
            _insert_staged(cursor, table, columns, rows)
        else:
            cursor.executemany(sql, rows)


class CopyData(NamedTuple):
    """Rows of one table as PostgreSQL binary COPY data (``copy_data``), for
    ``insert_copy_data``."""

    model: type[models.Model]
    columns: str  # the quoted column names
    data: bytes


def copy_data(
    model: type[models.Model],
    fields: Sequence[str],
    rows: list[Sequence[Any]],
    *,
    ready: Collection[str] = (),
) -> CopyData:
    """PostgreSQL: ``rows`` (as for ``insert_rows``) formatted now as binary COPY data, to be
    inserted later by ``insert_copy_data``, perhaps on another connection in another thread.

    The intake's writer thread (``intake.ahead``) then only sends bytes while the deciding
    thread formats: the formatting (a few µs a row, holding the interpreter) leaves the
    thread that keeps the server busy, and the server parses binary values instead of text
    (about 15 % less time for the COPY of the intake's tables; ADR 0127). Formatted with this
    connection's adapters, without a statement on the server (psycopg's ``Copy`` with a
    ``FileWriter``). The values in database form that binary COPY takes otherwise (UUIDs as
    hex text, dates as ISO text) are made into UUIDs and dates here.
    """
    columns, rows = _columns_and_values(model, fields, rows, ready)
    model_fields = [model._meta.get_field(name) for name in fields]
    rows = _converted(rows, [_FROM_TEXT.get(f.get_internal_type()) for f in model_fields])
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        Copy(cursor.cursor, binary=True, writer=FileWriter(buffer)) as copy,
    ):
        copy.set_types([_copy_type(f) for f in model_fields])
        for row in rows:
            copy.write_row(row)
    return CopyData(model, columns, buffer.getvalue())


def _from_text(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    return lambda value: convert(value) if isinstance(value, str) else value


# What binary COPY takes instead of the database text of a UUID or a date.
_FROM_TEXT: dict[str, Callable[[Any], Any]] = {
    "UUIDField": _from_text(lambda text: UUID(hex=text)),
    "DateField": _from_text(date.fromisoformat),
}


def _copy_type(field: models.Field) -> str:
    """The column's PostgreSQL type for binary COPY (``varchar(200)`` is ``varchar``)."""
    name = field.db_type(connection).split("(", 1)[0]
    if name in ("json", "jsonb"):
        # JSON in database form is text, which the binary JSON dumper would encode again.
        raise TypeError(f"copy_data does not take JSON columns ({field.name})")
    return name


def insert_copy_data(copied: CopyData) -> None:
    """COPY rows formatted by ``copy_data`` into their table (PostgreSQL)."""
    if not copied.data:
        return
    table = connection.ops.quote_name(copied.model._meta.db_table)
    sql = f"COPY {table} ({copied.columns}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(sql) as copy:
        copy.write(copied.data)


def _columns_and_values(
    model: type[models.Model], fields: Sequence[str], rows: list, ready: Collection[str]
) -> tuple[str, list]:
    """The quoted column names, and the rows with every value not ``ready`` in database form."""
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    converters = [
        None if name in ready else _converter(f)
        for name, f in zip(fields, model_fields, strict=True)
    ]
    # (Callers with many rows pass values in database form, see ``db_value``, and name them in
    # ``ready``: then no value is touched here at all.)
    return columns, _converted(rows, converters)


def _converted(rows: list, converters: Sequence[Callable[[Any], Any] | None]) -> list:
    """The rows with each column that has a converter converted, value by value."""
    if not rows or not any(converters):
        return rows
    # Column by column: the columns that need no conversion are not touched per value.
    values = list(zip(*rows, strict=True))
    for index, convert in enumerate(converters):
        if convert is not None:
            values[index] = tuple(map(convert, values[index]))
    return list(zip(*values, strict=True))


# From this many rows, SQLite gets them through a staging table (``_insert_staged``).
_STAGE_FROM = 64


def _insert_staged(cursor: Any, table: str, columns: str, rows: list[Sequence[Any]]) -> None:
    """SQLite: the rows into a temporary table without indexes, then one INSERT ... SELECT.

    An ``executemany`` runs the INSERT once per row, and each run opens the table, each of its
    indexes and the parent table of each foreign key, and reads and writes the AUTOINCREMENT
    counter; one INSERT ... SELECT does that once for all rows. On the intake's tables this
    costs about a quarter less CPU per row than the ``executemany`` into the table itself
    (docs/adr/0121-intake-ratio.md), the staging included. The staging table's columns have no
    type, so every value reaches the table as it was bound, and the table's own column types
    convert it as a direct insert would; rows go in in the order given (by rowid). Constraint
    errors come from the INSERT ... SELECT as they would from the ``executemany``.
    """
    width = len(rows[0])
    stage = f"temp.meldpunt_stage_{width}"
    names = ", ".join(f"c{n}" for n in range(width))
    # One staging table per width, shared by the tables. Emptied first: a failed insert
    # outside a transaction leaves its rows there (inside one, the rollback removes them).
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {stage} ({names})")
    cursor.execute(f"DELETE FROM {stage}")  # noqa: S608
    cursor.executemany(
        f"INSERT INTO {stage} VALUES ({', '.join(['%s'] * width)})",  # noqa: S608
        rows,
    )
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {names} FROM {stage} ORDER BY rowid"  # noqa: S608
    )
    cursor.execute(f"DELETE FROM {stage}")  # noqa: S608  (no copy of the rows kept)


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for ``count`` rows the caller inserts next with ``insert_rows`` (naming
    the primary key among the fields), in the same transaction.

    Given out before the insert, so the caller needs no second look-up to learn the ids of the
    rows it wrote (the intake inserts thousands of rows a batch that later rows refer to).
    PostgreSQL: from the column's identity sequence, as an insert without an id would take
    them (a rolled-back batch leaves a gap, as it does then). SQLite: the ones after the
    largest id ever given (AUTOINCREMENT keeps it in ``sqlite_sequence``, so an id of a deleted
    row is not given again); nobody else can take them before the insert because the
    transaction holds the write lock from its BEGIN (``transaction_mode`` IMMEDIATE; with a
    deferred BEGIN another writer's commit in between makes the insert fail, never reuse an id).
    """
    if count <= 0:
        return []
    meta = model._meta
    column = meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: as an argument of nextval, pg_get_serial_sequence ran
            # once per id and cost ten times the nextval itself (3 µs an id).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("new_ids needs the transaction that inserts the rows")
        quote = connection.ops.quote_name
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"coalesce((SELECT max({quote(column)}) FROM {quote(meta.db_table)}), 0))",
            [meta.db_table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + count + 1))


def db_value(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` of field ``name`` in database form, to pass to ``insert_rows`` as ready."""
    convert = _converter(model._meta.get_field(name))
    return value if convert is None or value is None else convert(value)


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    where: dict[str, Any],
    key: str,
    values: Sequence[Any],
    *,
    for_update: bool = False,
    ready: bool = False,
    chunk: int = 900,
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``columns`` (field names) where ``key`` is one of ``values`` and ``where`` holds.

    For large look-ups in bulk paths: the ORM spends more time building an IN list of
    thousands of parameters than the database spends answering. Values come back in database
    form (on SQLite a UUID is its hex text, a datetime its text). ``for_update`` locks the
    rows where the database can (PostgreSQL). ``ready``: ``values`` are in database form.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    key_field = meta.get_field(key)
    convert = None if ready else _converter(key_field)
    conditions = []
    params: list[Any] = []
    for name, value in where.items():
        field = meta.get_field(name)
        conditions.append(f"{quote(field.column)} = %s")
        params.append((_converter(field) or (lambda v: v))(value))
    values = list(values)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # One array parameter: planning an IN list of hundreds of parameters cost more than
        # the look-up itself (≈ 13 ms per 900 keys).
        chunk = max(len(values), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            if convert is not None:
                part = [convert(v) for v in part]
            if postgresql:
                test, part = f"{quote(key_field.column)} = ANY(%s)", [part]
            else:
                test = f"{quote(key_field.column)} IN ({', '.join(['%s'] * len(part))})"
            sql = (
                f"SELECT {names} FROM {quote(meta.db_table)} "  # noqa: S608
                f"WHERE {' AND '.join([*conditions, test])}"
            )
            if for_update and connection.features.has_select_for_update:
                sql += " FOR UPDATE"
            cursor.execute(sql, [*params, *part])
            yield from cursor.fetchall()
