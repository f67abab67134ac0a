"""The provider's case work over the API (issue #13): one case with its tenant and work,
contact attempts, instruments (deploy, end), events and closing with a result — the case
services behind the screens, so the same transition rules; scoped like the case page; every
read in the processing log; every refusal a problem with nothing saved."""

from __future__ import annotations

import pytest
from django.test import Client

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create
from meldpunt.cases.models import Case, ContactAttempt, InstrumentDeployment, InstrumentEvent
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def key_client(organisation, token_scopes) -> Client:
    _token, key = api_token_create(organisation=organisation, name="werk", scopes=token_scopes)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def signal(covenant, users):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(partner_referentie="EH-WERK", achternaam="Werkhuurder"))  # fmt: skip
    assert signal.case.provider == covenant["centram"] and signal.case.status == "toegewezen"
    return signal


@pytest.fixture
def centram(covenant):
    return key_client(covenant["centram"], [scopes.CASEWORK])


def post(client: Client, url: str, body) -> tuple[int, dict]:
    response = client.post(url, body, content_type="application/json")
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json", response.content
    return response.status_code, response.json()


def invalid(body: dict) -> list[str]:
    return [p["name"] for p in body.get("invalidParams", [])]


def status_of(signal) -> str:
    return Case.objects.get(pk=signal.case_id).status


def test_a_provider_reads_its_case_with_the_tenant_and_every_read_is_logged(
    signal, centram, covenant, clients
):
    url = f"/api/v1/zaken/{signal.case.public_id}"
    response = centram.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["huurder"]["achternaam"] == "Werkhuurder"
    assert body["huurder"]["postcode"] == "1012LG"
    assert body["signalen"][0]["signaalpartner"] == "eigen-haard"
    assert body["signalen"][0]["achterstandBedrag"]
    assert body["status"] == "toegewezen" and body["contactpogingen"] == []
    logged = ProcessingLogEntry.objects.filter(name="case.api_view")
    assert list(logged.values_list("data_subject_id", flat=True)) == [str(signal.case.subject_id)]
    # Another provider, a landlord's key, Diemen's regie: nothing of it.
    assert key_client(covenant["doras"], [scopes.CASEWORK]).get(url).status_code == 404
    assert key_client(covenant["centram"], [scopes.OUTCOMES]).get(url).status_code == 403
    assert key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK]).get(url).status_code == 403
    assert clients["diemen-regie"].get(url).status_code == 404
    assert clients["regie"].get(url).status_code == 200
    assert clients["eigen-haard"].get(url).status_code == 403
    assert Client().get(url).status_code == 401
    assert logged.count() == 2  # the provider's key and regie; the refusals read nothing


def test_contact_attempts_pick_the_case_up_and_reach_the_tenant(signal, centram, today, covenant):
    url = f"/api/v1/zaken/{signal.case.public_id}/contactpogingen"
    attempt = {"soort": "Telefoon", "bereikt": False, "datum": today.isoformat(),
               "dagdeel": "Ochtend"}  # fmt: skip
    code, body = post(centram, url, attempt)
    assert code == 201 and body["soort"] == "Telefoon" and body["organisatie"] == "centram"
    assert status_of(signal) == "opgepakt"  # the first attempt picks an assigned case up
    code, body = post(centram, url, {**attempt, "bereikt": True, "dagdeel": "Middag"})
    assert code == 201 and status_of(signal) == "in-contact"
    listed = centram.get(url).json()["_embedded"]["contactpogingen"]
    assert [(a["dagdeel"], a["bereikt"]) for a in listed] == [("Ochtend", False), ("Middag", True)]
    # Bad input: a clear problem per field, nothing saved.
    before = ContactAttempt.objects.count()
    tomorrow = today.replace(year=today.year + 1).isoformat()
    for bad, field in (
        ({**attempt, "datum": tomorrow}, "datum"),
        ({**attempt, "soort": "Duif"}, "soort"),
        ({**attempt, "dagdeel": "Nacht"}, "dagdeel"),
        ({k: v for k, v in attempt.items() if k != "bereikt"}, "bereikt"),
        ({**attempt, "datum": "3-12-2026"}, "datum"),
    ):
        code, body = post(centram, url, bad)
        assert code == 400 and invalid(body) == [field], (bad, body)
        assert (
            field != "datum"
            or "JJJJ-MM-DD" in body["invalidParams"][0]["reason"]
            or ("toekomst" in body["invalidParams"][0]["reason"])
        )
    code, body = post(centram, url, ["niet", "een", "object"])
    assert code == 400
    doras = key_client(covenant["doras"], [scopes.CASEWORK])
    assert post(doras, url, attempt)[0] == 404
    assert ContactAttempt.objects.count() == before


