"""The partner admin's home-screen panel (core.home): its webhooks, and the messages of the last
week that did not arrive (yet), to act on."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel

from .models import WebhookDelivery
from .selectors import own_subscriptions

RECENT = timedelta(days=7)


@register_panel
def webhooks_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    organisation = getattr(user, "organisation", None)
    if not user.has_perm("accounts.manage_api_clients") or organisation is None:
        return None
    if not organisation.is_partner:
        return None
    subscriptions = own_subscriptions(organisation)
    not_arrived = WebhookDelivery.objects.filter(
        subscription__in=subscriptions.values("pk"),
        created_at__gte=timezone.now() - RECENT,
    ).filter(
        Q(status=WebhookDelivery.Status.FAILED)
        | Q(status=WebhookDelivery.Status.PENDING, attempts__gt=0)
    )
    url = reverse("webhooks:webhooks")
    return Panel(
        key="webhooks",
        title=_("Webhooks"),
        order=21,
        entries=(
            Entry(_("Aangemelde webhooks"), url, subscriptions.count()),
            Entry(
                _("Berichten van de laatste 7 dagen die (nog) niet aankwamen"),
                url,
                not_arrived.count(),
                attention=True,
            ),
        ),
        more_url=url,
        more_label=_("Webhooks beheren"),
    )
