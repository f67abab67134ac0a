"""Letters and door cards (issue #12): templates edited on screen by functioneel beheer (B1
Dutch and English, change history), produced per case as PDF and as a day's print batch;
producing one records the DDAS contact attempt (Brief / Kaartje); the information letter on
receipt of a signal (AVG art. 14) is regie's."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from meldpunt.cases.letters import paragraphs, unknown_placeholders
from meldpunt.cases.models import CaseLetter, ContactAttempt, LetterTemplate, Track
from meldpunt.cases.selectors import current_letter_templates
from meldpunt.cases.services import case_assign
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def case(covenant, users):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-BRIEF", achternaam="Briefontvanger"),
    )
    case_assign(case_id=signal.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    signal.case.refresh_from_db()
    return signal.case


def produce(client, case, code, language="nl"):
    return client.post(
        reverse("cases:letter-create", args=[case.public_id]),
        {"template": code, "language": language},
    )


def test_defaults_exist_in_dutch_and_english():
    codes = {t.code: t for t in current_letter_templates()}
    assert set(codes) == {"eerste-brief", "kaartje", "informatiebrief"}
    for template in codes.values():
        for field in ("subject", "action", "body"):
            assert getattr(template, f"{field}_nl") and getattr(template, f"{field}_en")
            assert not unknown_placeholders(getattr(template, f"{field}_nl"))


def test_a_letter_is_a_pdf_with_the_caseworkers_number_and_a_contact_attempt(
    case, clients, users, today
):
    worker = users["centram"]
    worker.direct_phone, worker.contact_email = "020 555 12 34", "c.werker@centram.example"
    worker.save()
    response = produce(clients["centram"], case, "eerste-brief")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Briefontvanger" in text and "Damrak 12" in text and "1012LG Amsterdam" in text
    assert "020 555 12 34" in text and "c.werker@centram.example" in text
    assert "Wij willen u helpen" in text and "Eigen Haard" in text and case.reference in text
    # The action comes first: before the body's greeting.
    assert text.index("Bel ") < text.index("Beste ")
    attempt = ContactAttempt.objects.get(case=case)
    assert attempt.kind == "Brief" and not attempt.reached and attempt.on == today
    case.refresh_from_db()
    assert case.status == "opgepakt"  # the first attempt picks the case up
    letter = CaseLetter.objects.get(case=case)
    assert letter.attempt == attempt and letter.language == "nl"
    assert ProcessingLogEntry.objects.filter(name="letter.produce").exists()

    # A door card in English is a "Kaartje" attempt; the case page lists both to print again.
    card = produce(clients["centram"], case, "kaartje", "en")
    assert "We came to your door" in pdf_text(card.content)
    assert ContactAttempt.objects.filter(case=case, kind="Kaartje").count() == 1
    page = clients["centram"].get(reverse("cases:case-detail", args=[case.public_id]))
    html = page.content.decode()
    again = CaseLetter.objects.get(case=case, template__code="kaartje")
    assert reverse("cases:letter-pdf", args=[again.public_id]) in html
    reprint = clients["centram"].get(reverse("cases:letter-pdf", args=[again.public_id]))
    assert reprint.status_code == 200 and "We came to your door" in pdf_text(reprint.content)


def test_the_number_falls_back_to_the_organisation(case, clients, covenant):
    centram = covenant["centram"]
    centram.phone = "020 999 00 00"
    centram.save()
    text = pdf_text(produce(clients["centram"], case, "kaartje").content)
    assert "020 999 00 00" in text


def test_the_days_print_batch_is_one_pdf(case, clients, covenant, users):
    other = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-BRIEF2", achternaam="Tweedeontvanger",
                        geboortedatum="1975-03-03"),
    )  # fmt: skip
    case_assign(case_id=other.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    produce(clients["centram"], case, "eerste-brief")
    produce(clients["centram"], other.case, "kaartje")
    day = clients["centram"].get(reverse("cases:letter-day"))
    assert day.status_code == 200 and "2 brieven" in day.content.decode()
    assert "Briefontvanger" not in day.content.decode()  # the list names cases, not people
    batch = clients["centram"].get(reverse("cases:letter-day"), {"pdf": "1"})
    assert batch["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(batch.content))
    assert len(reader.pages) == 2
    text = pdf_text(batch.content)
    assert "Briefontvanger" in text and "Tweedeontvanger" in text
    assert ProcessingLogEntry.objects.filter(name="letter.print_batch").count() == 2
    # Another provider's batch holds none of them.
    assert (
        "Briefontvanger" not in clients["doras"].get(reverse("cases:letter-day")).content.decode()
    )


def test_the_information_letter_is_regies_and_no_contact_attempt(case, clients):
    response = produce(clients["regie"], case, "informatiebrief")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Gemeente Amsterdam" in text and "Wet gemeentelijke schuldhulpverlening" in text
    assert not ContactAttempt.objects.filter(case=case).exists()
    # A caseworker is not offered it, and cannot make it.
    assert produce(clients["centram"], case, "informatiebrief").status_code == 400
    assert CaseLetter.objects.count() == 1


def test_functioneel_beheer_edits_a_template_with_history(case, clients, users):
    beheer = clients["beheer"]
    url = reverse("cases:letter-template", args=["kaartje"])
    current = LetterTemplate.objects.filter(code="kaartje").latest("changed_at")
    values = {f: getattr(current, f) for f in
              ("subject_nl", "action_nl", "body_nl", "subject_en", "action_en", "body_en")}  # fmt: skip
    assert beheer.post(url, {**values, "body_en": ""}).status_code == 400
    bad = beheer.post(url, {**values, "action_nl": "Bel {telefon}."})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Onbekend invulveld in wat de huurder moet doen (Nederlands): {telefon}" in html
    assert LetterTemplate.objects.filter(code="kaartje").count() == 1
    too_long = beheer.post(url, {**values, "body_nl": "woord " * 200})
    assert too_long.status_code == 400 and "op één kaartje past" in too_long.content.decode()
    ok = beheer.post(url, {**values, "subject_nl": "Wij kwamen langs, {naam}"})
    assert ok.status_code == 302
    assert LetterTemplate.objects.filter(code="kaartje").count() == 2
    page = beheer.get(url).content.decode()
    assert "in gebruik" in page and "standaardtekst" in page
    # New cards use the new version; one made before keeps its own.
    text = pdf_text(produce(clients["centram"], case, "kaartje").content)
    assert "Wij kwamen langs, Q. Briefontvanger" in text
    assert beheer.get(reverse("cases:letter-templates")).status_code == 200
    assert clients["centram"].get(reverse("cases:letter-templates")).status_code == 403
    assert clients["centram"].post(url, values).status_code == 403


def test_text_is_escaped_and_never_a_template():
    html = paragraphs("<b>{naam}</b>\n\n{{ secret }} {% load x %}", {"naam": "<script>"})
    assert "<script>" not in html and "&lt;b&gt;&lt;script&gt;&lt;/b&gt;" in html
    assert "{% load x %}" in html.replace("&#x27;", "'")  # left as text, not run
    assert html.count("<p>") == 2