def test_instruments_events_and_closing_follow_the_transition_table(
    signal, centram, today, clients
):
    case_url = f"/api/v1/zaken/{signal.case.public_id}"
    deploy = {"instrument": "schuldhulpverlening", "datum": today.isoformat(),
              "eersteVervaldatum": today.isoformat(), "afspraken": "Aflossen 50 per maand"}  # fmt: skip
    for bad, field in (
        ({**deploy, "instrument": "bestaat-niet"}, "instrument"),
        ({**deploy, "instrument": "vroeg-eropaf"}, "instrument"),  # counts through attempts
        ({**deploy, "instrument": "betalingsregeling-verhuurder"}, "instrument"),  # landlords'
        ({k: v for k, v in deploy.items() if k != "eersteVervaldatum"}, "eersteVervaldatum"),
    ):
        code, body = post(centram, f"{case_url}/instrumenten", bad)
        assert code == 400 and invalid(body) == [field], (bad, body)
    assert InstrumentDeployment.objects.count() == 0 and status_of(signal) == "toegewezen"
    code, deployed = post(centram, f"{case_url}/instrumenten", deploy)
    assert code == 201 and deployed["categorie"] == "schuldhulp"
    assert status_of(signal) == "instrument-ingezet"
    # The landlord learns the category and date, never the agreements.
    feedback = clients["eigen-haard"].get(f"/api/v1/signalen/{signal.public_id}/terugkoppeling")
    assert feedback.json()["stand"] == "Instrument ingezet"
    assert "Aflossen" not in feedback.content.decode()

    events = f"{case_url}/gebeurtenissen"
    code, body = post(centram, events, {"soort": "nagekomen", "datum": today.isoformat()})
    assert code == 400 and invalid(body) == ["inzet"]
    code, body = post(centram, events, {"soort": "nagekomen", "datum": today.isoformat(),
                                        "inzet": deployed["id"]})  # fmt: skip
    assert code == 201 and body["inzet"] == deployed["id"]
    assert status_of(signal) == "afspraken-gevolgd"
    code, body = post(centram, events, {"soort": "geweigerd", "datum": today.isoformat()})
    assert code == 201 and body["inzet"] is None
    code, body = post(centram, events, {"soort": "verbroken", "datum": today.isoformat(),
                                        "inzet": "00000000-0000-0000-0000-000000000000"})  # fmt: skip
    assert code == 400 and invalid(body) == ["inzet"]
    listed = centram.get(events).json()["_embedded"]["gebeurtenissen"]
    assert [e["soort"] for e in listed] == ["nagekomen", "geweigerd"]

    end = f"{case_url}/instrumenten/{deployed['id']}/beeindiging"
    code, body = post(centram, end, {"datum": today.isoformat()})
    assert code == 200 and body["beeindigdOp"] == today.isoformat()
    code, body = post(centram, end, {"datum": today.isoformat()})
    assert code == 409 and "al beëindigd" in body["detail"]
    assert centram.post(f"{case_url}/instrumenten/{signal.public_id}/beeindiging",
                        {"datum": today.isoformat()},
                        content_type="application/json").status_code == 404  # fmt: skip

    close = f"{case_url}/afsluiting"
    code, body = post(centram, close, {"eindresultaat": "Aan de kant"})
    assert code == 400 and invalid(body) == ["eindresultaat"]
    code, body = post(centram, close, {"eindresultaat": "(Budget)advies en/of quick fix",
                                       "verwachteStatus": "opgepakt"})  # fmt: skip
    assert code == 409 and status_of(signal) == "afspraken-gevolgd"  # it moved on: nothing saved
    code, body = post(centram, close, {"eindresultaat": "(Budget)advies en/of quick fix"})
    assert code == 200 and body["status"] == "afgesloten" and body["afgesloten"]
    assert body["eindresultaat"] == "(Budget)advies en/of quick fix"
    # Closed: no more work, each refusal a 409 with the reason, nothing saved.
    code, body = post(centram, close, {"eindresultaat": "(Budget)advies en/of quick fix"})
    assert code == 409
    code, body = post(centram, f"{case_url}/contactpogingen", {"soort": "Telefoon",
                      "bereikt": False, "datum": today.isoformat(), "dagdeel": "Ochtend"})  # fmt: skip
    assert code == 409 and "afgesloten" in body["detail"]
    assert InstrumentEvent.objects.count() == 2
    feedback = clients["eigen-haard"].get(f"/api/v1/signalen/{signal.public_id}/terugkoppeling")
    assert feedback.json()["stand"] == "Afgesloten"


