"""The home-screen panel (core.home) of an organisation's own administrator: its API clients,
with the keys that stop working soon first to act on."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel

from .models import ApiToken

SOON = timedelta(days=30)


@register_panel
def api_clients_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("accounts.manage_api_clients") or user.organisation_id is None:
        return None
    now = timezone.now()
    active = ApiToken.objects.filter(
        user__organisation_id=user.organisation_id, revoked_at__isnull=True
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    url = reverse("accounts:api-clients")
    return Panel(
        key="api-clients",
        title=_("API-koppelingen"),
        order=20,
        entries=(
            Entry(_("Werkende API-koppelingen"), url, active.count()),
            Entry(
                _("Verlopen binnen 30 dagen: maak op tijd een nieuwe sleutel"),
                url,
                active.filter(expires_at__lte=now + SOON).count(),
                attention=True,
            ),
            Entry(_("Nog nooit gebruikt"), url, active.filter(last_used_at__isnull=True).count()),
        ),
        more_url=url,
        more_label=_("API-koppelingen beheren"),
    )
