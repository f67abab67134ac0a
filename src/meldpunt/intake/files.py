"""Reading signal files as landlord systems export them: CSV (any Dutch office dialect) or XLSX.

Rows are streamed; a file is never held in memory whole. Anything that makes the file as a
whole unreadable raises FileRefused with a Dutch message; problems of one row are left to the
row's validation.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from meldpunt.organisations.models import PartnerType

from .spec import FIELDS_BY_NAME, FORBIDDEN_COLUMNS, fields_for

MAX_LINE_BYTES = 1_000_000
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3
XLSX_MAGIC = b"PK\x03\x04"


class _PositionalReader(io.RawIOBase):
    """Reads an open file by position (``os.pread``), leaving the descriptor's offset alone."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position}.get(whence)
        if base is None:
            base = os.fstat(self._fd).st_size
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self._fd, len(buffer), self._position)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def second_reader(stream: IO[bytes]) -> IO[bytes]:
    """Another reader of the same open file, from its start, with its own read position.

    Unlike opening the path again it reads the very file that was opened (and checked), even
    when the name now points elsewhere. Used by the preparing process (intake/parallel.py).
    """
    return io.BufferedReader(_PositionalReader(stream.fileno()), buffer_size=1 << 16)


class FileRefused(Exception):
    """The file as a whole cannot be read; the message tells the clerk why, in Dutch."""


@dataclass
class SignalFile:
    """An opened signal file: its kind, the column names and an iterator of (line, dict).

    The line is where the record starts in the file as the partner has it: the header and
    empty lines count, and a quoted field spanning two lines makes its record start on the
    first of them (a CSV's physical line as a text editor numbers it; an XLSX's row number as
    Excel shows it). That is the number the upload report names (docs/adr/0116).
    """

    kind: str
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    # Reads the rest of the file as ``rows`` would, counting its rows without making them.
    counter: Callable[[], int] | None = field(default=None, repr=False)

    def count(self) -> int:
        """The number of rows ``rows`` would give, reading the file to its end; raises
        FileRefused where ``rows`` would (the structure check before anything is stored).
        Use either this or ``rows``: both read the same stream."""
        if self.counter is not None:
            return self.counter()
        return sum(1 for _ in self.rows)


def _normalise_header(name: Any) -> str:
    text = str(name if name is not None else "").replace("\ufeff", "").strip().casefold()
    return "_".join(text.replace("-", " ").split())


def check_header(raw_names: list[Any], partner_type: str = PartnerType.HUUR) -> list[str]:
    names = [_normalise_header(n) for n in raw_names]
    while names and names[-1] == "":
        names.pop()  # trailing empty columns from spreadsheets
    if not names or all(n == "" for n in names):
        raise FileRefused("Het bestand heeft geen kopregel met kolomnamen.")
    forbidden = [n for n in names if n in FORBIDDEN_COLUMNS]
    if forbidden:
        raise FileRefused(
            "Het bestand bevat een BSN-kolom. Een verhuurder levert nooit een BSN aan "
            "(dataminimalisatie, convenant art. 9.1). Verwijder de kolom en lever opnieuw aan."
        )
    if "" in names:
        raise FileRefused(f"Kolom {names.index('') + 1} heeft geen naam.")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FileRefused("Deze kolommen komen twee keer voor: " + ", ".join(duplicates) + ".")
    unknown = [n for n in names if n not in FIELDS_BY_NAME]
    if unknown:
        shown = ", ".join(u[:40] for u in unknown[:10])
        hint = ""
        if len(names) == 1 and any(sep in str(raw_names[0]) for sep in ",;\t|"):
            hint = " Het scheidingsteken is niet herkend: gebruik een komma of puntkomma."
        raise FileRefused(
            f"Onbekende kolommen: {shown}. Alleen de kolommen van het aanleverformaat zijn "
            f"toegestaan (dataminimalisatie).{hint}"
        )
    own = {f.name for f in fields_for(partner_type)}
    foreign = [n for n in names if n not in own]
    if foreign:
        raise FileRefused(
            "Deze kolommen horen niet bij een signaal van een signaalpartner van de soort "
            f"{PartnerType(partner_type).label}: " + ", ".join(foreign[:10]) + ". Verwijder ze "
            "en lever opnieuw aan (dataminimalisatie)."
        )
    missing = [f.name for f in fields_for(partner_type) if f.required and f.name not in names]
    if missing:
        raise FileRefused("Verplichte kolommen ontbreken: " + ", ".join(missing) + ".")
    return names


def open_signal_file(
    stream: IO[bytes], filename: str = "", *, partner_type: str = PartnerType.HUUR
) -> SignalFile:
    """Recognise the file by its content (not its name) and return a row reader for a signal
    partner of this kind (its columns only)."""
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise FileRefused("Het bestand is leeg.")
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(stream, partner_type)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            "Dit bestand is opgeslagen als UTF-16. Sla het op als 'CSV UTF-8' of als Excel-werkmap."
        )
    if b"\x00" in stream.read(4096):
        raise FileRefused(
            "Dit is geen CSV- of XLSX-bestand (het bevat binaire gegevens). "
            "Lever een CSV-bestand of een Excel-bestand (.xlsx) aan."
        )
    stream.seek(0)
    return _open_csv(stream, partner_type)


# --- CSV ------------------------------------------------------------------------------------


