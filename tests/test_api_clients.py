"""API clients per organisation: named keys stored hashed, with an end date and scopes, made
and revoked on screen by the organisation's own admin; every use under the key's name in the
processing log (issue #13, docs/adr/0105-api-clients.md)."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.models import ApiToken
from meldpunt.accounts.scopes import LEGACY_SCOPES, READ_FEEDBACK, SUBMIT
from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.intake.api import camel
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import PASSWORD, mfa_client, signal_data

pytestmark = pytest.mark.django_db
PAGE = "/organisatie/api-koppelingen"
KEY = re.compile(r"<code>([A-Za-z0-9_-]{40,})</code>")


@pytest.fixture
def admins(covenant):
    made = {
        slug: user_create(
            email=f"beheer-{slug}@test.example",
            organisation=covenant[slug],
            roles=[role],
            password=PASSWORD,
        )
        for slug, role in (
            ("eigen-haard", "beheerder-partner"),
            ("ymere", "beheerder-partner"),
            ("centram", "beheerder-uitvoerder"),
        )
    }
    return {slug: mfa_client(user) for slug, user in made.items()} | {"users": made}


def _make(client: Client, name: str, scopes: list[str], days: int = 30):
    until = (timezone.localdate() + timedelta(days=days)).isoformat()
    return client.post(PAGE, {"name": name, "scopes": scopes, "valid_until": until})


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _signal_body(**overrides) -> str:
    return json.dumps({camel(k): v for k, v in signal_data(**overrides).items()})


def test_the_admin_makes_a_key_that_is_shown_once_and_stored_as_a_hash(admins):
    response = _make(admins["eigen-haard"], "huuradministratie", [SUBMIT, READ_FEEDBACK])
    assert response.status_code == 200
    key = KEY.search(response.content.decode()).group(1)
    token = ApiToken.objects.get(name="huuradministratie")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8] and token.scopes == [SUBMIT, READ_FEEDBACK]
    assert token.created_by == admins["users"]["eigen-haard"]
    assert token.user.organisation.slug == "eigen-haard" and token.expires_at > timezone.now()
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    again = admins["eigen-haard"].get(PAGE).content.decode()
    assert "huuradministratie" in again and key not in again and token.prefix in again


def test_a_key_does_only_what_its_scopes_allow(admins):
    submit_only = KEY.search(_make(admins["eigen-haard"], "melden", [SUBMIT]).content.decode())
    read_only = KEY.search(_make(admins["eigen-haard"], "lezen", [READ_FEEDBACK]).content.decode())
    created = _api(submit_only.group(1)).post(
        "/api/v1/signalen", _signal_body(), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    signal_id = created.json()["id"]
    refused = _api(submit_only.group(1)).get(f"/api/v1/signalen/{signal_id}/terugkoppeling")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert "bevoegdheid" in refused.json()["detail"]
    reader = _api(read_only.group(1))
    assert reader.get(f"/api/v1/signalen/{signal_id}/terugkoppeling").status_code == 200
    no_submit = reader.post(
        "/api/v1/signalen", _signal_body(partner_referentie="X-2"), content_type="application/json"
    )
    assert no_submit.status_code == 403
    assert reader.get("/api/v1/organisaties").status_code == 200  # open to any key


def test_every_use_is_in_the_processing_log_under_the_key(admins):
    key = KEY.search(_make(admins["eigen-haard"], "koppeling", LEGACY_SCOPES).content.decode())
    token = ApiToken.objects.get(name="koppeling")
    api = _api(key.group(1))
    signal_id = api.post(
        "/api/v1/signalen", _signal_body(), content_type="application/json"
    ).json()["id"]
    api.get(f"/api/v1/signalen/{signal_id}")
    api.get(f"/api/v1/signalen/{signal_id}/terugkoppeling")
    entries = ProcessingLogEntry.objects.filter(actor=token.user)
    assert entries.count() == 3
    assert {e.actor_organisation.slug for e in entries} == {"eigen-haard"}


def test_an_expired_key_stops_working(covenant):
    _token, key = api_token_create(
        organisation=covenant["eigen-haard"],
        name="kort",
        expires_at=timezone.now() + timedelta(days=2),
    )
    assert _api(key).get("/api/v1/organisaties").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = _api(key).get("/api/v1/organisaties")
    assert response.status_code == 401 and "verlopen" in response.json()["detail"]


def test_the_admin_revokes_a_key_and_only_its_own(admins):
    key = KEY.search(_make(admins["eigen-haard"], "weg", LEGACY_SCOPES).content.decode()).group(1)
    token = ApiToken.objects.get(name="weg")
    url = reverse("accounts:api-client-revoke", args=[token.pk])
    assert admins["ymere"].post(url).status_code == 404  # another landlord's admin
    assert "weg" not in admins["ymere"].get(PAGE).content.decode()
    assert _api(key).get("/api/v1/organisaties").status_code == 200
    assert admins["eigen-haard"].post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at and token.revoked_by == admins["users"]["eigen-haard"]
    assert _api(key).get("/api/v1/organisaties").status_code == 401


def test_scopes_fit_the_kind_of_organisation(admins, covenant):
    page = admins["centram"].get(PAGE).content.decode()
    assert 'value="casework"' in page and 'value="submit"' not in page
    response = _make(admins["centram"], "zaaksysteem", [SUBMIT])
    assert response.status_code == 400 and not ApiToken.objects.exists()
    assert _make(admins["centram"], "zaaksysteem", ["casework"]).status_code == 200
    assert ApiToken.objects.get().user.groups.get().role.code == "hulpverlener"
    with pytest.raises(ValidationError):
        api_token_create(organisation=covenant["eigen-haard"], name="x", scopes=["casework"])
    with pytest.raises(ValidationError):
        api_token_create(organisation=covenant["eigen-haard"], name="x", scopes=[])


def test_the_end_date_lies_within_the_maximum(admins, settings):
    assert _make(admins["eigen-haard"], "te lang", LEGACY_SCOPES, days=400).status_code == 400
    assert _make(admins["eigen-haard"], "voorbij", LEGACY_SCOPES, days=0).status_code == 400
    assert not ApiToken.objects.exists()
    assert _make(admins["eigen-haard"], "een jaar", LEGACY_SCOPES, days=365).status_code == 200


def test_only_the_organisation_admin_reaches_the_screen_and_only_after_mfa(clients, admins):
    for role in ("eigen-haard", "regie", "beheer", "centram"):
        assert clients[role].get(PAGE).status_code == 403
    without_mfa = Client()
    without_mfa.post(
        reverse("account_login"),
        {"login": "beheer-eigen-haard@test.example", "password": PASSWORD},
    )
    response = without_mfa.get(PAGE)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_keys_made_before_scopes_keep_working(covenant):
    token, key = api_token_create(organisation=covenant["eigen-haard"], name="oud")
    ApiToken.objects.filter(pk=token.pk).update(scopes=[], expires_at=None)  # as it was
    migration = importlib.import_module("meldpunt.accounts.migrations.0003_api_clients")
    migration.keep_existing_keys_working(apps, None)
    token.refresh_from_db()
    assert token.scopes == LEGACY_SCOPES and token.expires_at is None
    created = _api(key).post("/api/v1/signalen", _signal_body(), content_type="application/json")
    assert created.status_code == 201


def test_the_command_makes_a_key_with_scopes_and_an_end_date(covenant, capsys):
    call_command(
        "create-api-token", "--organisation", "eigen-haard", "--name", "cli", "--scope",
        "submit", "--days", "10",
    )  # fmt: skip
    out = capsys.readouterr().out
    token = ApiToken.objects.get(name="cli")
    assert token.scopes == [SUBMIT]
    assert timedelta(days=9) < token.expires_at - timezone.now() <= timedelta(days=10)
    assert hashlib.sha256(out.splitlines()[1].encode()).hexdigest() == token.key_hash


def test_the_page_keeps_the_accessible_structure_and_speaks_english(admins, settings):
    from .test_accessibility import check_page

    response = _make(admins["eigen-haard"], "huuradministratie", LEGACY_SCOPES)
    check_page(response.content.decode())
    check_page(_make(admins["eigen-haard"], "", []).content.decode())  # with errors
    admins["eigen-haard"].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = admins["eigen-haard"].get(PAGE).content.decode()
    assert "API clients" in english and "Report signals" in english and "Revoke" in english
