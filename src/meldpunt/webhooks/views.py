"""The organisation's webhooks on screen, for its own admin (beheerder organisatie): list, make
(the secret shown once), stop, and the last messages with their status. The API key's own
operations (GET/POST /webhooks) stay; both go through ``webhook_subscribe``/``_unsubscribe``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import WebhookForm
from .selectors import last_deliveries, own_subscriptions
from .services import webhook_subscribe, webhook_unsubscribe


def _partner_admin(request: HttpRequest):
    organisation = request.user.organisation
    if organisation is None or not organisation.is_partner:
        # Webhooks announce changes in the feedback on a partner's own signals.
        raise PermissionDenied
    return organisation


def _rows(organisation) -> list[dict]:
    now = timezone.now()
    rows = []
    for subscription in own_subscriptions(organisation):
        token = subscription.token
        working = token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
        rows.append(
            {"subscription": subscription, "working": working,
             "deliveries": last_deliveries(subscription)}
        )  # fmt: skip
    return rows


@login_required
@permission_required("accounts.manage_api_clients", raise_exception=True)
def webhooks_view(request: HttpRequest) -> HttpResponse:
    organisation = _partner_admin(request)
    form = WebhookForm(request.POST or None, organisation=organisation)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = webhook_subscribe(
                token=form.cleaned_data["token"], url=form.cleaned_data["url"].strip()
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The secret is shown on this answer only (never in a redirect, message or log).
            form = WebhookForm(organisation=organisation)
    context = {"form": form, "rows": _rows(organisation), "created": created, "secret": secret}
    return render(request, "webhooks/webhooks.html", context, status=400 if form.errors else 200)


@login_required
@permission_required("accounts.manage_api_clients", raise_exception=True)
@require_POST
def webhook_stop(request: HttpRequest, public_id) -> HttpResponse:
    organisation = _partner_admin(request)
    subscription = get_object_or_404(own_subscriptions(organisation), public_id=public_id)
    webhook_unsubscribe(subscription=subscription)
    messages.success(request, _("De webhook naar %(url)s is afgemeld.") % {"url": subscription.url})
    return redirect("webhooks:webhooks")
