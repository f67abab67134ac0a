"""GET /api/v1/ddas-leveringen/{maand} (issue #13, scope export): the month's DDAS v1.2
delivery of the key's own municipality, valid against the national schema, logged as one
export; only beleid's key (or beleid signed in) gets it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.reporting.ddas.reader import read_document

from .conftest import signal_data
from .reference import ddas_v12_schema

pytestmark = pytest.mark.django_db


def key_client(organisation, token_scopes) -> Client:
    _token, key = api_token_create(organisation=organisation, name="cbs", scopes=token_scopes)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def signals(covenant, users):
    amsterdam = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                              raw=signal_data(partner_referentie="EH-DDAS"))  # fmt: skip
    diemen = signal_submit(partner=covenant["woonstichting-diemen-demo"],
                           submitted_by=users["diemen-verhuurder"],
                           raw=signal_data(partner_referentie="DI-DDAS", postcode="1111 AB",
                                           achternaam="Diemenaar"))  # fmt: skip
    return {"amsterdam": amsterdam, "diemen": diemen}


def test_the_municipality_gets_its_own_months_delivery(covenant, signals, today):
    client = key_client(covenant["gemeente-amsterdam"], [scopes.EXPORT])
    response = client.get(f"/api/v1/ddas-leveringen/{today:%Y-%m}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["API-Version"] and response["Cache-Control"] == "no-store"
    raw = b"".join(response.streaming_content)
    validator = Draft202012Validator(ddas_v12_schema())
    assert [e.message for e in validator.iter_errors(json.loads(raw))] == []
    document = read_document(raw)
    assert [lv.gemeentecode for lv in document.leveringen] == ["0363"]  # Amsterdam only
    assert [s.id for s in document.leveringen[0].vroegsignalen] == [
        str(signals["amsterdam"].public_id)
    ]
    assert (
        ProcessingLogEntry.objects.filter(name="DDAS-levering via de API", action="export").count()
        == 1
    )


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "volgende", "0000-01"])
def test_a_month_that_is_not_one_is_a_clear_problem(covenant, month):
    client = key_client(covenant["gemeente-amsterdam"], [scopes.EXPORT])
    response = client.get(f"/api/v1/ddas-leveringen/{month}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "maand"


def test_a_future_month_and_other_roles_are_refused(covenant, clients, today):
    client = key_client(covenant["gemeente-amsterdam"], [scopes.EXPORT])
    future = (today.replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    response = client.get(f"/api/v1/ddas-leveringen/{future}")
    assert (
        response.status_code == 400 and "eerdere" in response.json()["invalidParams"][0]["reason"]
    )
    url = f"/api/v1/ddas-leveringen/{today:%Y-%m}"
    assert key_client(covenant["centram"], [scopes.CASEWORK]).get(url).status_code == 403
    assert key_client(covenant["eigen-haard"], [scopes.READ_FEEDBACK]).get(url).status_code == 403
    assert clients["regie"].get(url).status_code == 403  # no export permission
    assert clients["beleid"].get(url).status_code == 200
    assert Client().get(url).status_code == 401
    assert ProcessingLogEntry.objects.filter(action="export").count() == 1
