"""Webhooks: subscribe, record feedback events in the outbox, deliver them signed, with retries.

- An event is recorded in the transaction that changed the feedback (``cases.signals``), for
  every active subscription of the signal's partner, only when the feedback differs from the
  last one recorded for that subscription and signal: each change once per subscription.
- The worker delivers due rows (``webhooks_deliver_due``, a scheduled job every minute). A row is
  claimed by one conditional UPDATE (its ``next_attempt_at`` moved on by a lease), so two workers
  never send it at the same time and no transaction stays open during the HTTP call.
- At least once: a row is marked delivered only after a 2xx. A retry carries the same
  ``webhook-id``, so the receiver sees each change exactly once by keeping the ids it handled.
- Signed as Standard Webhooks does it: ``webhook-signature: v1,<base64 HMAC-SHA256 of
  "{webhook-id}.{webhook-timestamp}.{body}">`` under the subscription's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.accounts import scopes
from meldpunt.accounts.models import ApiToken
from meldpunt.cases.feedback import Feedback, signals_with_feedback
from meldpunt.cases.models import Signal
from meldpunt.privacy.services import processing_log_record

if TYPE_CHECKING:
    import httpx

from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

EVENT_TYPE = "signaal.terugkoppeling"
MAX_PER_TOKEN = 5
MAX_ATTEMPTS = 15
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(seconds=60)
TIMEOUT = 10.0


def _token_usable(token: ApiToken) -> bool:
    return token.revoked_at is None and (
        token.expires_at is None or token.expires_at > timezone.now()
    )


def url_problem(url: str) -> str | None:
    """What is wrong with a webhook address, in Dutch, or None. The same rule for the API and
    the screen (``webhook_subscribe``). An address that names a host in a non-public network
    outright (an IP address, localhost) is refused here already; a name is resolved and
    checked at every delivery (``_pinned_address``), as its DNS answer may change."""
    allowed = ("https", "http") if settings.MELDPUNT_WEBHOOK_ALLOW_HTTP else ("https",)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018  (a port that is not a number raises here, not at delivery)
    except ValueError:  # e.g. an unclosed [ or a port that is not a number
        return _("Geef een https-adres op (https://…).")
    if parts.scheme not in allowed or not hostname:
        return _("Geef een https-adres op (https://…).")
    if parts.username or parts.password:
        return _("Een webhookadres bevat geen gebruikersnaam of wachtwoord.")
    if len(url) > 500:
        return _("Het adres is langer dan 500 tekens.")
    if not settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE and not _may_be_public(hostname):
        return _(
            "Dit adres ligt in een niet-openbaar netwerk; geef het adres van uw ontvanger op "
            "internet."
        )
    return None


def _may_be_public(hostname: str) -> bool:
    """False for a host that is certainly not on the public internet: a non-global IP address
    or localhost. A name may be public; the delivery checks what it resolves to."""
    name = hostname.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_global
    except ValueError:
        return True


def webhook_subscribe(*, token: ApiToken, url: str) -> tuple[WebhookSubscription, str]:
    """A subscription for one API client (key with scope read-feedback). Returns it and its
    signing secret, which is shown only in this answer."""
    if scopes.READ_FEEDBACK not in token.scopes or not token.user.organisation.is_partner:
        raise ValidationError({"url": _("Alleen een sleutel met de bevoegdheid read-feedback.")})
    problem = url_problem(url)
    if problem:
        raise ValidationError({"url": problem})
    if token.webhooks.filter(revoked_at__isnull=True).count() >= MAX_PER_TOKEN:
        raise ValidationError(
            {"url": _("Hoogstens %(n)s webhooks per sleutel.") % {"n": MAX_PER_TOKEN}}
        )
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    subscription = WebhookSubscription.objects.create(token=token, url=url, secret=secret)
    return subscription, secret


def webhook_unsubscribe(*, subscription: WebhookSubscription) -> None:
    """Stop a subscription; events not yet delivered are not sent."""
    with transaction.atomic():
        subscription.revoked_at = timezone.now()
        subscription.save(update_fields=["revoked_at"])
        subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED, last_error="abonnement beëindigd"
        )


def feedback_body(feedback: Any) -> dict[str, Any]:
    """The minimal feedback fields, as the API's terugkoppeling (cases.api)."""
    return {
        "stand": feedback.stage,
        "reden": feedback.reason,
        "ontvangen": feedback.received_on.isoformat(),
        "opgepakt": feedback.taken_up_on.isoformat() if feedback.taken_up_on else None,
        "instrumenten": [
            {"categorie": str(c), "datum": d.isoformat()} for c, d in feedback.instruments
        ],
        "afgesloten": feedback.closed_on.isoformat() if feedback.closed_on else None,
    }


def _hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def feedback_events_record(*, signals: list[Signal]) -> int:
    """Record an event for each subscription whose signal's feedback differs from the last one
    recorded for it. Returns how many were recorded."""
    partner_ids = {s.partner_id for s in signals}
    subscriptions: dict[int, list[WebhookSubscription]] = {}
    for subscription in WebhookSubscription.objects.filter(
        revoked_at__isnull=True, token__user__organisation_id__in=partner_ids
    ).select_related("token__user"):
        if _token_usable(subscription.token):
            organisation_id = subscription.token.user.organisation_id
            subscriptions.setdefault(organisation_id, []).append(subscription)
    if not subscriptions:
        return 0
    wanted = [s for s in signals if s.partner_id in subscriptions]
    recorded = 0
    now = timezone.now()
    for signal, feedback in signals_with_feedback(wanted):
        body = feedback_body(feedback)
        digest = _hash(body)
        # What the partner knew at delivery: "Ontvangen". That is no change to announce.
        received = _hash(feedback_body(Feedback(received_on=feedback.received_on)))
        for subscription in subscriptions[signal.partner_id]:
            last = (
                WebhookDelivery.objects.filter(subscription=subscription, signal=signal)
                .order_by("-id")
                .values_list("feedback_hash", flat=True)
                .first()
            )
            if last == digest or (last is None and digest == received):
                continue
            WebhookDelivery.objects.create(
                subscription=subscription,
                signal=signal,
                feedback=body,
                feedback_hash=digest,
                next_attempt_at=now,
            )
            recorded += 1
    return recorded


