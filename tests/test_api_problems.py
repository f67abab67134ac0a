"""Every error under /api/ is application/problem+json (RFC 9457), in Dutch (issue #13).

One test per kind of error the API sends: the status, the media type, the members (type,
title, status, detail; invalidParams for field errors) and the API-Version header. Errors that
Django answers before or around a view (unknown path, trailing slash, a body too large, a
crash) are included: those came back as HTML before.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from meldpunt.accounts.services import api_token_create
from meldpunt.core import views as core_views
from meldpunt.core.api import Conflict
from meldpunt.intake.api import camel

from .conftest import signal_data

pytestmark = pytest.mark.django_db
SIGNALS = "/api/v1/signalen"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert response["API-Version"] == settings.API_VERSION
    return body


@pytest.fixture
def api(covenant) -> Client:
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="probleem")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _signal(**overrides) -> dict:
    return {camel(k): v for k, v in signal_data(**overrides).items()}


def _post(client: Client, body, **extra):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(SIGNALS, text, content_type="application/json", **extra)


def test_400_parse_error(api):
    body = assert_problem(_post(api, '{"achternaam": '), 400)
    assert "regel 1" in body["detail"]


def test_400_field_errors_name_each_field_in_invalid_params(api):
    body = assert_problem(_post(api, _signal(postcode="ABCD 12", achternaam="")), 400)
    names = {p["name"] for p in body["invalidParams"]}
    assert {"postcode", "achternaam"} <= names
    assert all(p["reason"] and p["code"] for p in body["invalidParams"])


def test_400_serializer_validation_error_has_invalid_params(clients, users, covenant):
    from meldpunt.intake.services import signal_submit

    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    response = clients["eigen-haard"].post(
        f"{SIGNALS}/{signal.public_id}/toetsen/ontruiming",
        json.dumps({"zwaarwegendeGrond": "bestaat-niet"}),
        content_type="application/json",
    )
    body = assert_problem(response, 400)
    assert body["invalidParams"][0]["name"] == "zwaarwegendeGrond"


def test_401_without_credentials_names_the_scheme():
    response = Client().get("/api/v1/organisaties")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_401_unknown_key():
    assert_problem(Client(HTTP_AUTHORIZATION="Token onzin").get("/api/v1/organisaties"), 401)


def test_403_a_role_that_may_not_submit(clients):
    assert_problem(_post(clients["beleid"], _signal()), 403)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bestaat-niet",
        "/api/bestaat-niet",
        "/api",
        "/api/v1",
        "/api/v1/",
        f"{SIGNALS}/geen-uuid",
        f"{SIGNALS}/{uuid.uuid4()}/onbekend",
    ],
)
def test_404_unknown_path_for_every_method(api, path):
    for method in ("get", "post", "put", "patch", "delete", "options"):
        body = assert_problem(getattr(api, method)(path), 404)
        assert "instance" not in body  # an unknown path is not echoed


def test_404_unknown_path_without_credentials_is_not_a_401():
    assert_problem(Client().get("/api/v1/bestaat-niet"), 404)


def test_404_trailing_slash_says_to_drop_it(api):
    body = assert_problem(api.get("/api/v1/organisaties/"), 404)
    assert "schuine streep" in body["detail"]


def test_404_a_signal_of_another_landlord(api, covenant):
    _token, key = api_token_create(organisation=covenant["ymere"], name="ander")
    created = _post(Client(HTTP_AUTHORIZATION=f"Token {key}"), _signal()).json()
    body = assert_problem(api.get(f"{SIGNALS}/{created['id']}"), 404)
    assert "Signal" not in body["detail"]  # never Django's "No Signal matches the given query"


def test_405_wrong_method_lists_the_allowed_ones(api):
    response = api.delete("/api/v1/organisaties")
    body = assert_problem(response, 405)
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


def test_409_conflict():
    class Conflicting(APIView):
        permission_classes = [AllowAny]
        authentication_classes: list = []

        def get(self, request):
            raise Conflict

    response = Conflicting.as_view()(APIRequestFactory().get("/api/v1/iets"))
    response.render()
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["title"] == "Conflict" and body["status"] == 409 and body["detail"]


@pytest.mark.parametrize("idempotency", [False, True])
def test_413_body_too_large(api, idempotency):
    extra = {"HTTP_IDEMPOTENCY_KEY": "groot"} if idempotency else {}
    too_big = json.dumps({"achternaam": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert_problem(_post(api, too_big, **extra), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
def test_415_not_json(api, content_type):
    if content_type.startswith("multipart"):
        response = api.post(SIGNALS, {"achternaam": "Jansen"})
    else:
        response = api.post(SIGNALS, "achternaam=Jansen", content_type=content_type)
    body = assert_problem(response, 415)
    assert "application/json" in body["detail"]


def test_422_idempotency_key_reused_for_another_body(api):
    assert _post(api, _signal(), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    other = _signal(partner_referentie="HC-ANDERS")
    assert_problem(_post(api, other, HTTP_IDEMPOTENCY_KEY="k-1"), 422)


def test_a_replayed_refusal_is_problem_json_again(api):
    bad = _signal(postcode="ABCD 12")
    first = assert_problem(_post(api, bad, HTTP_IDEMPOTENCY_KEY="k-2"), 400)
    again = assert_problem(_post(api, bad, HTTP_IDEMPOTENCY_KEY="k-2"), 400)
    assert again["invalidParams"] == first["invalidParams"]


def test_429_throttled_with_retry_after():
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        client = Client()
        for _ in range(2):
            assert client.get("/api/v1/bestaat-niet").status_code == 404
        response = client.get("/api/v1/bestaat-niet")
    body = assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert "seconden" in body["detail"]


def test_500_under_the_api_is_problem_json_and_says_nothing_of_the_request():
    request = RequestFactory().post(SIGNALS, {"achternaam": "Geheimenaam"})
    response = core_views.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 500 and body["detail"]
    assert "Geheimenaam" not in response.content.decode()


def test_a_bad_host_under_the_api_is_problem_json():
    response = Client(HTTP_HOST="kwaadaardig.example").get("/api/v1/organisaties")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_web_pages_keep_their_html_error_pages(clients):
    response = clients["regie"].get("/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Niet gevonden" in response.content.decode()
    bad = Client(HTTP_HOST="kwaadaardig.example").get("/")
    assert bad.status_code == 400 and "Ongeldig verzoek" in bad.content.decode()
