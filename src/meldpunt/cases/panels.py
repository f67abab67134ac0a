"""Home-screen panels of case work (core.home): the provider's and the income team's queues,
regie's overdue cases per provider. Counts and case numbers only."""

from __future__ import annotations

from django.db.models import Count, F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, Row, register_panel
from meldpunt.organisations.models import Organisation

from .deadlines import OUTREACH_OPEN, overdue_counts
from .forms import worker_name
from .models import Case, HomeVisit, Track
from .selectors import caseload
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
    overdue = sum(overdue_counts(cases).values())
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
            Entry(_("Over de termijn"), reverse("cases:overdue"), overdue, attention=True),
        ),
    )


@register_panel
def regie_cases_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not (user.has_perm("cases.view_all_cases") and user.organisation.is_municipality):
        return None
    counts = overdue_counts(Case.objects.for_user(user))
    names = dict(
        Organisation.objects.filter(pk__in=[pk for pk in counts if pk]).values_list("pk", "name")
    )
    per_provider: dict[str, int] = {}
    for provider_id, n in counts.items():
        name = names[provider_id] if provider_id else _("Geen uitvoerder")
        per_provider[name] = per_provider.get(name, 0) + n
    url = reverse("cases:overdue")
    entries = [Entry(_("Zaken over de termijn"), url, sum(counts.values()), attention=True)]
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
    url = reverse("cases:income-overview")
    return Panel(
        key="income-cases",
        title=_("Geregelde betaling"),
        order=20,
        entries=(
            Entry(_("Op te pakken"), url, counts.get(CaseStatus.ASSIGNED, 0), attention=True),
            Entry(_("In behandeling"), url, sum(counts.get(s, 0) for s in WORKING)),
        ),
    )


def _works_cases(user) -> bool:
    return user.has_perm("cases.work_case") and (
        (user.has_perm("cases.view_assigned_case") and user.organisation.is_provider)
        or (user.has_perm("cases.view_income_cases") and not user.has_perm("cases.view_all_cases"))
    )


@register_panel
def my_cases_panel(request: HttpRequest) -> Panel | None:
    """The caseworker's own queue: my open cases by deadline, overdue first."""
    user = request.user
    if not _works_cases(user):
        return None
    today = timezone.localdate()
    mine = Case.objects.for_user(user).filter(caseworker=user).exclude(status=CaseStatus.CLOSED)
    overdue = mine.filter(status__in=OUTREACH_OPEN, due_on__lt=today)
    nobody = Case.objects.for_user(user).filter(caseworker__isnull=True, status=CaseStatus.ASSIGNED)
    first = mine.order_by(F("due_on").asc(nulls_last=True), "-crisis", "opened_at", "id")[:8]
    rows = tuple(
        Row(
            _("Zaak %(ref)s") % {"ref": case.reference},
            reverse("cases:case-detail", args=[case.public_id]),
            (
                case.get_status_display(),
                _("termijn %(date)s") % {"date": case.due_on.strftime("%d-%m-%Y")}
                if case.due_on
                else _("geen termijn"),
            ),
            attention=case.due_on is not None and case.due_on < today,
        )
        for case in first
    )
    list_url = reverse("cases:case-list")
    entries = [
        Entry(_("Mijn lopende zaken"), list_url, mine.count()),
        Entry(_("Mijn zaken over de termijn"), list_url, overdue.count(), attention=True),
        Entry(_("Nog door niemand opgepakt"), list_url, nobody.count(), attention=True),
    ]
    if user.has_perm("cases.view_assigned_case"):
        # The provider's visits planned today and not done yet: the day list's count.
        visits_today = (
            HomeVisit.objects.for_user(user)
            .open()
            .filter(organisation_id=user.organisation_id, planned_on=today)
            .count()
        )
        entries.append(Entry(_("Huisbezoeken vandaag"), reverse("cases:visit-day"), visits_today))
    return Panel(
        key="my-cases",
        title=_("Mijn zaken"),
        order=5,
        entries=tuple(entries),
        rows=rows,
        empty=_("U heeft nog geen zaken. Pak een zaak op of vraag uw teamleider."),
    )


@register_panel
def team_panel(request: HttpRequest) -> Panel | None:
    """The team lead's queue: unassigned cases and overdue per caseworker."""
    user = request.user
    if not user.has_perm("cases.distribute_cases"):
        return None
    url = reverse("cases:team")
    load = caseload(user)
    unassigned = next(row for row in load if row["caseworker"] is None)
    entries = [Entry(_("Zaken die nog niemand heeft"), f"{url}?van=geen", unassigned["open"],
                     attention=True)]  # fmt: skip
    entries += [
        Entry(
            worker_name(row["caseworker"]),
            f"{url}?van={row['caseworker'].pk}",
            row["overdue"],
            attention=True,
        )
        for row in load
        if row["caseworker"] is not None
    ]
    return Panel(
        key="team",
        title=_("Team"),
        description=_("Per casemanager: het aantal zaken over de termijn."),
        order=6,
        entries=tuple(entries),
        more_url=url,
        more_label=_("Zaken verdelen"),
    )


@register_panel
def queues_panel(request: HttpRequest) -> Panel | None:
    """The assessment frame's queues: the cases waiting to be picked up, per queue."""
    user = request.user
    if not (
        (user.has_perm("cases.view_assigned_case") and user.organisation.is_provider)
        or (user.has_perm("cases.view_all_cases") and user.organisation.is_municipality)
    ):
        return None
    waiting = (
        Case.objects.for_user(user)
        .filter(status__in=(CaseStatus.RECEIVED, CaseStatus.ASSIGNED))
        .exclude(queue="")
        .values("queue")
        .annotate(n=Count("id"))
        .order_by("queue")
    )
    list_url = reverse("cases:case-list")
    return Panel(
        key="frame-queues",
        title=_("Werkbakken"),
        description=_("Nieuwe zaken per werkbak van het afwegingskader, nog niet opgepakt."),
        order=25,
        entries=tuple(Entry(row["queue"], list_url, row["n"]) for row in waiting),
        empty=_("Er wachten geen zaken in de werkbakken."),
    )
