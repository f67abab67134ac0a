"""Home-screen panels of case work (core.home): the provider's and the income team's queues,
regie's overdue cases per provider. Counts and case numbers only."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel

from .deadlines import overdue_cases
from .models import Case, Track
from .workflow import CaseStatus

WORKING = (
    CaseStatus.PICKED_UP,
    CaseStatus.IN_CONTACT,
    CaseStatus.INSTRUMENT_DEPLOYED,
    CaseStatus.MONITORING,
)


@register_panel
def provider_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not (user.has_perm("cases.view_assigned_case") and user.organisation.is_provider):
        return None
    cases = Case.objects.for_user(user)
    overdue = overdue_cases(cases)
    return Panel(
        key="provider-cases",
        title=_("Zaken van uw organisatie"),
        order=20,
        entries=(
            Entry(
                _("Op te pakken"),
                reverse("cases:case-list"),
                cases.filter(status=CaseStatus.ASSIGNED).count(),
                attention=True,
            ),
            Entry(
                _("In behandeling"),
                reverse("cases:case-list"),
                cases.filter(status__in=WORKING).count(),
            ),
            Entry(_("Over de termijn"), reverse("cases:overdue"), len(overdue), attention=True),
        ),
    )


@register_panel
def regie_cases_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not (user.has_perm("cases.view_all_cases") and user.organisation.is_municipality):
        return None
    overdue = overdue_cases(Case.objects.for_user(user))
    per_provider: dict[str, int] = {}
    for item in overdue:
        name = item.case.provider.name if item.case.provider else _("Geen uitvoerder")
        per_provider[name] = per_provider.get(name, 0) + 1
    url = reverse("cases:overdue")
    entries = [Entry(_("Zaken over de termijn"), url, len(overdue), attention=True)]
    entries += [
        Entry(_("waarvan bij %(provider)s") % {"provider": name}, url, n, attention=True)
        for name, n in sorted(per_provider.items())
    ]
    return Panel(
        key="regie-overdue",
        title=_("Termijnen"),
        order=20,
        entries=tuple(entries),
    )


@register_panel
def income_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if user.has_perm("cases.view_all_cases") or not (
        user.has_perm("cases.view_income_cases") and user.organisation.is_municipality
    ):
        return None
    cases = Case.objects.for_user(user).filter(track=Track.GEREGELDE_BETALING)
    counts = dict(
        cases.exclude(status=CaseStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    url = reverse("cases:case-list")
    return Panel(
        key="income-cases",
        title=_("Geregelde betaling"),
        order=20,
        entries=(
            Entry(_("Op te pakken"), url, counts.get(CaseStatus.ASSIGNED, 0), attention=True),
            Entry(_("In behandeling"), url, sum(counts.get(s, 0) for s in WORKING)),
        ),
    )
