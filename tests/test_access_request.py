"""Access request (inzageverzoek, AVG art. 15; convenant art. 9.2) (issue #5).

The export holds all of one person's data and nothing of anyone else: a housemate in the same
household (same case), a neighbour in the same postcode and someone elsewhere.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse

from meldpunt.cases.models import Case, Instrument, Signal
from meldpunt.cases.services import (
    case_note_add,
    contact_attempt_record,
    instrument_deploy,
    instrument_event_record,
)
from meldpunt.cases.vocabulary import ContactKind, PartOfDay
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.safeguards.services import safeguard_check_ask

from .conftest import ROLE_USERS, signal_data
from .test_accessibility import check_page

pytestmark = pytest.mark.django_db

SEARCH = reverse("dataprotection:access-request")
EXPORT = reverse("dataprotection:access-request-export")


def submit(covenant, users, **overrides) -> Signal:
    return signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
        raw=signal_data(**overrides),
    )  # fmt: skip


@pytest.fixture
def people(covenant, users, today):
    """Anna (two signals, a worked case), her housemate, a neighbour and someone elsewhere."""
    anna = submit(
        covenant, users, partner_referentie="EH-ANNA-1", voorletters="A.", achternaam="Aalberts",
        geboortedatum="1970-01-02", telefoonnummer="0611111111", email="anna@example.org",
        medehuurder_voorletters="H.", medehuurder_achternaam="Huisgenootsma",
        medehuurder_geboortedatum="1990-03-04",
    )  # fmt: skip
    housemate = submit(
        covenant, users, partner_referentie="EH-HUIS-1", voorletters="H.",
        achternaam="Huisgenootsma", geboortedatum="1990-03-04", telefoonnummer="0622222222",
        email="huisgenoot@example.org", achterstand_bedrag="2.000,00",
    )  # fmt: skip
    neighbour = submit(
        covenant, users, partner_referentie="EH-BUUR-1", voorletters="B.", achternaam="Buurman",
        geboortedatum="1985-05-06", huisnummer="14", telefoonnummer="0633333333",
        email="buur@example.org",
    )  # fmt: skip
    elsewhere = submit(
        covenant, users, partner_referentie="EH-ELDERS-1", voorletters="E.", achternaam="Elders",
        geboortedatum="1960-07-08", postcode="1021 AB", huisnummer="3", straat="Elders",
        telefoonnummer="0644444444", email="elders@example.org",
    )  # fmt: skip
    assert housemate.case_id == anna.case_id  # her co-tenant: one case per household
    assert neighbour.case_id != anna.case_id
    centram = users["centram"]
    attempt = contact_attempt_record(
        case_id=anna.case_id, by=centram, kind=ContactKind.HOME_VISIT, reached=True, on=today,
        part_of_day=PartOfDay.MORNING,
    )  # fmt: skip
    note = case_note_add(case_id=anna.case_id, by=centram, text="Schuld bij zorgverzekeraar")
    deployment = instrument_deploy(
        case_id=anna.case_id, by=centram, instrument=Instrument.objects.get(code="budgetbeheer"),
        deployed_on=today, agreements="Elke maand op de 1e betalen", first_due_on=today,
    )  # fmt: skip
    event = instrument_event_record(
        case_id=anna.case_id, by=centram, kind="nagekomen", on=today,
        deployment_id=deployment.pk,
    )  # fmt: skip
    check = safeguard_check_ask(
        tenancy_id=anna.tenancy_id, by=users["eigen-haard"], question="deurwaarder"
    )
    contact_attempt_record(
        case_id=neighbour.case_id, by=centram, kind=ContactKind.PHONE, reached=False, on=today,
        part_of_day=PartOfDay.MORNING,
    )  # fmt: skip
    case_note_add(case_id=neighbour.case_id, by=centram, text="Geheim van de buurman")
    # A second signal of Anna (another landlord reference, higher amount).
    anna2 = submit(
        covenant, users, partner_referentie="EH-ANNA-2", voorletters="A.", achternaam="Aalberts",
        geboortedatum="1970-01-02", achterstand_bedrag="3.000,00",
    )  # fmt: skip
    return {
        "anna": [anna, anna2], "housemate": housemate, "neighbour": neighbour,
        "elsewhere": elsewhere, "attempt": attempt, "note": note, "deployment": deployment,
        "event": event, "check": check,
    }  # fmt: skip


def search(client, **data):
    return client.post(SEARCH, data)


def export_json(client, subject_id) -> dict:
    response = client.post(EXPORT, {"persoon": subject_id, "formaat": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_search_by_name_and_birth_date_finds_the_person(clients, people):
    response = search(clients["privacy"], achternaam="aalberts", geboortedatum="1970-01-02")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Aalberts" in html and "Huisgenootsma" not in html and "Buurman" not in html
    check_page(html)
    assert str(people["anna"][0].person.subject_id) in html  # the export button's key
    assert ProcessingLogEntry.objects.filter(
        name="access_request.search", data_subject_id=str(people["anna"][0].subject_id)
    ).exists()


def test_search_by_address_finds_the_household(clients, people):
    html = search(clients["privacy"], postcode="1012lg", huisnummer="12").content.decode()
    assert "Aalberts" in html and "Huisgenootsma" in html
    assert "Buurman" not in html and "Elders" not in html


def test_an_incomplete_search_is_an_accessible_error(clients, people):
    response = search(clients["privacy"], achternaam="Aalberts")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="foutmeldingen"' in html
    check_page(html)


def test_export_holds_all_of_the_person_and_nothing_of_anyone_else(clients, people):
    anna, anna2 = people["anna"]
    data = export_json(clients["privacy"], str(anna.person.subject_id))
    text = json.dumps(data, ensure_ascii=False)

    # All of Anna: both signals with details, the case and everything recorded on it.
    assert {s["id"] for s in data["signalen"]} == {str(anna.public_id), str(anna2.public_id)}
    for value in ("Aalberts", "1970-01-02", "0611111111", "anna@example.org", "EH-ANNA-1",
                  "EH-ANNA-2", "Damrak"):  # fmt: skip
        assert value in text, value
    case = Case.objects.get(pk=anna.case_id)
    assert [c["id"] for c in data["zaken"]] == [str(case.public_id)]
    for obj in ("attempt", "note", "deployment", "event", "check"):
        assert str(people[obj].public_id) in text, obj
    assert "Schuld bij zorgverzekeraar" in text and "Elke maand op de 1e betalen" in text
    assert len(data["toetsen_sluitende_aanpak"]) == 1
    logged_subjects = {line["betrokkene"] for line in data["verwerkingslog"]}
    assert logged_subjects == {str(anna.subject_id), str(anna2.subject_id), str(case.subject_id)}
    assert any(line["naam"].startswith("signal.receive") for line in data["verwerkingslog"])
    assert any(line["naam"] == "case_note.add" for line in data["verwerkingslog"])

    # Nothing of anyone else: housemate (same case), neighbour (same postcode), elsewhere.
    for key in ("housemate", "neighbour", "elsewhere"):
        other = people[key]
        assert str(other.public_id) not in text, key
        assert str(other.subject_id) not in text, key
        assert other.partner_reference not in text, key
    for value in ("Huisgenootsma", "1990-03-04", "0622222222", "huisgenoot@example.org",
                  "Buurman", "0633333333", "buur@example.org", "Geheim van de buurman",
                  "Elders", "0644444444", "elders@example.org"):  # fmt: skip
        assert value not in text, value
    neighbour_case = Case.objects.get(pk=people["neighbour"].case_id)
    assert str(neighbour_case.public_id) not in text


def test_the_export_is_logged_and_the_html_version_is_readable(clients, people, users):
    anna = people["anna"][0]
    response = clients["privacy"].post(
        EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "html"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="nl"' in html
    assert "Aalberts" in html and "Schuld bij zorgverzekeraar" in html
    assert "(AVG art. 15; convenant art. 9.2)." in html  # the legal basis of the export
    assert "Huisgenootsma" not in html and "Buurman" not in html
    exports = ProcessingLogEntry.objects.filter(action="export", actor=users["privacy"])
    assert {e.name for e in exports} == {"access_request.export.html"}
    assert str(anna.subject_id) in {e.data_subject_id for e in exports}
    assert "Aalberts" not in str(list(exports.values_list("fields", flat=True)))


def test_no_name_in_a_url_and_search_only_by_post(clients, people):
    # A GET never searches (the form is POST only), so nobody is found or shown.
    response = clients["privacy"].get(
        SEARCH, {"achternaam": "Aalberts", "geboortedatum": "1970-01-02"}
    )
    assert response.status_code == 200 and 'id="resultaat"' not in response.content.decode()
    assert not ProcessingLogEntry.objects.filter(name="access_request.search").exists()
    form = response.content.decode().split("<main")[1]
    assert 'method="post"' in form and 'method="get"' not in form
    assert clients["privacy"].get(EXPORT).status_code == 405


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_only_the_privacy_officer_may_search_or_export(role, clients, people):
    anna = people["anna"][0]
    expected = 200 if role == "privacy" else 403
    client = clients[role]
    assert client.get(SEARCH).status_code == expected
    assert search(client, achternaam="Aalberts", geboortedatum="1970-01-02").status_code == (
        expected
    )
    response = client.post(EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "json"})
    assert response.status_code == expected
    if role != "privacy":
        assert b"Aalberts" not in response.content


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_only_privacy_officer_and_beheer_see_the_retention_screen(role, clients):
    expected = 200 if role in ("privacy", "beheer") else 403
    assert clients[role].get(reverse("dataprotection:retention")).status_code == expected


def test_retention_screen_changes_a_period(clients, users):
    response = clients["beheer"].post(
        reverse("dataprotection:retention"),
        {"categorie": "zaak-afgesloten", "termijn": "24", "eenheid": "maanden"},
    )
    assert response.status_code == 302
    page = clients["beheer"].get(reverse("dataprotection:retention")).content.decode()
    assert "24 maanden" in page and "beheer@test.example" in page
    bad = clients["beheer"].post(
        reverse("dataprotection:retention"), {"categorie": "x", "termijn": "0"}
    )
    assert bad.status_code == 400 and 'id="foutmeldingen"' in bad.content.decode()


def test_search_and_export_write_no_personal_data_to_any_log(caplog, clients, people):
    from .test_hardening import _all_loggers_at_debug, _captured

    _all_loggers_at_debug(caplog)
    client = clients["privacy"]
    search(client, achternaam="Aalberts", geboortedatum="1970-01-02")
    search(client, postcode="1012 LG", huisnummer="12")
    for file_format in ("json", "html"):
        client.post(
            EXPORT, {"persoon": str(people["anna"][0].person.subject_id), "formaat": file_format}
        )
    text = _captured(caplog)
    for value in ("Aalberts", "1970-01-02", "0611111111", "anna@example.org", "Damrak",
                  "Huisgenootsma", "Schuld bij zorgverzekeraar", "1012LG", "1012 LG"):  # fmt: skip
        assert value not in text, value


def test_the_export_is_also_a_readable_pdf(clients, people, users):
    anna = people["anna"][0]
    response = clients["privacy"].post(
        EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith('.pdf"')
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Aalberts" in text and "Huisgenootsma" not in text and "Buurman" not in text
    assert ProcessingLogEntry.objects.filter(
        name="access_request.export.pdf", actor=users["privacy"]
    ).exists()


def test_the_co_tenant_gets_what_a_signal_says_about_them_and_nothing_of_the_tenant(
    clients, people
):
    housemate = people["housemate"]
    data = export_json(clients["privacy"], str(housemate.person.subject_id))
    text = json.dumps(data, ensure_ascii=False)
    [mention] = data["genoemd_als_medehuurder"]
    assert mention["medehuurder"]["medehuurder_achternaam"] == "Huisgenootsma"
    assert "Aalberts" not in text and "0611111111" not in text and "anna@example.org" not in text


# --- the answer as a letter a citizen can read (issue #12) ------------------------------------

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}")


def _letter_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_letter_has_dutch_dates_field_labels_and_no_internal_ids_or_times(
    clients, people, today
):
    anna = people["anna"][0]
    response = clients["privacy"].post(
        EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "html"}
    )
    html = response.content.decode()
    text = _letter_text(html)
    # addressed to the citizen, in words they use
    assert "Uw gegevens in het Centraal Meldpunt" in text and "omdat u heeft gevraagd" in text
    for label in ("Referentie verhuurder", "Geboortedatum", "E-mailadres", "Achterstand (bedrag)",
                  "Poging tot persoonlijk contact", "Huurder geïnformeerd over doorgeven"):  # fmt: skip
        assert f"<dt>{label}</dt>" in html, label
    assert "<dt>Email</dt>" not in html and "achterstand_bedrag" not in html
    # Dutch dates and amounts, postcode as written on a letter, status names not codes
    assert "02-01-1970" in text and "€ 1.234,56" in text and "1012 LG" in text
    assert f"Zaak geopend op {today:%d-%m-%Y}" in text
    assert "Toegewezen aan uitvoerder" in text and "instrument-ingezet" not in text
    assert "(ochtend): Huisbezoek, bereikt" in text
    # no internal ids, pseudonyms, register versions, action names or times of day
    assert not UUID.search(text), UUID.search(text)
    assert not TIME_OF_DAY.search(text), TIME_OF_DAY.search(text)
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert "(v1)" not in text and "signal.receive" not in text and "case_note" not in text
    # the note for the privacy officer is on the screen, not in the letter
    assert "controleer dit vóór verstrekking" not in text.lower()
    assert (
        "Controleer vóór verstrekking"
        in search(
            clients["privacy"], achternaam="Aalberts", geboortedatum="1970-01-02"
        ).content.decode()
    )


def test_the_pdf_letter_reads_the_same(clients, people):
    anna = people["anna"][0]
    response = clients["privacy"].post(
        EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "pdf"}
    )
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "02-01-1970" in text and "Geboortedatum" in text and "E-mailadres" in text
    assert not UUID.search(text) and not TIME_OF_DAY.search(text) and not ISO_DATE.search(text)


def test_the_letter_in_english_has_english_labels(clients, people):
    client = clients["privacy"]
    client.cookies["django_language"] = "en"
    anna = people["anna"][0]
    html = client.post(
        EXPORT, {"persoon": str(anna.person.subject_id), "formaat": "html"}
    ).content.decode()
    assert '<html lang="en">' in html
    assert "Your data in the Centraal Meldpunt" in html and "<dt>Date of birth</dt>" in html
    assert "02-01-1970" in html  # dd-mm-jjjj in every language
