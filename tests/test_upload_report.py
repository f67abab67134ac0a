"""The upload report a clerk can use (issue #12): every row by its line in the file and the
partner's reference, reasons by field label, the refused rows on screen as well as in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meldpunt.dataprotection.retention import retention_apply
from meldpunt.intake.files import open_signal_file
from meldpunt.intake.models import ImportLines, ImportRowResult, SignalImport
from meldpunt.privacy.models import ProcessingLogEntry, RetentionDeletion

from .corpus.build import COLUMNS, csv_text, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _file_with_blank_lines_and_a_two_line_field() -> bytes:
    """Line 1 the header, 2 empty, 3 a row, 4–5 one row whose street spans two lines, 6 empty,
    7 a refused row (no surname), 8 a refused row (bad postcode and bad birth date)."""
    lines = csv_text([row(1)]).split("\r\n")
    header, first = lines[0], lines[1]
    two_line = csv_text([row(2, straat="Kerkstraat\nachterhuis")]).split("\r\n", 1)[1].rstrip()
    refused = csv_text([row(3, achternaam="")]).split("\r\n")[1]
    twice = csv_text([row(4, postcode="12", geboortedatum="31-02-1980")]).split("\r\n")[1]
    text = "\r\n".join([header, "", first, two_line, "", refused, twice]) + "\r\n"
    return text.encode("utf-8")


def test_rows_are_numbered_by_their_first_physical_line():
    signal_file = open_signal_file(io.BytesIO(_file_with_blank_lines_and_a_two_line_field()))
    numbered = [(n, r["partner_referentie"]) for n, r in signal_file.rows]
    assert numbered == [(3, "REF-000001"), (4, "REF-000002"), (7, "REF-000003"), (8, "REF-000004")]


def test_leading_empty_lines_before_the_header_count():
    content = b"\r\n\r\n" + csv_text([row(1), row(2)]).encode()
    assert [n for n, _r in open_signal_file(io.BytesIO(content)).rows] == [4, 5]


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    content = xlsx_bytes(
        [[], COLUMNS, [row(1)[c] for c in COLUMNS], [], [row(2)[c] for c in COLUMNS]]
    )
    assert [n for n, _r in open_signal_file(io.BytesIO(content)).rows] == [3, 5]


def _upload(client, content: bytes, capture) -> SignalImport:
    with capture(execute=True):
        response = client.post(
            reverse("intake:upload"), {"file": SimpleUploadedFile("maart.csv", content)}
        )
    assert response.status_code == 302
    return SignalImport.objects.get()


def _report(client, batch) -> list[list[str]]:
    response = client.get(reverse("intake:upload-report", args=[batch.public_id]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_report_names_line_reference_field_label_and_reason(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = clients["eigen-haard"]
    batch = _upload(
        client, _file_with_blank_lines_and_a_two_line_field(), django_capture_on_commit_callbacks
    )
    assert (batch.accepted, batch.refused) == (2, 2)
    rows = _report(client, batch)
    assert rows[0] == ["regel", "referentie", "status", "veld", "melding"]
    assert rows[1:3] == [
        ["3", "REF-000001", "geaccepteerd", "", ""],
        ["4", "REF-000002", "geaccepteerd", "", ""],
    ]
    assert rows[3] == ["7", "REF-000003", "geweigerd", "Achternaam", "Achternaam is verplicht."]
    # one line per reason; the field by its label, never by its column name
    assert [(r[0], r[1], r[3]) for r in rows[4:]] == [
        ("8", "REF-000004", "Geboortedatum"),
        ("8", "REF-000004", "Postcode"),
    ] or [(r[0], r[1], r[3]) for r in rows[4:]] == [
        ("8", "REF-000004", "Postcode"),
        ("8", "REF-000004", "Geboortedatum"),
    ]
    assert not any(
        name in cell for r in rows for cell in r for name in ("geboortedatum:", "postcode:")
    )

    # the same refused rows on screen: line, reference, field, message
    page = client.get(reverse("intake:upload-detail", args=[batch.public_id])).content.decode()
    assert "Geweigerde regels" in page
    table = page[page.index('id="geweigerde-regels"') :]
    for text in ("REF-000003", "REF-000004", ">7<", ">8<", "Achternaam is verplicht.", "Postcode"):
        assert text in table, text
    assert "REF-000001" not in table, "accepted rows are in the CSV, not in the refused table"
    assert 'lang="nl"' in table, "the reasons stay Dutch, marked as such on an English page"


def test_refused_table_in_english_translates_the_labels(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = clients["eigen-haard"]
    content = csv_text([row(1), row(2, achternaam="")]).encode()
    batch = _upload(client, content, django_capture_on_commit_callbacks)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("intake:upload-detail", args=[batch.public_id])).content.decode()
    table = page[page.index('id="geweigerde-regels"') :]
    assert "Refused rows" in page and "Surname" in table


def test_repeat_delivery_reports_every_row_as_already_received_with_its_reference(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = clients["eigen-haard"]
    content = csv_text([row(1), row(2)]).encode()
    _upload(client, content, django_capture_on_commit_callbacks)
    SignalImport.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:upload"), {"file": SimpleUploadedFile("maart.csv", content)})
    second = SignalImport.objects.order_by("-created_at").first()
    assert _report(client, second)[1:] == [
        ["2", "REF-000001", "geaccepteerd", "", "al eerder ontvangen"],
        ["3", "REF-000002", "geaccepteerd", "", "al eerder ontvangen"],
    ]


def test_a_refused_file_has_one_line_saying_why(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = clients["eigen-haard"]
    batch = _upload(client, b"voornaam;bsn\r\nA;1\r\n", django_capture_on_commit_callbacks)
    rows = _report(client, batch)
    assert rows[1][2] == "bestand geweigerd" and "BSN" in rows[1][4]


def test_references_in_reports_go_with_the_period_of_signals_not_taken_up(
    clients, covenant, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = clients["eigen-haard"]
    batch = _upload(
        client,
        csv_text([row(1), row(2, achternaam="")]).encode(),
        django_capture_on_commit_callbacks,
    )
    retention_apply(trigger="test")
    assert ImportRowResult.objects.get().reference == "REF-000002", "young reports keep them"
    SignalImport.objects.update(finished_at=timezone.now() - timedelta(days=200))
    retention_apply(trigger="test")
    assert ImportRowResult.objects.get().reference == ""
    assert ImportLines.objects.get().references == []
    rows = _report(client, batch)
    assert rows[2][:3] == ["3", "", "geweigerd"], "lines and reasons stay"
    deletion = RetentionDeletion.objects.get(object_type="upload_report")
    assert deletion.object_ids == [str(batch.public_id)]
    assert ProcessingLogEntry.objects.filter(
        name__endswith="upload_report", action=ProcessingLogEntry.Action.DELETE
    ).exists()
    retention_apply(trigger="test")
    assert RetentionDeletion.objects.filter(object_type="upload_report").count() == 1
