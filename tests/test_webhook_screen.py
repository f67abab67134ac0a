"""Webhooks on screen (issue #13): the partner's own admin lists, makes and stops the webhooks of
its organisation's API clients and sees the last messages with their status; the same rules as
the API (``webhook_subscribe``), the secret shown once, nothing of another organisation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create, api_token_revoke, user_create
from meldpunt.cases.models import Track
from meldpunt.cases.services import case_assign, case_pick_up
from meldpunt.intake.services import signal_submit
from meldpunt.webhooks.models import WebhookDelivery, WebhookSubscription
from meldpunt.webhooks.services import sign, webhook_subscribe

from .conftest import PASSWORD, mfa_client, signal_data

pytestmark = pytest.mark.django_db

URL = reverse("webhooks:webhooks")
RECEIVER = "https://ontvanger.voorbeeld.nl/meldpunt"


@pytest.fixture
def admins(covenant):
    def admin(slug: str, role: str) -> Client:
        user = user_create(email=f"beheer-{slug}@test.example", organisation=covenant[slug],
                           roles=[role], password=PASSWORD)  # fmt: skip
        return mfa_client(user)

    return {
        "eigen-haard": admin("eigen-haard", "beheerder-partner"),
        "ymere": admin("ymere", "beheerder-partner"),
        "gemeente": admin("gemeente-amsterdam", "beheerder-gemeente"),
        "centram": admin("centram", "beheerder-uitvoerder"),
    }


@pytest.fixture
def keys(covenant):
    own, _ = api_token_create(organisation=covenant["eigen-haard"], name="huuradministratie",
                              scopes=[scopes.SUBMIT, scopes.READ_FEEDBACK])  # fmt: skip
    submit_only, _ = api_token_create(organisation=covenant["eigen-haard"], name="alleen-melden",
                                      scopes=[scopes.SUBMIT])  # fmt: skip
    ymere, _ = api_token_create(organisation=covenant["ymere"], name="ymere-systeem",
                                scopes=[scopes.READ_FEEDBACK])  # fmt: skip
    return {"own": own, "submit-only": submit_only, "ymere": ymere}


def test_the_admin_makes_a_webhook_and_sees_the_secret_once(admins, keys):
    client = admins["eigen-haard"]
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    # Only the own working keys with read-feedback are offered.
    assert "huuradministratie" in html
    assert "alleen-melden" not in html and "ymere-systeem" not in html
    response = client.post(URL, {"token": keys["own"].pk, "url": RECEIVER})
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.token == keys["own"] and subscription.url == RECEIVER
    html = response.content.decode()
    assert subscription.secret in html
    # The secret shown is the one every message is signed with (stored encrypted).
    assert subscription.secret.startswith("whsec_") and sign(subscription.secret, "id", 1, b"")
    again = client.get(URL).content.decode()
    assert RECEIVER in again and subscription.secret not in again
    assert "Nog geen berichten." in again


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://ontvanger.voorbeeld.nl/hook", "https-adres"),
        ("https://127.0.0.1/hook", "niet-openbaar netwerk"),
        ("https://10.1.2.3:8443/hook", "niet-openbaar netwerk"),
        ("https://[::1]/hook", "niet-openbaar netwerk"),
        ("https://localhost/hook", "niet-openbaar netwerk"),
        ("https://[::1/hook", "https-adres"),
        ("https://ontvanger.voorbeeld.nl:poort/hook", "https-adres"),
        ("https://gebruiker:geheim@ontvanger.voorbeeld.nl/hook", "gebruikersnaam"),
        ("", "Vul het adres"),
    ],
)
def test_a_bad_address_is_refused_with_a_dutch_message_and_nothing_saved(
    admins, keys, settings, url, reason
):
    settings.MELDPUNT_WEBHOOK_ALLOW_HTTP = False
    settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE = False
    response = admins["eigen-haard"].post(URL, {"token": keys["own"].pk, "url": url})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "Er is niets opgeslagen" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_the_api_refuses_the_same_addresses(covenant, settings):
    settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE = False
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for url in ("https://192.168.1.10/hook", "https://[::1/hook", "https://a.nl:x/"):
        response = client.post("/api/v1/webhooks", {"url": url}, content_type="application/json")
        assert response.status_code == 400, url
        assert response.json()["invalidParams"][0]["name"] == "url"
    assert not WebhookSubscription.objects.exists()


def test_another_organisations_key_and_webhook_are_out_of_reach(admins, keys):
    client = admins["eigen-haard"]
    response = client.post(URL, {"token": keys["ymere"].pk, "url": RECEIVER})
    assert response.status_code == 400
    assert "Kies een werkende API-koppeling van uw organisatie." in response.content.decode()
    response = client.post(URL, {"token": keys["submit-only"].pk, "url": RECEIVER})
    assert response.status_code == 400
    assert not WebhookSubscription.objects.exists()
    theirs, _secret = webhook_subscribe(token=keys["ymere"], url="https://ymere.voorbeeld.nl/h")
    assert "ymere.voorbeeld.nl" not in client.get(URL).content.decode()
    stop = reverse("webhooks:webhook-stop", args=[theirs.public_id])
    assert client.post(stop).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert admins["ymere"].post(stop).status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked_at is not None


def test_the_last_messages_with_their_status_and_stopping(covenant, users, admins, keys):
    subscription, _secret = webhook_subscribe(token=keys["own"], url=RECEIVER)
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(achternaam="Schermhuurder"))  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"])
    deliveries = list(WebhookDelivery.objects.filter(subscription=subscription).order_by("id"))
    assert deliveries
    WebhookDelivery.objects.filter(pk=deliveries[0].pk).update(
        attempts=3, last_status_code=503, last_error="HTTP 503"
    )
    html = admins["eigen-haard"].get(URL).content.decode()
    assert str(deliveries[0].public_id) in html and "HTTP 503" in html
    # The home screen counts the message that did not arrive yet.
    home = admins["eigen-haard"].get(reverse("home")).context["panels"]
    panel = next(p for p in home if p.key == "webhooks")
    assert [e.count for e in panel.entries] == [1, 1]
    assert "te versturen" in html
    # Nothing of the tenant: the admin sees no personal data.
    assert "Schermhuurder" not in html and str(signal.public_id) not in html
    # A webhook whose key was revoked says it sends nothing.
    api_token_revoke(token=keys["own"], by=None)
    assert (
        "de koppeling is ingetrokken of verlopen" in admins["eigen-haard"].get(URL).content.decode()
    )
    response = admins["eigen-haard"].post(
        reverse("webhooks:webhook-stop", args=[subscription.public_id])
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.revoked_at is not None
    assert not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).exists()
    html = admins["eigen-haard"].get(URL).content.decode()
    assert "is afgemeld" in html and "Uw organisatie heeft geen webhooks." in html


def test_who_may_manage_webhooks(admins, clients, keys):
    assert admins["eigen-haard"].get(URL).status_code == 200
    # Webhooks announce feedback on a partner's signals: not for other kinds of organisation.
    assert admins["gemeente"].get(URL).status_code == 403
    assert admins["centram"].get(URL).status_code == 403
    for role in ("eigen-haard", "regie", "beleid", "centram"):
        assert clients[role].get(URL).status_code == 403, role
    assert Client().get(URL).status_code == 302
    # The navigation shows it to the partner's admin only.
    assert URL in admins["eigen-haard"].get(reverse("home")).content.decode()
    assert URL not in admins["gemeente"].get(reverse("home")).content.decode()


def test_the_page_speaks_english_when_asked(admins, keys):
    client = admins["eigen-haard"]
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    html = client.get(URL).content.decode()
    assert '<html lang="en">' in html and "New webhook" in html
