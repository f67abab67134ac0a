"""Schema operations the ORM has no words for, for migrations."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class DropPatternIndexes(migrations.operations.base.Operation):
    """Drop the ``varchar_pattern_ops`` twins PostgreSQL gets of indexed text columns.

    Django adds a ``…_like`` index beside the plain index of every indexed CharField on
    PostgreSQL, for ``LIKE 'x%'`` look-ups. On a blind-index column (a keyed hash: household,
    person, subject, trace) nothing looks up by prefix (the only prefix tests, "not yet
    anonymised", are exclusions, which no index serves), so each is a second random-key index
    every insert maintains: the intake writes thousands of rows a batch into these tables
    (docs/adr/0121-intake-ratio.md). Other databases have no such indexes: nothing happens
    there. Reversible: the index comes back as Django makes it.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, fields: list[str]) -> None:
        self.model_name = model_name
        self.fields = fields

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the model state has no trace of these indexes

    def _each(self, app_label: str, schema_editor: Any, to_state: Any):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        for name in self.fields:
            column = model._meta.get_field(name).column
            table = model._meta.db_table
            index = schema_editor._create_index_name(table, [column], suffix="_like")
            yield (
                schema_editor.quote_name(table),
                schema_editor.quote_name(column),
                (schema_editor.quote_name(index)),
            )

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        for _table, _column, index in self._each(app_label, schema_editor, to_state):
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        for table, column, index in self._each(app_label, schema_editor, to_state):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({column} varchar_pattern_ops)"
            )

    def describe(self) -> str:
        return f"Drop the LIKE indexes of {self.model_name}.{', '.join(self.fields)} (PostgreSQL)"

    def deconstruct(self) -> tuple[str, list, dict]:
        return (self.__class__.__qualname__, [], {"model_name": self.model_name,
                                                   "fields": self.fields})  # fmt: skip
