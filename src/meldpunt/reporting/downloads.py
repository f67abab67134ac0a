"""Every published table as CSV or XLSX: the same suppressed numbers as on screen."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from meldpunt.core.csv_safe import csv_lines, safe_cell

SUPPRESSED = "afgeschermd"


def _value(value: Any) -> Any:
    return _(SUPPRESSED) if value is None else value


def table_csv(records: Sequence[Sequence[Any]], preamble: Sequence[str] = ()) -> Iterator[str]:
    """CSV (semicolon, UTF-8 with BOM, formula-safe) of a table's records."""
    lines = [[line] for line in preamble]
    return csv_lines([*lines, *([_value(v) for v in row] for row in records)])


def table_xlsx(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]], preamble: Sequence[str] = ()
) -> bytes:
    """A workbook with one sheet per table; counts are numbers, suppressed cells say so."""
    workbook = Workbook(write_only=True)
    for title, records in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        for line in preamble:
            sheet.append([safe_cell(line)])
        for row in records:
            sheet.append([v if isinstance(v, int | float) else safe_cell(_value(v)) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31].strip() or "tabel"
