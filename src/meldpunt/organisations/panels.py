"""Functioneel beheer's home-screen panel (core.home): where the configuration is."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel


@register_panel
def configuration_panel(request: HttpRequest) -> Panel | None:
    if not request.user.has_perm("organisations.manage_configuration"):
        return None
    return Panel(
        key="configuration",
        title=_("Configuratie"),
        order=10,
        entries=(
            Entry(_("Drempels en routering van de intake"), reverse("intake:configuration")),
            Entry(_("Stadsdelen en uitvoerders per postcode"), reverse("organisations:routing")),
            Entry(_("Regels van de Sluitende Aanpak"), reverse("safeguards:rule-config")),
            Entry(_("Verdeelsleutel kosten"), reverse("reporting:cost-key")),
            Entry(_("Afwegingskader: werkbakken en eerste actie"), reverse("cases:frame-config")),
            Entry(_("Brieven en kaartjes"), reverse("cases:letter-templates")),
        ),
    )
