"""Subscriptions of an API client, and the outbox of feedback events for them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import ApiToken
from meldpunt.cases.models import Signal
from meldpunt.privacy.fields import EncryptedJSONField, EncryptedTextField


class WebhookSubscription(models.Model):
    """An API client's (key's) address for feedback events on its organisation's signals."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("adres"), max_length=500)
    # The signing secret; kept (encrypted) because every delivery is signed with it.
    secret = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"webhook {self.public_id}"


class WebhookDelivery(models.Model):
    """One feedback event for one subscription (the outbox row); its ``public_id`` is the
    ``webhook-id`` the receiver deduplicates on, the same on every retry."""

    class Status(models.TextChoices):
        PENDING = "te-versturen", _("te versturen")
        DELIVERED = "afgeleverd", _("afgeleverd")
        FAILED = "opgegeven", _("opgegeven")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    # The feedback as sent (about a person's case, so encrypted) and its hash, so an unchanged
    # feedback is never sent twice.
    feedback = EncryptedJSONField()
    feedback_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhookbericht")
        verbose_name_plural = _("webhookberichten")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(fields=["subscription", "signal", "-id"], name="webhook_last_idx"),
        ]

    def __str__(self) -> str:
        return f"webhookbericht {self.public_id}"
