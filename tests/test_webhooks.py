"""Webhooks (issue #13): a receiver on loopback gets each feedback change exactly once per
subscription after retries, and the signature verifies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create
from meldpunt.cases.models import Instrument, Track
from meldpunt.cases.services import (
    case_assign,
    case_close,
    case_note_add,
    case_pick_up,
    instrument_deploy,
)
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.webhooks.models import WebhookDelivery
from meldpunt.webhooks.services import _pinned_request, webhook_subscribe, webhooks_deliver_due

from .conftest import shows, signal_data

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server thread on loopback that answers 500 to its first ``fail_first`` calls."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                code = 500 if len(receiver.calls) < receiver.fail_first else 204
                receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body, code))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/meldpunt-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handled(self) -> list[dict]:
        """What a receiver that keeps the ids it handled processes: each webhook-id once."""
        seen, events = set(), []
        for headers, body, code in self.calls:
            if code < 300 and headers["webhook-id"] not in seen:
                seen.add(headers["webhook-id"])
                events.append(json.loads(body))
        return events


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(fail_first: int = 0) -> Receiver:
        made.append(Receiver(fail_first))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.MELDPUNT_WEBHOOK_ALLOW_HTTP = True
    settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE = True


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, written from the Standard Webhooks description (not our code)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    version, signature = headers["webhook-signature"].split(",", 1)
    return version == "v1" and hmac.compare_digest(signature, expected)


def deliver_until_done(rounds: int = 20) -> None:
    """The worker's job, run again after each backoff has passed."""
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(rounds):
            webhooks_deliver_due()
            if not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).exists():
                return
            clock.shift(timedelta(hours=7))
    raise AssertionError("deliveries still pending")


def test_each_change_arrives_exactly_once_per_subscription_after_retries(
    covenant, users, today, receivers
):
    flaky, steady, other = receivers(fail_first=3), receivers(), receivers()
    token, _key = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    first, first_secret = webhook_subscribe(token=token, url=flaky.url)
    _second, second_secret = webhook_subscribe(token=token, url=steady.url)
    ymere, _ = api_token_create(organisation=covenant["ymere"], name="ymere")
    webhook_subscribe(token=ymere, url=other.url)

    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"], on=today - timedelta(days=3))
    deliver_until_done()  # the first change goes out before the next one is made
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetcoaching"),
                      deployed_on=today - timedelta(days=1))  # fmt: skip
    case_note_add(
        case_id=signal.case_id, by=users["centram"], text="Geen wijziging voor de verhuurder"
    )
    case_close(case_id=signal.case_id, by=users["centram"],
               end_result="Vervolghulp en/of verwijzing financieel")  # fmt: skip
    deliver_until_done()

    for receiver, secret in ((flaky, first_secret), (steady, second_secret)):
        events = receiver.handled()
        assert [e["terugkoppeling"]["stand"] for e in events] == [
            "Opgepakt", "Instrument ingezet", "Afgesloten"
        ]  # fmt: skip
        assert {e["signaalId"] for e in events} == {str(signal.public_id)}
        assert events[1]["terugkoppeling"]["instrumenten"] == [
            {"categorie": "Budgetadvies, -coaching en -beheer",
             "datum": (today - timedelta(days=1)).isoformat()}
        ]  # fmt: skip
        for headers, body, _code in receiver.calls:
            assert verify(secret, headers, body)
        # Only the minimal feedback: no name, address, amount, provider or end result.
        text = b"".join(body for _h, body, _c in receiver.calls).decode()
        for secret_value in ("Testpersoon", "Damrak", "1234", "CentraM", "Vervolghulp", "notitie"):
            assert not shows(text, secret_value), secret_value
    # The flaky receiver got retries of the same id (3 refusals), then each event once.
    assert len(flaky.calls) == 3 + 3 and len(steady.calls) == 3
    assert len({h["webhook-id"] for h, _b, _c in flaky.calls}) == 3
    assert WebhookDelivery.objects.get(subscription=first, attempts__gt=1).attempts == 4
    # Another landlord's subscription hears nothing of this signal.
    assert other.calls == []
    assert ProcessingLogEntry.objects.filter(name="signal.feedback.webhook").count() == 6


