"""CSV cells safe to open in a spreadsheet: no formula injection (OWASP CSV injection)."""

import csv
import io
from collections.abc import Iterable, Iterator

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_TRIGGERS) else text


def csv_lines(rows: Iterable[Iterable[object]], delimiter: str = ";") -> Iterator[str]:
    """Stream rows as CSV text, every cell escaped; a BOM first so Excel reads UTF-8."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
