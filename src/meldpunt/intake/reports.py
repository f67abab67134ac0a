"""The report of a delivered file, row by row: the CSV download and the refused rows on screen.

Every row is named by the line where its record starts in the file and by the partner's own
reference; a reason names the field by its label (docs/adr/0116). No other delivered value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from meldpunt.core.csv_safe import csv_lines

from .models import ImportLines, ImportRowResult, SignalImport
from .pipeline import field_label

REPORT_HEADER = ["regel", "referentie", "status", "veld", "melding"]
WHOLE_LINE = "hele regel"  # the "field" of a reason about the line itself (too many values)


@dataclass(frozen=True)
class Reason:
    """One reason a row was refused: the field's label (Dutch, as in the message) and text."""

    field: str  # the field's column name, "" for the whole line
    message: str

    @property
    def label(self) -> str:
        return field_label(self.field) if self.field else WHOLE_LINE

    @property
    def label_shown(self) -> str:
        """The label in the user's language (the screen); the message stays Dutch."""
        return gettext(field_label(self.field)) if self.field else gettext("Hele regel")


def reasons(result: ImportRowResult) -> list[Reason]:
    """The reasons of a refused row (older records hold plain texts without a field)."""
    out = []
    for item in result.errors:
        if isinstance(item, dict):
            out.append(Reason(item.get("field", ""), item.get("message", "")))
        else:
            out.append(Reason("", str(item)))
    return out


def refused_rows(batch: SignalImport) -> QuerySet[ImportRowResult]:
    """The refused rows of a delivery in file order (the screen pages through them)."""
    return ImportRowResult.objects.filter(batch=batch, status="refused").order_by("row")


@dataclass(frozen=True)
class RefusedLine:
    """One line of the on-screen table: a refused row and one of its reasons."""

    row: int
    reference: str
    reason: Reason


def refused_lines(results: Iterable[ImportRowResult]) -> list[RefusedLine]:
    """One table row per reason, each with its line and reference (a phone stacks the rows)."""
    return [
        RefusedLine(result.row, result.reference, reason)
        for result in results
        for reason in reasons(result) or [Reason("", "")]
    ]


def _report(batch: SignalImport) -> Iterator[list[Any]]:
    yield REPORT_HEADER
    if batch.status == SignalImport.Status.REFUSED:
        yield ["", "", "bestand geweigerd", "", batch.message]
        return
    results = ImportRowResult.objects.filter(batch=batch).order_by("row").iterator(chunk_size=2000)
    upcoming = next(results, None)
    chunks = ImportLines.objects.filter(batch=batch).order_by("first_line").iterator(chunk_size=20)
    for chunk in chunks:
        # References forgotten by retention leave the lines (intake.personal_data).
        references = chunk.references or [""] * len(chunk.lines)
        for line, reference in zip(chunk.lines, references, strict=True):
            while upcoming is not None and upcoming.row < line:
                upcoming = next(results, None)  # a result without its lines (cannot happen)
            if upcoming is not None and upcoming.row == line:
                result, upcoming = upcoming, next(results, None)
                if result.status == "refused":
                    for reason in reasons(result) or [Reason("", "")]:
                        yield [line, reference, "geweigerd", reason.label, reason.message]
                    continue
                yield [line, reference, "geaccepteerd", "", "al eerder ontvangen"]
                continue
            yield [line, reference, "geaccepteerd", "", ""]


def report_rows(batch: SignalImport) -> Iterator[str]:
    """The report as CSV lines: one per row of the file, one per reason for a refused row."""
    return csv_lines(_report(batch))