def test_the_outbox_is_written_in_the_transaction_of_the_change(covenant, users, today, receivers):
    receiver = receivers()
    token, _ = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    webhook_subscribe(token=token, url=receiver.url)
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    assert not WebhookDelivery.objects.exists()  # assigning changes nothing for the landlord

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        case_pick_up(case_id=signal.case_id, by=users["centram"])
        assert WebhookDelivery.objects.count() == 1
        raise Undo
    assert not WebhookDelivery.objects.exists()


def test_a_subscription_needs_https_and_the_feedback_scope(covenant, settings):
    settings.MELDPUNT_WEBHOOK_ALLOW_HTTP = False
    token, _ = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    with pytest.raises(ValidationError):
        webhook_subscribe(token=token, url="http://ontvanger.example.nl/hook")
    submit_only, _ = api_token_create(organisation=covenant["eigen-haard"], name="melden",
                                      scopes=[scopes.SUBMIT])  # fmt: skip
    with pytest.raises(ValidationError):
        webhook_subscribe(token=submit_only, url="https://ontvanger.example.nl/hook")
    subscription, secret = webhook_subscribe(token=token, url="https://ontvanger.example.nl/hook")
    assert secret.startswith("whsec_")
    with connection.cursor() as cursor:  # the secret is encrypted at rest
        cursor.execute("SELECT secret FROM webhooks_webhooksubscription")
        [(stored,)] = cursor.fetchall()
    assert secret.encode() not in bytes(stored)
    assert str(subscription) == f"webhook {subscription.public_id}"


def test_deliveries_to_private_addresses_are_refused(covenant, users, settings, receivers):
    receiver = receivers()
    token, _ = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    webhook_subscribe(token=token, url=receiver.url)
    # Subscribed while private addresses were allowed; each delivery checks again.
    settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE = False
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"])
    webhooks_deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert receiver.calls == [] and delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_error == "adres in een niet-openbaar netwerk"


def _one_change_for(subscription_url: str, covenant, users) -> None:
    token, _ = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    subscription, _secret = webhook_subscribe(token=token, url="https://ontvanger.example.nl/h")
    # As stored before the address rule was strict (a port that is not a number was accepted).
    type(subscription).objects.filter(pk=subscription.pk).update(url=subscription_url)
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"])  # the feedback changes


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://ontvanger.example.nl:poort/hook", "adres niet te lezen (host of poort)"),
        ("https://niet-bestaand.example.nl/hook", "naam van de ontvanger niet gevonden (DNS)"),
    ],
)
def test_a_delivery_that_cannot_start_says_why_and_the_job_goes_on(
    url, reason, covenant, users, monkeypatch
):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "niet-bestaand.example.nl":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    _one_change_for(url, covenant, users)
    assert webhooks_deliver_due() == {"afgeleverd": 0, "mislukt": 1, "opgegeven": 0}
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error == reason


class Resolver:
    """DNS for one made-up name, answering ``answers`` in turn (the last one from then on);
    every other name goes to the real resolver. Counts the look-ups of that name."""

    def __init__(self, monkeypatch, name: str, *answers: str) -> None:
        self.name, self.answers, self.lookups = name, list(answers), 0
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host != name:
                return real(host, port, *args, **kwargs)
            answer = self.answers[min(self.lookups, len(self.answers) - 1)]
            self.lookups += 1
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port or 0))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _subscribed_change(covenant, users, url: str) -> None:
    token, _ = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    webhook_subscribe(token=token, url=url)
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"])


