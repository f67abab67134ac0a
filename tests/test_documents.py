"""Documents as PDF (issue #12): the verklaring with the municipality's letterhead and a QR code
that opens its verification page."""

import base64
import io
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from meldpunt.cases.models import Track
from meldpunt.cases.services import case_assign, case_close, contact_attempt_record
from meldpunt.core.pdf import html_to_pdf, qr_data_uri
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.safeguards.models import Attestation, SafeguardCheck
from meldpunt.safeguards.views import attestation_document_html

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def allowed_bailiff_check(covenant, users, clients, today):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-PDF-1", achternaam="Pdfgeheim"),
    )
    case_assign(case_id=signal.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    for days, kind in ((10, "Telefoon"), (5, "Brief"), (1, "Huisbezoek")):
        contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind=kind,
                               reached=False, on=today - timedelta(days=days),
                               part_of_day="Avond")  # fmt: skip
    case_close(case_id=signal.case_id, by=users["centram"],
               end_result="Definitief geen contact kunnen krijgen")  # fmt: skip
    response = clients["eigen-haard"].post(
        reverse("safeguards:check-ask", args=[signal.public_id, "deurwaarder"])
    )
    assert response.status_code == 302
    check = SafeguardCheck.objects.order_by("-id").first()
    assert check.outcome == "toegestaan"
    return check


def test_the_verklaring_is_a_pdf_with_letterhead_code_and_qr(allowed_bailiff_check, clients):
    check = allowed_bailiff_check
    code = Attestation.objects.get(check_record=check).code
    landlord = clients["eigen-haard"]
    page = landlord.get(reverse("safeguards:attestation", args=[check.public_id])).content.decode()
    pdf_url = reverse("safeguards:attestation-pdf", args=[check.public_id])
    assert pdf_url in page

    response = landlord.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="verklaring-{code}.pdf"'
    text = pdf_text(response.content)
    assert "Gemeente Amsterdam" in text and "Centraal Meldpunt vroegsignalering" in text
    assert "Verklaring Sluitende Aanpak" in text and code in text and "EH-PDF-1" in text
    assert f"/verificatie/{code}" in "".join(text.split())  # the URL may wrap
    # No personal data on the verklaring: not the tenant's name, nor the address.
    assert "Pdfgeheim" not in text
    assert ProcessingLogEntry.objects.filter(
        name="safeguard.attestation.pdf", data_subject_id=str(check.subject_id)
    ).exists()


def test_the_qr_code_opens_the_verification_page(allowed_bailiff_check, client):
    check = allowed_bailiff_check
    attestation = Attestation.objects.get(check_record=check)
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    html = attestation_document_html(request, check, attestation)
    verify_url = "http://testserver" + reverse("safeguards:verify", args=[attestation.code])
    # The image is the QR code of exactly the verification URL, and that URL verifies.
    assert f'src="{qr_data_uri(verify_url)}"' in html
    assert client.get(verify_url).status_code == 200


def test_a_qr_code_is_an_svg_and_documents_fetch_nothing(tmp_path):
    svg = base64.b64decode(qr_data_uri("https://example.org/v/ABCD").split(",", 1)[1])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    secret = tmp_path / "geheim.css"
    secret.write_text("body { color: red }")
    # A file: link is not read (the PDF is made from the string alone); it still renders.
    pdf = html_to_pdf(f'<link rel="stylesheet" href="file://{secret}"><p>Tekst</p>')
    assert "Tekst" in pdf_text(pdf)


def test_a_revoked_or_foreign_verklaring_has_no_pdf(allowed_bailiff_check, clients, users):
    check = allowed_bailiff_check
    url = reverse("safeguards:attestation-pdf", args=[check.public_id])
    assert clients["ymere"].get(url).status_code == 404
    attestation = Attestation.objects.get(check_record=check)
    clients["regie"].post(
        reverse("safeguards:attestation-revoke", args=[check.public_id]), {"reason": "fout"}
    )
    attestation.refresh_from_db()
    assert attestation.revoked_at is not None
    assert clients["eigen-haard"].get(url).status_code == 404
