"""The PostgreSQL floor of the intake (issue 14): a raw COPY of the same rows into the same tables.

After an import, every table the import grew is copied out (binary COPY, the rows exactly as the
intake wrote them) and copied back into an empty twin with the same columns, defaults, checks
and indexes (`CREATE TABLE … (LIKE … INCLUDING ALL)`), one COPY per table in one transaction.
That is what the server must do for these rows whatever the application: write the heap, the
WAL and every index. LIKE does not copy foreign keys, so the floor is measured twice:

- with the tables' own foreign keys added to the twins (pointing at the same parent rows,
  deferred to the commit as Django declares them): the same tables as the intake writes, with
  every check the server makes for these rows — the floor of issue 14 ("the same tables and
  indexes"; ADR 0126);
- without them, as before: the server's speed with no constraint but the unique ones, which
  tells how much of the server's time the foreign keys take.

intake rows/s ÷ floor rows/s is the share of the server's speed the intake reaches; issue 14
asks for at least 0.6.
"""

from __future__ import annotations

import io
import time

import psycopg
from psycopg import sql

SKIP = {"django_migrations", "django_session", "django_cache"}


def table_counts(database_url: str) -> dict[str, int]:
    """Exact row counts of every table of the public schema."""
    with psycopg.connect(database_url) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            name: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
            ).fetchone()[0]
            for name in names
        }


def copy_floor(
    database_url: str, before: dict[str, int], *, foreign_keys: bool = True
) -> tuple[float, dict[str, int]]:
    """Seconds to COPY the rows of the tables that grew since ``before`` into empty twins, with
    the tables' foreign keys (``foreign_keys``) or without.

    Returns (seconds, rows copied per table). The twins are dropped afterwards."""
    after = table_counts(database_url)
    grown = {t: n for t, n in after.items() if n > before.get(t, 0) and t not in SKIP}
    data: dict[str, bytes] = {}
    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in grown:
            buffer = io.BytesIO()
            query = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(sql.Identifier(table))
            with conn.cursor().copy(query) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            data[table] = buffer.getvalue()
        twins = {t: f"floor_{t}"[:63] for t in grown}
        for table, twin in twins.items():
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(twin)))
            conn.execute(
                sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                    sql.Identifier(twin), sql.Identifier(table)
                )
            )
            if not foreign_keys:
                continue
            definitions = conn.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            ).fetchall()
            for number, (definition,) in enumerate(definitions):
                # The parent is the original table, which holds the rows the intake wrote.
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} " + definition).format(
                        sql.Identifier(twin), sql.Identifier(f"{twin[:50]}_fk{number}")
                    )
                )
        conn.execute("CHECKPOINT")  # start from a clean WAL position, as the import did
        start = time.perf_counter()
        with conn.transaction():
            for table, twin in twins.items():
                query = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(sql.Identifier(twin))
                with conn.cursor().copy(query) as copy:
                    view = memoryview(data[table])
                    for offset in range(0, len(view), 1 << 20):
                        copy.write(view[offset : offset + (1 << 20)])
        seconds = time.perf_counter() - start
        for twin in twins.values():
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(twin)))
    return seconds, grown
