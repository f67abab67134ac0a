"""Builds the malformed-file corpus in tests/corpus/files: ``python -m tests.corpus.build``.

Each file has an expectation in EXPECTED: the file as a whole is refused with a message, or
its rows are read with given counts. The 10 MB single-line file is made at test time.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent / "files"
COLUMNS = [
    "partner_referentie",
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaats",
    "telefoonnummer",
    "email",
    "achterstand_bedrag",
    "maandhuur",
    "achterstand_sinds",
    "signaaldatum",
    "onbereikbaar_in_incasso",
    "meerdere_problemen",
    "crisissignaal",
    "warme_overdracht",
    "poging_persoonlijk_contact",
    "gewezen_op_schuldhulp",
    "schriftelijke_herinnering",
    "informatieplicht_voldaan",
    "bezwaar_huurder",
]
D = date(2026, 9, 1)


def row(i: int, **over: str) -> dict[str, str]:
    values = {
        "partner_referentie": f"REF-{i:06d}",
        "voorletters": "A.",
        "tussenvoegsel": "",
        "achternaam": f"Corpus{i}",
        "geboortedatum": "15-03-1975",
        "straat": "Kerkstraat",
        "huisnummer": str(10 + i),
        "huisletter": "",
        "huisnummertoevoeging": "",
        "postcode": "1017 AB",
        "woonplaats": "Amsterdam",
        "telefoonnummer": "0612345678",
        "email": f"corpus{i}@example.org",
        "achterstand_bedrag": "1.500,00",
        "maandhuur": "700,00",
        "achterstand_sinds": (D - timedelta(days=90)).strftime("%d-%m-%Y"),
        "signaaldatum": D.strftime("%d-%m-%Y"),
        "onbereikbaar_in_incasso": "ja",
        "meerdere_problemen": "nee",
        "crisissignaal": "nee",
        "warme_overdracht": "nee",
        "poging_persoonlijk_contact": "01-07-2026",
        "gewezen_op_schuldhulp": "05-07-2026",
        "schriftelijke_herinnering": "10-07-2026",
        "informatieplicht_voldaan": "10-07-2026",
        "bezwaar_huurder": "nee",
    }
    values.update(over)
    return values


def csv_text(rows: list[dict[str, str]], sep: str = ";", columns: list[str] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    good = csv_text([row(1), row(2)])
    files["empty.csv"] = b""
    files["whitespace-only.csv"] = b"   \r\n\r\n  \n"
    files["header-only.csv"] = (";".join(COLUMNS) + "\r\n").encode()
    files["header-and-blank-rows.csv"] = (";".join(COLUMNS) + "\r\n;;;\r\n\r\n").encode()
    files["wrong-delimiter-pipe.csv"] = good.replace(";", "|").encode()
    rnd = random.Random(42)
    files["binary-garbage.csv"] = bytes(rnd.randrange(256) for _ in range(5000)) + b"\x00\x00"
    files["png-named-csv.csv"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    files["utf16.csv"] = good.encode("utf-16")
    xlsx = xlsx_bytes([COLUMNS, list(row(1).values()), list(row(2).values())])
    files["truncated.xlsx"] = xlsx[: len(xlsx) // 2]
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("readme.txt", "geen excel")
    files["zip-not-xlsx.xlsx"] = z.getvalue()
    files["xlsx-empty-sheet.xlsx"] = xlsx_bytes([])
    files["bsn-column.csv"] = csv_text([row(1)], columns=[*COLUMNS, "bsn"]).encode()
    files["unknown-column.csv"] = csv_text([row(1)], columns=[*COLUMNS, "inkomen"]).encode()
    files["missing-required-column.csv"] = csv_text(
        [row(1)], columns=[c for c in COLUMNS if c != "achternaam"]
    ).encode()
    files["duplicate-column.csv"] = csv_text([row(1)], columns=[*COLUMNS, "postcode"]).encode()
    files["html-page.csv"] = b"<!DOCTYPE html><html><body><h1>Fout</h1></body></html>\n"
    files["nul-byte-midfile.csv"] = (
        csv_text([row(i) for i in range(1, 60)]).encode() + b"REF-X;\x00;Nul\r\n"
    )
    files["formula-cells.csv"] = csv_text(
        [
            row(1, achternaam='=HYPERLINK("http://x","klik")'),
            row(2, partner_referentie="+31612345678"),
            row(3, straat="@SUM(A1:A9)"),
            row(4),
        ]
    ).encode()
    files["formula-cells.xlsx"] = xlsx_bytes(
        [
            COLUMNS,
            [*list(row(1).values())[:3], "=1+1", *list(row(1).values())[4:]],
            list(row(2).values()),
        ]
    )
    files["mixed-encodings.csv"] = csv_text([row(1, achternaam="Gérard")]).encode(
        "utf-8"
    ) + csv_text([row(2, achternaam="Müller")]).split("\r\n", 1)[1].encode("cp1252")
    files["windows-1252-euro.csv"] = csv_text(
        [row(1, achterstand_bedrag="€ 1.234,56", achternaam="Çelik")]
    ).encode("cp1252")
    files["duplicate-rows.csv"] = csv_text([row(1), row(1), row(2)]).encode()
    files["unclosed-quote.csv"] = (csv_text([row(1)]) + 'REF-9;"A.;;Open\r\n').encode() + csv_text(
        [row(3)]
    ).split("\r\n", 1)[1].encode()
    files["too-many-values.csv"] = (
        csv_text([row(1)]) + ";".join(row(2).values()) + ";extra;meer\r\n"
    ).encode()
    files["too-few-values.csv"] = (csv_text([row(1)]) + "REF-2;B.;;Kort\r\n").encode()
    future = "01-01-2099"
    files["future-dates.csv"] = csv_text([row(1, signaaldatum=future), row(2)]).encode()
    files["bad-amounts.csv"] = csv_text(
        [
            row(1, achterstand_bedrag="abc"),
            row(2, achterstand_bedrag="0"),
            row(3, achterstand_bedrag="-5"),
            row(4, achterstand_bedrag="1,2,3"),
            row(5),
        ]
    ).encode()
    files["postcode-outside.csv"] = csv_text([row(1, postcode="3511 AB"), row(2)]).encode()
    files["objection.csv"] = csv_text([row(1, bezwaar_huurder="ja"), row(2)]).encode()
    files["bom-spaces-uppercase-header.csv"] = (
        b"\xef\xbb\xbf"
        + good.replace("partner_referentie", " PARTNER_REFERENTIE ")
        .replace("achternaam", "Achternaam")
        .encode()
    )
    files["quoted-newline.csv"] = csv_text([row(1, straat="Kerk\r\nstraat"), row(2)]).encode()
    files["comma-delimited-dutch-amounts.csv"] = csv_text(
        [row(1, achterstand_bedrag="1.234,56"), row(2, achterstand_bedrag="980.50")], sep=","
    ).encode()
    files["missing-voortraject.csv"] = csv_text(
        [row(1, schriftelijke_herinnering=""), row(2)]
    ).encode()
    return files


# name: ("file", message) | ("rows", accepted, refused, message in the first refused row or None)
EXPECTED: dict[str, tuple] = {
    "empty.csv": ("file", "leeg"),
    "whitespace-only.csv": ("file", "leeg"),
    "header-only.csv": ("file", "geen signalen"),
    "header-and-blank-rows.csv": ("file", "geen signalen"),
    "wrong-delimiter-pipe.csv": ("file", "scheidingsteken"),
    "binary-garbage.csv": ("file", "binaire gegevens"),
    "png-named-csv.csv": ("file", "binaire gegevens"),
    "utf16.csv": ("file", "UTF-16"),
    "truncated.xlsx": ("file", "beschadigd"),
    "zip-not-xlsx.xlsx": ("file", "geen Excel-werkmap"),
    "xlsx-empty-sheet.xlsx": ("file", "leeg"),
    "bsn-column.csv": ("file", "BSN"),
    "unknown-column.csv": ("file", "Onbekende kolommen: inkomen"),
    "missing-required-column.csv": ("file", "Verplichte kolommen ontbreken: achternaam"),
    "duplicate-column.csv": ("file", "twee keer"),
    "html-page.csv": ("file", "Onbekende kolommen"),
    "nul-byte-midfile.csv": ("file", "onleesbaar"),
    "formula-cells.csv": ("rows", 1, 3, "Mag niet beginnen met"),
    "formula-cells.xlsx": ("rows", 1, 1, "Achternaam is verplicht"),
    "mixed-encodings.csv": ("rows", 2, 0, None),
    "windows-1252-euro.csv": ("rows", 1, 0, None),
    "duplicate-rows.csv": ("rows", 3, 0, None),
    "unclosed-quote.csv": ("rows", 1, 1, None),
    "too-many-values.csv": ("rows", 1, 1, "meer waarden"),
    "too-few-values.csv": ("rows", 1, 1, "verplicht"),
    "future-dates.csv": ("rows", 1, 1, "in de toekomst"),
    "bad-amounts.csv": ("rows", 1, 4, "bedrag"),
    "postcode-outside.csv": ("rows", 1, 1, "buiten de gemeente"),
    "objection.csv": ("rows", 1, 1, "bezwaar"),
    "bom-spaces-uppercase-header.csv": ("rows", 2, 0, None),
    "quoted-newline.csv": ("rows", 2, 0, None),
    "comma-delimited-dutch-amounts.csv": ("rows", 2, 0, None),
    "missing-voortraject.csv": ("rows", 1, 1, "Schriftelijke herinnering is verplicht"),
}


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (HERE / name).write_bytes(content)
    print(f"{len(build())} files in {HERE}")


if __name__ == "__main__":
    main()
