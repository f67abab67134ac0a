"""POST /api/v1/signalen: tokens, single and batch, idempotency, status read-back (issue #3)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from meldpunt.accounts.services import api_token_create, api_token_revoke
from meldpunt.cases.models import Signal
from meldpunt.intake.api import camel
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/signalen"


def api_signal(**overrides):
    return {camel(k): v for k, v in signal_data(**overrides).items()}


@pytest.fixture
def api(covenant):
    token, key = api_token_create(organisation=covenant["eigen-haard"], name="huuradministratie")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    client.token = token
    return client


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_single_signal_is_created_and_logged_to_the_token_user(api):
    response = post(api, api_signal())
    assert response.status_code == 201, response.content
    assert response["API-Version"]
    body = response.json()
    assert body["status"] == "Ontvangen" and body["alEerderOntvangen"] is False
    signal = Signal.objects.get(public_id=body["id"])
    assert signal.channel == "api" and signal.submitted_by == api.token.user
    assert ProcessingLogEntry.objects.get().actor == api.token.user


def test_read_back_status_by_own_landlord_only(api, covenant):
    body = post(api, api_signal()).json()
    got = api.get(f"{URL}/{body['id']}").json()
    assert got["status"] == "Ontvangen" and got["partnerReferentie"] == "HC-000123"
    assert "achternaam" not in json.dumps(got)
    _token, other_key = api_token_create(organisation=covenant["ymere"], name="x")
    other = Client(HTTP_AUTHORIZATION=f"Token {other_key}")
    assert other.get(f"{URL}/{body['id']}").status_code == 404


def test_invalid_signal_is_a_problem_json_with_camel_case_names(api):
    response = post(api, api_signal(achternaam="", postcode="9999ZZ"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"achternaam", "postcode"}
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("field, code", [("bsn", "forbidden"), ("inkomen", "unknown")])
def test_fields_outside_the_format_are_refused(api, field, code):
    body = api_signal()
    body[field] = "123456782"
    response = post(api, body)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == code
    assert Signal.objects.count() == 0


def test_batch(api):
    body = {
        "signalen": [api_signal(), api_signal(partner_referentie="B2", achternaam=""), {"bsn": "1"}]
    }
    response = post(api, body)
    assert response.status_code == 200
    result = response.json()
    assert (result["geaccepteerd"], result["geweigerd"]) == (1, 2)
    assert [r["status"] for r in result["resultaten"]] == ["accepted", "refused", "refused"]
    assert Signal.objects.count() == 1


def test_repeated_call_without_key_creates_no_duplicate(api):
    first = post(api, api_signal()).json()
    second = post(api, api_signal())
    assert second.status_code == 200 and second.json()["id"] == first["id"]
    assert second.json()["alEerderOntvangen"] is True
    assert Signal.objects.count() == 1


def test_idempotency_key_same_body_same_answer(api):
    first = post(api, api_signal(), HTTP_IDEMPOTENCY_KEY="abc-1")
    second = post(api, api_signal(), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Signal.objects.count() == 1


def test_idempotency_key_other_body_is_422(api):
    post(api, api_signal(), HTTP_IDEMPOTENCY_KEY="abc-2")
    response = post(api, api_signal(achterstand_bedrag="999"), HTTP_IDEMPOTENCY_KEY="abc-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Signal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_with_the_same_key_give_one_signal(covenant):
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="x")
    barrier = threading.Barrier(2)
    answers = []

    def call():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {key}")
            barrier.wait()
            answers.append(post(client, api_signal(), HTTP_IDEMPOTENCY_KEY="same").json())
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 2 and answers[0]["id"] == answers[1]["id"]
    assert Signal.objects.count() == 1


def test_unknown_or_revoked_token_is_401(api):
    assert Client(HTTP_AUTHORIZATION="Token nope").post(URL, {}).status_code == 401
    api_token_revoke(token=api.token)
    response = post(api, api_signal())
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_provider_session_may_not_submit(clients):
    response = post(clients["centram"], api_signal())
    assert response.status_code == 403


def test_only_landlords_get_tokens(covenant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(organisation=covenant["centram"], name="x")


def test_openapi_follows_the_nl_api_conventions(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = list(spec["paths"])
    assert "/signalen" in paths and "/signalen/{signaalId}" in paths
    # kebab-case segments, camelCase path parameters, no trailing slash
    assert all(not p.endswith("/") for p in paths)
    assert all(s == s.lower() for p in paths for s in p.split("/") if not s.startswith("{"))
    schemas = spec["components"]["schemas"]
    props = next(v for k, v in schemas.items() if k.startswith("SignaalAanlevering"))["properties"]
    assert "partnerReferentie" in props and "achterstandBedrag" in props
    assert all("_" not in name for name in props)


def test_api_is_rate_limited_for_anonymous_callers(client, settings):
    from meldpunt.core.throttling import VerificationThrottle

    rate = VerificationThrottle().get_rate()
    limit = int(rate.split("/")[0])
    codes = [client.get("/api/v1/verificaties/ONGELDIG").status_code for _ in range(limit + 1)]
    assert codes[-1] == 429 and 429 not in codes[:limit]
