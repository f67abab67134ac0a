"""API: landlord feedback, checks and public verification carry no personal data (issue #4)."""

import pytest
from django.urls import reverse

from meldpunt.cases.models import Instrument, Track
from meldpunt.cases.services import case_assign, case_note_add, instrument_deploy
from meldpunt.intake.services import signal_submit

from .conftest import signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(covenant, users, today):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(partner_referentie="EH-API", achternaam="Apinaam"))  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_note_add(case_id=signal.case_id, by=users["centram"], text="Schuld bij Vattenfall")
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="schuldhulpverlening"),
                      deployed_on=today, agreements="Afspraak 80 euro", first_due_on=today)  # fmt: skip
    return signal


def test_feedback_api_is_minimal_and_scoped(clients, signal, today):
    url = reverse("api-v1:signal-feedback", args=[signal.public_id])
    response = clients["eigen-haard"].get(url)
    assert response.status_code == 200 and response["API-Version"]
    body = response.json()
    assert body == {
        "referentie": "EH-API",
        "stand": "Instrument ingezet",
        "reden": "",
        "ontvangen": today.isoformat(),
        "opgepakt": today.isoformat(),
        "instrumenten": [
            {"categorie": "Schuldhulpverlening en bewind", "datum": today.isoformat()}
        ],
        "afgesloten": None,
        "geregeldeBetaling": None,  # only while or after Geregelde betaling ran (issue #15)
    }
    for secret in ("Apinaam", "Vattenfall", "80", "Damrak"):
        assert secret not in response.content.decode()
    assert clients["ymere"].get(url).status_code == 404
    assert clients["centram"].get(url).status_code == 403


def test_check_api_and_public_verification(clients, signal, client):
    url = reverse("api-v1:safeguard-check", args=[signal.public_id, "deurwaarder"])
    response = clients["eigen-haard"].post(url, {}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["antwoord"] == "toegestaan" and body["regels"] == ["B5"]
    code = body["verificatiecode"]
    verified = client.get(reverse("api-v1:verification", args=[code]))
    assert verified.status_code == 200
    assert verified.json()["referentieVerhuurder"] == "EH-API"
    assert "Apinaam" not in verified.content.decode()
    forged = client.get(reverse("api-v1:verification", args=["ZZZZ" + code[4:]]))
    assert forged.status_code == 404
    assert forged["Content-Type"] == "application/problem+json"


def test_check_api_validates_weighty_ground(clients, signal):
    url = reverse("api-v1:safeguard-check", args=[signal.public_id, "ontruiming"])
    response = clients["eigen-haard"].post(
        url, {"zwaarwegendeGrond": "ruzie"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "zwaarwegendeGrond"
    response = clients["eigen-haard"].post(
        url, {"zwaarwegendeGrond": "overlast", "onderbouwing": ""}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["regels"] == ["E7"]
    assert clients["ymere"].post(url, {}, content_type="application/json").status_code == 404
