"""The API's lists (issue #13): GET /signalen (a partner's own, with the feedback contract),
POST /signalen/_zoek (by reference, never in a URL) and GET /zaken (a provider's assigned
cases, regie's municipality's), filtered and cursor-paged; cursors hold no personal data."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create
from meldpunt.cases.feedback import signal_feedback, with_feedback_stage
from meldpunt.cases.models import Case, Instrument, Signal
from meldpunt.cases.services import case_close, case_pick_up, instrument_deploy
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db

SURNAMES = ["Aalbers", "Bakker", "Claassen", "Dijkstra", "Evers"]


def key_client(organisation, token_scopes) -> Client:
    _token, key = api_token_create(organisation=organisation, name="lijst", scopes=token_scopes)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def submit(covenant, users, who: str, number: int, **overrides) -> Signal:
    values = {"partner_referentie": f"{who.upper()}-{number}", "achternaam": SURNAMES[number % 5],
              "huisnummer": str(10 + number), **overrides}  # fmt: skip
    raw = signal_data(**values)
    return signal_submit(partner=covenant[who], submitted_by=users[who], raw=raw)


@pytest.fixture
def signals(covenant, users, today):
    """Eigen Haard's signals in every stage of the feedback, and Ymere's."""
    own = [submit(covenant, users, "eigen-haard", n) for n in range(5)]
    case_pick_up(case_id=own[1].case_id, by=users["centram"])
    instrument_deploy(case_id=own[2].case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="schuldhulpverlening"),
                      deployed_on=today, first_due_on=today)  # fmt: skip
    case_close(case_id=own[3].case_id, by=users["centram"],
               end_result="Definitief geen contact kunnen krijgen")  # fmt: skip
    case_close(case_id=own[4].case_id, by=users["centram"],
               end_result="Niet opgepakt: andere reden")  # fmt: skip
    # Ymere signals Eigen Haard's picked-up tenant (same person, same address): it joins that
    # case and must learn nothing of it; and a tenant of its own.
    joined = signal_submit(partner=covenant["ymere"], submitted_by=users["ymere"],
                           raw=signal_data(partner_referentie="YM-1", achternaam=SURNAMES[1],
                                           huisnummer="11"))  # fmt: skip
    assert joined.case_id == own[1].case_id
    ymere = submit(covenant, users, "ymere", 7, postcode="1021 JK", achternaam="Ymerehuurder")
    return {"own": own, "joined": joined, "ymere": ymere}


def follow(client: Client, url: str) -> tuple[list[dict], list[str]]:
    """Every page of a list, following _links.next; the rows and the cursors seen."""
    rows, cursors = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["_links"]["self"]["href"]
        rows += next(iter(body["_embedded"].values()))
        url = body["_links"].get("next", {}).get("href", "")
        if url:
            cursors.append(cursor_of(url))
    return rows, cursors


def cursor_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["cursor"][0]


def test_the_stage_the_database_computes_is_the_feedback_contract(signals):
    annotated = {s.pk: s.feedback_stage for s in with_feedback_stage(Signal.objects.all())}
    stages = {s.pk: signal_feedback(s).stage for s in Signal.objects.select_related("case")}
    assert annotated == stages
    own = signals["own"]
    assert [stages[s.pk] for s in own] == [
        "Ontvangen", "Opgepakt", "Instrument ingezet", "Afgesloten", "Niet opgepakt",
    ]  # fmt: skip
    assert stages[signals["joined"].pk] == "Ontvangen"  # the other partner's case says nothing


def test_a_partner_pages_through_its_own_signals_with_their_feedback(covenant, signals):
    client = key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK])
    rows, cursors = follow(client, "/api/v1/signalen?aantal=2")
    own = signals["own"]
    assert [r["id"] for r in rows] == [str(s.public_id) for s in reversed(own)]  # newest first
    assert len(cursors) == 2
    assert rows[0] == {
        "id": str(own[4].public_id), "partnerReferentie": "EIGEN-HAARD-4",
        "signaaldatum": own[4].signal_date.isoformat(),
        "ontvangen": own[4].received_at.isoformat(), "status": "Niet opgepakt",
    }  # fmt: skip
    # A cursor is a moment and an id, signed: nothing of a person or a reference in it.
    for cursor in cursors:
        payload = base64.urlsafe_b64decode(cursor.split(":")[0] + "==").decode()
        for secret in [*SURNAMES, "EIGEN-HAARD", "Damrak", "1012"]:
            assert secret not in payload and secret not in cursor
    # Each signal shown is one read of feedback in the processing log.
    logged = ProcessingLogEntry.objects.filter(name="signal.feedback.list")
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        str(s.public_id) for s in own
    )
    # Ymere sees its two, and the one that joined Eigen Haard's case only as "Ontvangen".
    ymere = key_client(covenant["ymere"], [scopes.READ_FEEDBACK])
    rows, _ = follow(ymere, "/api/v1/signalen")
    assert {r["partnerReferentie"]: r["status"] for r in rows} == {
        "YM-1": "Ontvangen", "YMERE-7": "Ontvangen",
    }  # fmt: skip


def test_filters_on_the_feedback_stage_and_the_day_of_receipt(covenant, signals, today):
    client = key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK])
    for stage, index in (("Opgepakt", 1), ("Afgesloten", 3), ("Instrument ingezet", 2)):
        rows, _ = follow(client, f"/api/v1/signalen?status={stage}")
        assert [r["id"] for r in rows] == [str(signals["own"][index].public_id)], stage
    day = today.isoformat()
    assert (
        len(follow(client, f"/api/v1/signalen?ontvangenVanaf={day}&ontvangenTotEnMet={day}")[0])
        == 5
    )
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert follow(client, f"/api/v1/signalen?ontvangenVanaf={tomorrow}")[0] == []
    assert follow(client, f"/api/v1/signalen?ontvangenTotEnMet={yesterday}")[0] == []
    # The filters stay in the next link (they hold no personal data).
    body = client.get("/api/v1/signalen?status=Ontvangen&aantal=1").json()
    assert body["_links"].get("next") is None  # one "Ontvangen" of its own
    body = client.get(f"/api/v1/signalen?ontvangenVanaf={day}&aantal=1").json()
    assert f"ontvangenVanaf={day}" in body["_links"]["next"]["href"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=Misschien", "status"),
        ("aantal=0", "aantal"),
        ("aantal=101", "aantal"),
        ("ontvangenVanaf=31-12-2026", "ontvangenVanaf"),
        ("ontvangenVanaf=2026-12-02&ontvangenTotEnMet=2026-12-01", "ontvangenTotEnMet"),
        ("cursor=bedacht", "cursor"),
    ],
)
def test_bad_list_input_is_a_clear_problem(covenant, signals, query, field):
    client = key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK])
    response = client.get(f"/api/v1/signalen?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == [field]


def test_a_cursor_works_only_on_its_own_list_and_is_not_forged(covenant, signals, users):
    client = key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK])
    cursor = cursor_of(client.get("/api/v1/signalen?aantal=1").json()["_links"]["next"]["href"])
    provider = key_client(covenant["centram"], [scopes.CASEWORK])
    response = provider.get(f"/api/v1/zaken?cursor={cursor}")
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "cursor"
    forged = base64.urlsafe_b64encode(b'"2099-01-01T00:00:00+00:00_1"').decode().rstrip("=")
    response = client.get(f"/api/v1/signalen?cursor={forged}:{cursor.split(':', 1)[1]}")
    assert response.status_code == 400


def test_only_a_partner_with_read_feedback_lists_signals(covenant, signals, clients):
    assert (
        key_client(covenant["eigen-haard"], [scopes.SUBMIT]).get("/api/v1/signalen").status_code
        == 403
    )
    assert (
        key_client(covenant["centram"], [scopes.CASEWORK]).get("/api/v1/signalen").status_code
        == 403
    )
    assert Client().get("/api/v1/signalen").status_code == 401
    assert clients["centram"].get("/api/v1/signalen").status_code == 403
    assert clients["regie"].get("/api/v1/signalen").status_code == 403
    # A signed-in landlord user has its own list too (the same role as its key).
    assert clients["eigen-haard"].get("/api/v1/signalen").status_code == 200


def test_a_search_by_reference_is_posted_and_finds_only_own_signals(covenant, users, signals):
    # Ymere uses the same reference as one of Eigen Haard's: each finds only its own.
    submit(
        covenant,
        users,
        "ymere",
        8,
        partner_referentie="EIGEN-HAARD-2",
        postcode="1022 AB",
        achternaam="Anderhuurder",
    )
    client = key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK])
    response = client.post("/api/v1/signalen/_zoek", {"partnerReferentie": "EIGEN-HAARD-2"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["_embedded"]["signalen"]] == [str(signals["own"][2].public_id)]
    assert body["_links"] == {"self": {"href": "/api/v1/signalen/_zoek"}}
    assert "EIGEN-HAARD-2" not in str(body["_links"])
    assert ProcessingLogEntry.objects.filter(name="signal.feedback.search").count() == 1
    response = client.post("/api/v1/signalen/_zoek", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "partnerReferentie"
    provider = key_client(covenant["centram"], [scopes.CASEWORK])
    assert provider.post("/api/v1/signalen/_zoek", {"partnerReferentie": "X"},
                         content_type="application/json").status_code == 403  # fmt: skip


# --- GET /zaken --------------------------------------------------------------------------------


@pytest.fixture
def cases(covenant, users, signals):
    """Centram's five cases (Eigen Haard's signals), Doras's one (Ymere's), one in Diemen."""
    diemen = signal_submit(partner=covenant["woonstichting-diemen-demo"],
                           submitted_by=users["diemen-verhuurder"],
                           raw=signal_data(partner_referentie="DI-1", postcode="1111 AB"))  # fmt: skip
    return {
        "centram": [s.case for s in signals["own"]],
        "doras": signals["ymere"].case,
        "diemen": diemen.case,
    }


def test_a_provider_lists_the_cases_assigned_to_it(covenant, cases):
    client = key_client(covenant["centram"], [scopes.CASEWORK])
    rows, cursors = follow(client, "/api/v1/zaken?aantal=2")
    assert sorted(r["id"] for r in rows) == sorted(str(c.public_id) for c in cases["centram"])
    assert len(rows) == len({r["id"] for r in rows}) == 5 and len(cursors) == 2
    first = next(r for r in rows if r["id"] == str(cases["centram"][1].public_id))
    assert first["status"] == "opgepakt" and first["uitvoerder"] == "centram"
    assert first["_links"]["self"]["href"] == f"/api/v1/zaken/{cases['centram'][1].public_id}"
    text = str(rows)
    for secret in [*SURNAMES, "Damrak", "EIGEN-HAARD"]:
        assert secret not in text  # a list holds no personal data
    logged = ProcessingLogEntry.objects.filter(name="case.list")
    assert logged.count() == 5
    # Doras sees only Doras's case; a landlord's key and signed-in landlord users none.
    doras = key_client(covenant["doras"], [scopes.CASEWORK])
    assert [r["id"] for r in follow(doras, "/api/v1/zaken")[0]] == [str(cases["doras"].public_id)]
    assert (
        key_client(covenant["centram"], [scopes.OUTCOMES]).get("/api/v1/zaken").status_code == 403
    )
    assert (
        key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK]).get("/api/v1/zaken").status_code
        == 403
    )


def test_regie_lists_its_municipalitys_cases_and_nothing_of_another(clients, cases):
    rows, _ = follow(clients["regie"], "/api/v1/zaken")
    ids = {r["id"] for r in rows}
    assert ids == {str(c.public_id) for c in [*cases["centram"], cases["doras"]]}
    rows, _ = follow(clients["diemen-regie"], "/api/v1/zaken")
    assert [r["id"] for r in rows] == [str(cases["diemen"].public_id)]
    assert clients["eigen-haard"].get("/api/v1/zaken").status_code == 403
    assert clients["beleid"].get("/api/v1/zaken").status_code == 403


def test_case_filters_status_route_queue_and_overdue(covenant, clients, cases, today):
    client = key_client(covenant["centram"], [scopes.CASEWORK])
    centram = cases["centram"]

    def ids(query: str) -> set[str]:
        return {r["id"] for r in follow(client, f"/api/v1/zaken?{query}")[0]}

    assert ids("status=afgesloten") == {str(centram[3].public_id), str(centram[4].public_id)}
    assert ids("status=toegewezen") == {str(centram[0].public_id)}
    assert ids("route=vroeg-eropaf") == {str(c.public_id) for c in centram}
    assert ids("route=geregelde-betaling") == set()
    Case.objects.filter(pk=centram[0].pk).update(due_on=today - timedelta(days=1))
    Case.objects.filter(pk=centram[1].pk).update(due_on=today + timedelta(days=3))
    assert ids("termijnVerstreken=true") == {str(centram[0].public_id)}
    assert len(ids("termijnVerstreken=false")) == 5
    Case.objects.filter(pk=centram[2].pk).update(queue="Hoge achterstand")
    assert ids("werkbak=Hoge achterstand") == {str(centram[2].public_id)}
    # By deadline: overdue first; by receipt: newest first.
    rows = follow(client, "/api/v1/zaken?status=toegewezen&status=opgepakt")[0]
    order = [r["id"] for r in follow(client, "/api/v1/zaken")[0]]
    assert order[:2] == [str(centram[0].public_id), str(centram[1].public_id)]
    newest = [r["id"] for r in follow(client, "/api/v1/zaken?sortering=ontvangen&aantal=2")[0]]
    assert newest == [str(c.public_id) for c in reversed(centram)]
    assert rows  # a repeated parameter takes one value, never a 500


def test_a_cursor_belongs_to_its_sort_order(covenant, cases):
    client = key_client(covenant["centram"], [scopes.CASEWORK])
    cursor = cursor_of(client.get("/api/v1/zaken?aantal=1").json()["_links"]["next"]["href"])
    response = client.get(f"/api/v1/zaken?sortering=ontvangen&cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "cursor"
    for bad in ("status=weg", "route=lopen", "sortering=naam", "aantal=x", "termijnVerstreken=ja?"):
        response = client.get(f"/api/v1/zaken?{bad}")
        assert response.status_code == 400, bad
        assert response["Content-Type"] == "application/problem+json"