def test_a_delivery_goes_to_the_address_checked_and_keeps_the_name(
    covenant, users, receivers, monkeypatch
):
    receiver = receivers()
    port = receiver.server.server_address[1]
    dns = Resolver(monkeypatch, "hook.partner.example", "127.0.0.1")
    _subscribed_change(covenant, users, f"http://hook.partner.example:{port}/meldpunt-hook")
    webhooks_deliver_due()
    [(headers, body, code)] = receiver.calls
    assert code == 204
    assert headers["host"] == f"hook.partner.example:{port}"
    assert json.loads(body)["type"] == "signaal.terugkoppeling"
    assert dns.lookups == 1  # resolved once, by the check; the connection used that answer


def test_a_name_that_rebinds_to_our_network_after_the_check_is_not_followed(
    covenant, users, settings, receivers, monkeypatch
):
    """DNS rebinding: the first answer is public and passes the check, the next one points at
    the Meldpunt's own network. The request must go to the address that was checked."""
    settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE = False
    receiver = receivers()
    port = receiver.server.server_address[1]
    dns = Resolver(monkeypatch, "rebind.partner.example", "93.184.215.14", "127.0.0.1")
    _subscribed_change(covenant, users, f"http://rebind.partner.example:{port}/meldpunt-hook")
    with httpx.Client(timeout=0.5) as client:  # the public address is unreachable here
        webhooks_deliver_due(client=client)
    delivery = WebhookDelivery.objects.get()
    assert receiver.calls == [] and dns.lookups == 1
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1


@pytest.mark.parametrize(
    ("url", "address", "target", "host", "sni"),
    [
        ("https://hooks.woonstad.example/in?x=1", "93.184.215.14",
         "https://93.184.215.14/in?x=1", "hooks.woonstad.example", "hooks.woonstad.example"),
        ("https://hooks.woonstad.example:8443/in", "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
         "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:8443/in",
         "hooks.woonstad.example:8443", "hooks.woonstad.example"),
        ("http://127.0.0.1:9000/h", "127.0.0.1", "http://127.0.0.1:9000/h", "127.0.0.1:9000", None),
    ],
)  # fmt: skip
def test_the_pinned_request_keeps_the_name_for_host_and_certificate(
    url, address, target, host, sni
):
    assert _pinned_request(url, address) == (
        target,
        {"host": host},
        {"sni_hostname": sni} if sni else {},
    )


# --- The API: GET/POST /api/v1/webhooks, DELETE /api/v1/webhooks/{webhookId} ----------------


def _api(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_key_manages_its_own_webhooks_over_the_api(client, covenant, clients, settings):
    settings.MELDPUNT_WEBHOOK_ALLOW_HTTP = False
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="systeem")
    _other, other_key = api_token_create(organisation=covenant["ymere"], name="ymere")
    _submit, submit_key = api_token_create(organisation=covenant["eigen-haard"], name="melden",
                                           scopes=[scopes.SUBMIT])  # fmt: skip
    url = "/api/v1/webhooks"
    refused = client.post(url, {"url": "http://ontvanger.example.nl/x"},
                          content_type="application/json", **_api(key))  # fmt: skip
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["invalidParams"][0]["name"] == "url"
    made = client.post(url, {"url": "https://ontvanger.example.nl/x"},
                       content_type="application/json", **_api(key))  # fmt: skip
    assert made.status_code == 201 and made.json()["geheim"].startswith("whsec_")
    webhook_id = made.json()["id"]
    listed = client.get(url, **_api(key)).json()
    assert [w["id"] for w in listed] == [webhook_id] and "geheim" not in listed[0]
    # Another organisation's key neither sees nor deletes it; a key without the scope may not.
    assert client.get(url, **_api(other_key)).json() == []
    assert client.delete(f"{url}/{webhook_id}", **_api(other_key)).status_code == 404
    assert client.get(url, **_api(submit_key)).status_code == 403
    # Signed in on screen there is no key to subscribe with.
    assert clients["eigen-haard"].get(url).status_code == 403
    assert client.get(url).status_code == 401
    assert client.delete(f"{url}/{webhook_id}", **_api(key)).status_code == 204
    assert client.get(url, **_api(key)).json() == []
    assert client.delete(f"{url}/{webhook_id}", **_api(key)).status_code == 404