def _decode(line: bytes) -> str:
    """UTF-8 where it is, Windows-1252 where it is not: files mixing both still read."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's physical lines, decoded (a line ends at LF; CR LF keeps its CR)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise FileRefused(
                f"Regel {number} is langer dan 1 MB; dit is geen geldig signaalbestand."
            )
        if b"\x00" in line:
            raise FileRefused(
                f"Regel {number} bevat binaire gegevens (een NUL-teken); het bestand is onleesbaar of beschadigd."
            )
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield _decode(line)


def _detect_delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _open_csv(stream: IO[bytes], partner_type: str) -> SignalFile:
    lines = _lines(stream)
    header_line = ""
    header_at = 0  # the header's physical line (empty lines before it count)
    for line in lines:
        header_at += 1
        if line.strip():
            header_line = line
            break
    if not header_line:
        raise FileRefused("Het bestand is leeg.")
    delimiter = _detect_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = check_header(header, partner_type)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        number = header_at  # the line the last record read ended on
        try:
            for record in reader:
                # A record starts on the line after the previous one ended; ``line_num`` counts
                # the lines the reader took, so a field with a line break moves it by two.
                start, number = number + 1, header_at + reader.line_num
                if not "".join(record).strip():  # every cell empty or whitespace
                    continue
                if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
                    yield (
                        start,
                        {"__error__": "Deze regel heeft meer waarden dan er kolommen zijn."},
                    )
                    continue
                yield start, dict(zip(columns, record, strict=False))
        except csv.Error as exc:
            raise FileRefused(
                f"Het CSV-bestand is onleesbaar vanaf regel {number + 1}: {exc}."
            ) from None

    def count() -> int:
        # ``rows`` without the rows: the same records, the same refusals.
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        number = header_at
        total = 0
        try:
            for record in reader:
                number = header_at + reader.line_num
                if "".join(record).strip():
                    total += 1
        except csv.Error as exc:
            raise FileRefused(
                f"Het CSV-bestand is onleesbaar vanaf regel {number + 1}: {exc}."
            ) from None
        return total

    return SignalFile("csv", columns, rows(), count)


# --- XLSX -----------------------------------------------------------------------------------


def _open_xlsx(stream: IO[bytes], partner_type: str) -> SignalFile:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise FileRefused("Het Excel-bestand is uitgepakt groter dan 2 GB.")
            if "xl/workbook.xml" not in archive.namelist():
                raise FileRefused("Dit ZIP-bestand is geen Excel-werkmap (.xlsx).")
        stream.seek(0)
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read-only sheets yield every row from row 1, empty ones too: counting them gives
        # the row number Excel shows.
        cells = sheet.iter_rows(values_only=True)
        header = None
        header_at = 0
        for record in cells:
            header_at += 1
            if any(v not in (None, "") for v in record):
                header = list(record)
                break
    except FileRefused:
        raise
    except Exception:  # BadZipFile, truncated or corrupt XML: one message for the clerk
        raise FileRefused(
            "Het Excel-bestand is beschadigd of onvolledig en kan niet worden gelezen."
        ) from None
    if header is None:
        raise FileRefused("Het Excel-bestand is leeg.")
    columns = check_header(header, partner_type)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = header_at  # the sheet row last read
        try:
            for record in cells:
                number += 1
                if not any(v not in (None, "") for v in record):
                    continue
                if len(record) > len(columns) and any(
                    v not in (None, "") for v in record[len(columns) :]
                ):
                    yield (
                        number,
                        {"__error__": "Deze regel heeft meer waarden dan er kolommen zijn."},
                    )
                    continue
                yield number, dict(zip(columns, record, strict=False))
        except Exception:
            raise FileRefused(
                f"Het Excel-bestand is beschadigd na regel {number} en kan niet verder worden gelezen."
            ) from None
        finally:
            workbook.close()

    return SignalFile("xlsx", columns, rows())


EXAMPLES_BY_TYPE: dict[str, dict[str, str]] = {
    PartnerType.HUUR: {"partner_referentie": "HUUR-0001", "maandhuur": "750,00"},
    PartnerType.ENERGIE: {"partner_referentie": "KLANT-0001", "maandtermijn": "145,00",
                          "maanden_achterstand": "2"},
    PartnerType.WATER: {"partner_referentie": "KLANT-0001", "maanden_achterstand": "3"},
    PartnerType.ZORG: {"partner_referentie": "POLIS-0001", "maandpremie": "142,50",
                       "maanden_achterstand": "2", "aanbod_betalingsregeling": "01-09-2026"},
}  # fmt: skip


def template_csv(partner_type: str = PartnerType.HUUR) -> bytes:
    """The downloadable template for a signal partner of this kind: the header (its columns)
    and one example row, UTF-8 with BOM for Excel."""
    example = {
        "partner_referentie": "HUUR-0001",
        "voorletters": "A.",
        "achternaam": "Voorbeeld",
        "geboortedatum": "01-02-1980",
        "straat": "Voorbeeldstraat",
        "huisnummer": "1",
        "postcode": "1012 AB",
        "woonplaats": "Amsterdam",
        "telefoonnummer": "0612345678",
        "email": "a.voorbeeld@example.org",
        "achterstand_bedrag": "1.234,56",
        "maanden_achterstand": "2",
        "achterstand_sinds": "01-08-2026",
        "signaaldatum": "01-10-2026",
        "onbereikbaar_in_incasso": "ja",
        "meerdere_problemen": "nee",
        "crisissignaal": "nee",
        "warme_overdracht": "nee",
        "poging_persoonlijk_contact": "01-09-2026",
        "gewezen_op_schuldhulp": "05-09-2026",
        "schriftelijke_herinnering": "10-09-2026",
        "informatieplicht_voldaan": "10-09-2026",
        "bezwaar_huurder": "nee",
        **EXAMPLES_BY_TYPE.get(partner_type, {}),
    }
    fields = fields_for(partner_type)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    writer.writerow([example.get(f.name, "") for f in fields])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
