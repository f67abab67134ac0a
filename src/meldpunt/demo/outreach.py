"""Demo outreach (issue #12): phone numbers for letters, and home visits planned today, so the
caseworker's home screen and day list have something to show on the first log-in."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meldpunt.accounts.demo import require_demo_mode
from meldpunt.cases.models import Case, HomeVisit
from meldpunt.cases.services import home_visit_plan
from meldpunt.cases.workflow import CaseStatus
from meldpunt.organisations.models import Organisation, OrganisationType

PARTS = ("Ochtend", "Middag", "Avond")
DEMO_NAMES = [
    ("Anouk", "de Wit"), ("Bram", "Kuipers"), ("Chayenne", "Pinas"), ("Daan", "Vermeer"),
    ("Esra", "Yilmaz"), ("Fleur", "Hoekstra"), ("Gijs", "van Rijn"), ("Hanna", "Sedney"),
    ("Ilias", "Amrani"), ("Joke", "Smit"), ("Koen", "Dijkman"), ("Lotte", "Brouwer"),
    ("Mohamed", "Tahiri"), ("Nina", "Boateng"), ("Olaf", "Mulder"), ("Priya", "Ramdin"),
]  # fmt: skip
VISITS_PER_PROVIDER = 4


def demo_outreach_ensure() -> int:
    """Numbers on letters and up to four visits today per provider; returns the visits made."""
    require_demo_mode()
    today = timezone.localdate()
    providers = list(Organisation.objects.filter(type=OrganisationType.PROVIDER))
    for number, provider in enumerate(providers, start=1):
        if not provider.phone:
            provider.phone = f"020 555 {number:02d} 00"
            provider.email = f"info@{provider.slug}.example"
            provider.save(update_fields=["phone", "email"])
    # Names, so the team lead distributes work among people and letters carry a name (the
    # demo users are otherwise known by their e-mail address only).
    for index, user in enumerate(
        get_user_model()
        .objects.filter(email__endswith="@demo.meldpunt.nl", first_name="", api_tokens=None)
        .order_by("email")
    ):
        user.first_name, user.last_name = DEMO_NAMES[index % len(DEMO_NAMES)]
        user.save(update_fields=["first_name", "last_name"])
    users = get_user_model().objects.filter(organisation__in=providers, direct_phone="")
    for number, user in enumerate(users, start=1):
        user.direct_phone = f"06 5555 {number:04d}"
        user.contact_email = user.email
        user.save(update_fields=["direct_phone", "contact_email"])
    if HomeVisit.objects.filter(planned_on=today).exists():
        return 0
    made = 0
    for provider in providers:
        worker = provider.users.filter(groups__name="Hulpverlener").order_by("id").first()
        if worker is None:
            continue
        cases = Case.objects.filter(
            provider=provider,
            status__in=(CaseStatus.ASSIGNED, CaseStatus.PICKED_UP, CaseStatus.IN_CONTACT),
        ).order_by("-opened_at", "-id")[:VISITS_PER_PROVIDER]
        for index, case in enumerate(cases):
            try:
                home_visit_plan(
                    case_id=case.pk, by=worker, planned_on=today, part_of_day=PARTS[index % 3]
                )
            except (ValidationError, PermissionDenied):
                continue
            made += 1
    return made