def test_a_case_not_yet_assigned_cannot_be_worked(covenant, users, clients, today):
    """Regie signed in may work cases too (as on screen); one waiting for triage is a 409."""
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(partner_referentie="EH-WACHT", achternaam="Wachthuurder",
                                           postcode="1055 AA"))  # fmt: skip
    Case.objects.filter(pk=signal.case_id).update(status="ontvangen", provider=None)
    url = f"/api/v1/zaken/{signal.case.public_id}/contactpogingen"
    code, body = post(clients["regie"], url, {"soort": "Telefoon", "bereikt": False,
                                              "datum": today.isoformat(), "dagdeel": "Ochtend"})  # fmt: skip
    assert code == 409 and "toegewezen" in body["detail"]


def test_regie_assigns_a_case_with_the_triage_rules(signal, covenant, clients, users, centram):
    url = f"/api/v1/zaken/{signal.case.public_id}/toewijzing"
    Case.objects.filter(pk=signal.case_id).update(status="ontvangen", provider=None)
    # The district's provider needs no reason; another one does.
    code, body = post(clients["regie"], url, {"route": "vroeg-eropaf", "uitvoerder": "centram"})
    assert code == 200 and body["status"] == "toegewezen" and body["uitvoerder"] == "centram"
    code, body = post(clients["regie"], url, {"route": "vroeg-eropaf", "uitvoerder": "doras"})
    assert code == 400 and invalid(body) == ["reden"]
    for bad, field in (({"route": "vroeg-eropaf", "uitvoerder": "eigen-haard"}, "uitvoerder"),
                       ({"route": "vroeg-eropaf"}, "uitvoerder"),
                       ({"route": "ergens-heen"}, "route")):  # fmt: skip
        code, body = post(clients["regie"], url, bad)
        assert code == 400 and invalid(body) == [field], (bad, body)
    assert Case.objects.get(pk=signal.case_id).provider == covenant["centram"]  # nothing saved
    # Only regie: not a provider (signed in or by key), not another municipality's regie.
    assert post(clients["centram"], url, {"route": "geregelde-betaling"})[0] == 403
    assert post(centram, url, {"route": "geregelde-betaling"})[0] == 403
    assert post(clients["diemen-regie"], url, {"route": "geregelde-betaling"})[0] == 404
    code, body = post(clients["regie"], url, {"route": "vroeg-eropaf", "uitvoerder": "doras",
                                              "reden": "Huurder werkt in Noord"})  # fmt: skip
    assert code == 200 and body["uitvoerder"] == "doras"
    assert Case.objects.get(pk=signal.case_id).routing_reason == "handmatig: Huurder werkt in Noord"
    code, body = post(clients["regie"], url, {"route": "geregelde-betaling"})
    assert code == 200 and body["route"] == "geregelde-betaling" and body["uitvoerder"] is None
    close = f"/api/v1/zaken/{signal.case.public_id}/afsluiting"
    assert post(clients["regie"], close, {"eindresultaat": "Niet opgepakt: andere reden"})[0] == 200
    code, body = post(clients["regie"], url, {"route": "geregelde-betaling"})
    assert code == 409 and "niet meer worden toegewezen" in body["detail"]