def feedback_events_record_for(
    sender: Any = None, *, case_id: int | None = None, signal_ids: list[int] | None = None, **_: Any
) -> int:
    """Receiver of ``cases.signals.feedback_may_have_changed``."""
    query = Signal.objects.none()
    if case_id is not None:
        query = Signal.objects.filter(case_id=case_id)
    if signal_ids:
        query = query | Signal.objects.filter(pk__in=signal_ids)
    return feedback_events_record(signals=list(query.defer("details")))


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks, v1 = HMAC-SHA256)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# Why a delivery was not attempted, as the admin reads it on the webhooks page (last_error).
UNREADABLE_ADDRESS = "adres niet te lezen (host of poort)"
UNKNOWN_NAME = "naam van de ontvanger niet gevonden (DNS)"
PRIVATE_ADDRESS = "adres in een niet-openbaar netwerk"


def _pinned_address(url: str) -> tuple[str | None, str]:
    """The address a delivery connects to, or None with the reason it may not: resolved once,
    here, and only when every address the name has is public (SSRF), unless the operator allows
    private ones.

    The connection is then made to this address and no other (see ``_send``): were the name
    resolved again when connecting, a DNS answer that changes in between (rebinding) could
    point the request at the Meldpunt's own network after the check passed. A subscription
    made before the address rule became strict may hold a port that is not a number: that is
    a refusal with its reason, never an error in the delivery job.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return None, UNREADABLE_ADDRESS
    if not parts.hostname:
        return None, UNREADABLE_ADDRESS
    try:
        infos = socket.getaddrinfo(parts.hostname, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None, UNKNOWN_NAME
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        return None, UNKNOWN_NAME
    if not settings.MELDPUNT_WEBHOOK_ALLOW_PRIVATE and not all(a.is_global for a in addresses):
        return None, PRIVATE_ADDRESS
    return str(addresses[0]), ""


def _pinned_request(url: str, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL with the host replaced by ``address``, the Host header and, for https, the TLS
    server name, so the certificate is still checked against the name the partner gave."""
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    host_header = parts.netloc.rpartition("@")[2]
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return parts._replace(netloc=netloc).geturl(), {"host": host_header}, extensions


def _claim(pk: int, now: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE)
    )


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _send(delivery: WebhookDelivery, client: httpx.Client) -> tuple[int | None, str]:
    subscription = delivery.subscription
    if subscription.revoked_at is not None or not _token_usable(subscription.token):
        return None, "abonnement of sleutel niet meer geldig"
    address, refusal = _pinned_address(subscription.url)
    if address is None:
        return None, refusal
    target, host, extensions = _pinned_request(subscription.url, address)
    webhook_id = str(delivery.public_id)
    timestamp = int(timezone.now().timestamp())
    body = json.dumps(
        {
            "id": webhook_id,
            "type": EVENT_TYPE,
            "gewijzigd": delivery.created_at.isoformat(),
            "signaalId": str(delivery.signal.public_id),
            "terugkoppeling": delivery.feedback,
        },
        separators=(",", ":"),
    ).encode()
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, webhook_id, timestamp, body),
        "user-agent": "Meldpunt-webhooks/1",
        **host,
    }
    import httpx  # see webhooks_deliver_due

    try:
        response = client.post(target, content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        return None, type(exc).__name__
    return response.status_code, "" if response.is_success else f"HTTP {response.status_code}"


def webhooks_deliver_due(*, limit: int = 200, client: httpx.Client | None = None) -> dict[str, int]:
    """Deliver the outbox's due events (scheduled job). Returns counts per outcome."""
    # The HTTP client is loaded by the job that sends, not with the app: the app is loaded at
    # every start-up (each import command's counts in its rows per second, ADR 0121).
    import httpx

    counts = {"afgeleverd": 0, "mislukt": 0, "opgegeven": 0}
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    own_client = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    try:
        for pk in due:
            if not _claim(pk, now):
                continue  # another worker has it
            delivery = WebhookDelivery.objects.select_related(
                "subscription__token__user", "signal"
            ).get(pk=pk)
            code, error = _send(delivery, client)
            delivery.attempts += 1
            delivery.last_status_code = code
            delivery.last_error = error[:200]
            fields = ["attempts", "last_status_code", "last_error", "status", "next_attempt_at"]
            if code is not None and 200 <= code < 300:
                delivery.status = WebhookDelivery.Status.DELIVERED
                delivery.delivered_at = timezone.now()
                fields.append("delivered_at")
                counts["afgeleverd"] += 1
                processing_log_record(
                    actor=delivery.subscription.token.user,
                    activity="feedback",
                    action="export",
                    name="signal.feedback.webhook",
                    subject_id=delivery.signal.subject_id,
                    object_type="signal",
                    object_id=delivery.signal.public_id,
                    fields=["status"],
                )
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
                counts["opgegeven"] += 1
            else:
                delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
                counts["mislukt"] += 1
            delivery.save(update_fields=fields)
            if error:
                # Never the address or the body: the id is enough to find the row.
                logger.warning("webhook %s niet afgeleverd: %s", delivery.public_id, error)
    finally:
        if own_client:
            client.close()
    return counts
