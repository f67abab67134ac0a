"""The per-row report of an import."""

from __future__ import annotations

from collections.abc import Iterator

from meldpunt.core.csv_safe import csv_lines

from .models import ImportRowResult, SignalImport


def report_rows(batch: SignalImport) -> Iterator[str]:
    def rows():
        yield ["regel", "status", "meldingen"]
        if batch.status == SignalImport.Status.REFUSED:
            yield ["", "bestand geweigerd", batch.message]
            return
        results = (
            ImportRowResult.objects.filter(batch=batch).order_by("row").iterator(chunk_size=2000)
        )
        upcoming = next(results, None)
        for number in range(1, batch.rows_done + 1):
            if upcoming is not None and upcoming.row == number:
                if upcoming.status == "refused":
                    yield [number, "geweigerd", " | ".join(upcoming.errors)]
                else:
                    yield [number, "geaccepteerd", "al eerder ontvangen"]
                upcoming = next(results, None)
            else:
                yield [number, "geaccepteerd", ""]

    return csv_lines(rows())
