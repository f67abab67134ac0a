"""PostgreSQL: the blind-index columns the intake writes have their plain index and no LIKE twin
(``core.schema.DropPatternIndexes``; docs/adr/0121-intake-ratio.md)."""

from __future__ import annotations

import pytest
from django.db import connection

COLUMNS = {
    "cases_case": {"household_index"},
    "intake_signal": {"household_index", "person_index"},
    "privacy_processinglogentry": {"data_subject_id", "trace_id"},
}


def _indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's LIKE indexes")
@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_blind_index_columns_have_no_like_index_but_keep_their_index(table):
    indexes = _indexes(table)
    for column in COLUMNS[table]:
        on_column = [d for _n, d in indexes if d.endswith(f"({column})")]
        assert on_column, f"{table}.{column} lost its index"
        patterns = [n for n, d in indexes if f"({column} varchar_pattern_ops)" in d]
        assert patterns == [], patterns
