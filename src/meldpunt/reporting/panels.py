"""Beleid's home-screen panel (core.home): the dashboard and the cost statement."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel


@register_panel
def policy_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("cases.view_statistics"):
        return None
    entries = [Entry(_("Dashboard met de cijfers"), reverse("reporting:dashboard"))]
    if user.organisation.is_municipality:
        entries.append(Entry(_("Kostenverdeling"), reverse("reporting:cost-statement")))
    return Panel(
        key="policy",
        title=_("Cijfers"),
        description=_("Geaggregeerde cijfers, zonder persoonsgegevens."),
        order=10,
        entries=tuple(entries),
    )
