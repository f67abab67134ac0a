"""Home-screen panels of the intake (core.home): the partner's signals and deliveries, regie's
triage inbox. Counts only; the lists behind them show no personal data."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.cases.models import Case
from meldpunt.cases.selectors import automatic_decisions, own_signals
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.home import Entry, Panel, register_panel

from .models import SignalImport

RECENT = timedelta(days=30)


@register_panel
def partner_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not (user.has_perm("intake.submit_signal") and user.organisation.is_partner):
        return None
    since = timezone.now() - RECENT
    signals = own_signals(user)
    refused = SignalImport.objects.for_user(user).filter(created_at__gte=since, refused__gt=0)
    n_refused = sum(refused.values_list("refused", flat=True))
    list_url = reverse("intake:signal-list")
    return Panel(
        key="partner-signals",
        title=_("Uw signalen"),
        order=10,
        entries=(
            Entry(
                _("Signalen nog niet opgepakt"),
                list_url,
                signals.filter(status=SignalStatus.NOT_YET_PICKED_UP).count(),
            ),
            Entry(
                _("Signalen opgepakt"),
                list_url,
                signals.filter(status=SignalStatus.PICKED_UP).count(),
            ),
            Entry(
                _("Signalen met een terugkoppeling in de afgelopen 30 dagen"),
                list_url,
                signals.filter(received_at__gte=since)
                .exclude(status=SignalStatus.NOT_YET_PICKED_UP)
                .count(),
            ),
            Entry(
                _("Geweigerde regels in aanleveringen van de afgelopen 30 dagen"),
                reverse("intake:upload"),
                n_refused,
                attention=True,
            ),
        ),
        more_url=reverse("intake:signal-create"),
        more_label=_("Een signaal melden"),
    )


@register_panel
def triage_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not (user.has_perm("intake.triage_signal") and user.organisation.is_municipality):
        return None
    waiting = Case.objects.for_user(user).filter(status=CaseStatus.RECEIVED)
    return Panel(
        key="triage",
        title=_("Triage"),
        order=10,
        entries=(
            Entry(
                _("Zaken wachten op triage"),
                reverse("intake:triage"),
                waiting.count(),
                attention=True,
            ),
            Entry(
                _("Crisissignalen wachten op triage"),
                reverse("intake:triage"),
                waiting.filter(crisis=True).count(),
                attention=True,
            ),
            Entry(
                _("Automatische beslissingen om te beoordelen"),
                reverse("intake:review"),
                automatic_decisions(user).filter(received_at__gte=timezone.now() - RECENT).count(),
            ),
        ),
    )
