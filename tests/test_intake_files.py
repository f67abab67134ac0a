"""What Dutch office software produces is read correctly; the CLI and the upload (issue #3)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from meldpunt.cases.models import Signal
from meldpunt.intake.files import open_signal_file, template_csv
from meldpunt.intake.models import SignalImport
from meldpunt.intake.spec import (
    CO_TENANT_FIELDS,
    FieldError,
    parse_amount,
    parse_bool,
    parse_date,
    parse_postcode,
)

from .corpus.build import COLUMNS, csv_text, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("€ 1.234,56", "1234.56"),
        ("€1234,5", "1234.50"),
        ("1234", "1234.00"),
        ("1.234", "1234.00"),
        (" 980,00 ", "980.00"),
        (1234.5, "1234.50"),
    ],
)
def test_amount_formats(text, expected):
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize("text", ["abc", "0", "-1", "1,2,3", "12.345,678", "1e5"])
def test_bad_amounts(text):
    with pytest.raises(FieldError):
        parse_amount(text)


@pytest.mark.parametrize(
    "text", ["2026-10-01", "01-10-2026", "1-10-2026", "01/10/2026", datetime(2026, 10, 1, 0, 0)]
)
def test_date_formats(text):
    assert parse_date(text).isoformat() == "2026-10-01"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ja", True),
        ("J", True),
        ("true", True),
        ("1", True),
        (1, True),
        ("nee", False),
        ("n", False),
        ("FALSE", False),
        ("0", False),
        ("", False),
    ],
)
def test_booleans(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["1012ab", "1012 AB", " 1012AB "])
def test_postcodes(text):
    assert parse_postcode(text) == "1012AB"


def test_xlsx_with_real_excel_dates_and_numbers(covenant, tmp_path):
    values = row(1)
    cells = []
    for name in COLUMNS:
        value = values[name]
        if name in (
            "geboortedatum",
            "achterstand_sinds",
            "signaaldatum",
            "poging_persoonlijk_contact",
            "gewezen_op_schuldhulp",
            "schriftelijke_herinnering",
            "informatieplicht_voldaan",
        ):
            value = datetime.strptime(value, "%d-%m-%Y")
        elif name in ("achterstand_bedrag", "maandhuur"):
            value = float(value.replace(".", "").replace(",", "."))
        elif name == "huisnummer":
            value = int(value)
        elif name == "telefoonnummer":
            value = 612345678  # Excel drops the leading zero
        cells.append(value)
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx_bytes([COLUMNS, cells]))
    out = io.StringIO()
    call_command("import-signalen", str(path), partner="eigen-haard", json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["accepted"] == 1, result
    signal = Signal.objects.get()
    assert signal.person_details["geboortedatum"] == "1975-03-15"
    assert signal.person_details["telefoonnummer"] == "0612345678"
    assert signal.arrears["achterstand_bedrag"] == "1500.00"


def test_template_file_is_a_valid_delivery(covenant, tmp_path):
    signal_file = open_signal_file(io.BytesIO(template_csv()))
    assert signal_file.columns == [*COLUMNS, *CO_TENANT_FIELDS]
    path = tmp_path / "sjabloon.csv"
    path.write_bytes(template_csv())
    out = io.StringIO()
    call_command("import-signalen", str(path), partner="eigen-haard", json=True, stdout=out)
    assert json.loads(out.getvalue())["accepted"] == 1


def test_cli_json_reports_each_row(covenant, tmp_path):
    path = tmp_path / "maand.csv"
    path.write_text(
        csv_text([row(1), row(2, achternaam=""), row(3, postcode="9999 ZZ")]), encoding="utf-8"
    )
    out = io.StringIO()
    call_command("import-signalen", str(path), partner="eigen-haard", json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["accepted"] == 1 and result["refused"] == 2
    # rows by their line in the file (the header is line 1), reasons by the field's label
    assert [r["row"] for r in result["rows"]] == [2, 3, 4]
    assert [r["status"] for r in result["rows"]] == ["accepted", "refused", "refused"]
    assert result["rows"][1]["errors"] == ["Achternaam is verplicht."]
    assert result["rows"][2]["errors"][0].startswith("Postcode: ")
    assert "buiten de gemeente" in result["rows"][2]["errors"][0]


def _cli(*args):
    return subprocess.run(
        [".venv/bin/meldpunt", "import-signalen", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_exit_status_2_when_the_file_is_refused(tmp_path):
    # A refused file exits 2 before anything touches a database, so a subprocess is safe here.
    path = tmp_path / "bsn.csv"
    path.write_text(csv_text([row(1)], columns=[*COLUMNS, "bsn"]), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import-signalen", str(path), partner="eigen-haard", json=True, stdout=io.StringIO()
        )
    assert exit_info.value.code == 2


def test_cli_exit_status_2_for_unknown_partner(covenant, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(csv_text([row(1)]), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-signalen", str(path), partner="niet-bestaand", json=True, stdout=out)
    assert exit_info.value.code == 2
    assert "Onbekende verhuurder" in json.loads(out.getvalue())["error"]


def test_cli_refused_file_json_has_error_and_nothing_stored(covenant, tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import-signalen", str(path), partner="eigen-haard", json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["accepted"] == 0 and "leeg" in result["error"]
    assert Signal.objects.count() == 0


# --- upload in the web UI --------------------------------------------------------------------


def test_upload_is_processed_in_the_background_with_progress_and_report(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = csv_text([row(1), row(2, achternaam="=cmd|' /C calc'!A0"), row(3)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["eigen-haard"].post(
            reverse("intake:upload"), {"file": SimpleUploadedFile("maart.csv", content)}
        )
    assert response.status_code == 302
    batch = SignalImport.objects.get()
    assert batch.status == SignalImport.Status.DONE
    assert (batch.accepted, batch.refused, batch.rows_total) == (2, 1, 3)
    assert not list(tmp_path.rglob("*.enc")), "the stored upload is deleted once processed"
    page = clients["eigen-haard"].get(response["Location"]).content.decode()
    assert 'value="100"' in page and "rapport" in page
    partial = (
        clients["eigen-haard"].get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    )
    assert partial.lstrip().startswith('<div id="voortgang"')
    report = b"".join(
        clients["eigen-haard"]
        .get(reverse("intake:upload-report", args=[batch.public_id]))
        .streaming_content
    )
    rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["regel", "referentie", "status", "veld", "melding"]
    assert [r[2] for r in rows[1:]] == ["geaccepteerd", "geweigerd", "geaccepteerd"]
    assert "Mag niet beginnen met" in rows[2][4]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    # Another landlord cannot see this upload.
    assert clients["ymere"].get(response["Location"]).status_code == 404
    assert (
        clients["ymere"].get(reverse("intake:upload-report", args=[batch.public_id])).status_code
        == 404
    )


def test_stored_upload_is_encrypted_at_rest(clients, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = csv_text([row(1, achternaam="Onvindbaarnaam")]).encode()
    clients["eigen-haard"].post(
        reverse("intake:upload"), {"file": SimpleUploadedFile("x.csv", content)}
    )
    stored = list(tmp_path.rglob("*.enc"))
    assert len(stored) == 1  # the task runs after commit, which this test does not execute
    assert b"Onvindbaarnaam" not in stored[0].read_bytes()
    assert b"achternaam" not in stored[0].read_bytes()


def test_upload_of_a_refused_file_shows_the_reason(
    clients, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["eigen-haard"].post(
            reverse("intake:upload"),
            {"file": SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00")},
        )
    page = clients["eigen-haard"].get(response["Location"]).content.decode()
    assert "binaire gegevens" in page and Signal.objects.count() == 0


def test_empty_upload_is_refused_in_the_form(clients):
    response = clients["eigen-haard"].post(
        reverse("intake:upload"), {"file": SimpleUploadedFile("x.csv", b"")}
    )
    assert response.status_code == 400
    assert SignalImport.objects.count() == 0


def test_template_download(clients):
    response = clients["eigen-haard"].get(reverse("intake:template"))
    assert response.content.startswith(b"\xef\xbb\xbfpartner_referentie;")


def _rows(stream):
    return [values for _number, values in open_signal_file(stream).rows]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_second_reader_reads_the_opened_file_from_its_start_with_its_own_position(tmp_path, kind):
    """The preparing process reads the file the import checked, not whatever the name is now."""
    from meldpunt.intake.files import second_reader

    if kind == "csv":
        content = csv_text([row(i) for i in range(1, 6)]).encode()
    else:
        content = xlsx_bytes([COLUMNS, *[[row(i)[c] for c in COLUMNS] for i in range(1, 6)]])
    path = tmp_path / f"signalen.{kind}"
    path.write_bytes(content)
    with open(path, "rb") as stream:
        stream.read(100)  # the first reader is somewhere in the file
        other = tmp_path / "ander.csv"
        other.write_bytes(csv_text([row(99)]).encode())
        other.replace(path)  # the name now points to another file
        second = second_reader(stream)
        assert len(_rows(second)) == 5
        assert stream.tell() == 100  # the first reader's position is untouched
        stream.seek(0)
        assert _rows(stream) == _rows(second_reader(stream))
