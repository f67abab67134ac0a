"""Reads for the webhooks screen, always scoped to the admin's own organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from meldpunt.accounts import scopes
from meldpunt.accounts.models import ApiToken

from .models import WebhookDelivery, WebhookSubscription

LAST_DELIVERIES = 10


def subscribable_tokens(organisation: Any) -> QuerySet[ApiToken]:
    """The organisation's working keys with the scope read-feedback (webhook_subscribe's rule)."""
    now = timezone.now()
    working = ApiToken.objects.filter(
        user__organisation_id=organisation.pk, revoked_at__isnull=True
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    # The scopes are a JSON list; "contains" on JSON is not there on SQLite, so in Python.
    ids = [pk for pk, token_scopes in working.values_list("pk", "scopes")
           if scopes.READ_FEEDBACK in token_scopes]  # fmt: skip
    return ApiToken.objects.filter(pk__in=ids).order_by("name", "id")


def own_subscriptions(organisation: Any) -> QuerySet[WebhookSubscription]:
    """The organisation's webhooks that are not stopped, oldest first."""
    return (
        WebhookSubscription.objects.filter(
            token__user__organisation_id=organisation.pk, revoked_at__isnull=True
        )
        .select_related("token")
        .order_by("created_at", "id")
    )


def last_deliveries(subscription: WebhookSubscription) -> list[WebhookDelivery]:
    """The latest messages to one webhook: when, status, attempts, the receiver's answer. Not
    which signal they were about (that is a tenant's feedback)."""
    return list(
        subscription.deliveries.order_by("-id").only(
            "public_id", "status", "attempts", "last_status_code", "last_error", "created_at",
            "delivered_at", "next_attempt_at", "subscription_id",
        )[:LAST_DELIVERIES]
    )  # fmt: skip
