"""Background jobs of case work (django-tasks). Enqueued daily by ``meldpunt deadline-reminders``."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from meldpunt.organisations.models import Organisation

from .deadlines import overdue_counts
from .models import Case, Track


def _recipients(organisation: Organisation, *, income: bool) -> list[str]:
    codename = "view_income_cases" if income else "work_case"
    users = (
        get_user_model()
        .objects.filter(organisation=organisation, is_active=True)
        .filter(Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename))
        .exclude(email="")
        .distinct()
    )
    return sorted(u.email for u in users)


@task()
def deadline_reminders_send() -> int:
    """One e-mail per organisation with overdue cases: counts and a link, no personal data."""
    per_org: Counter = Counter()
    for provider_id, count in overdue_counts(Case.objects.all()).items():
        if provider_id:
            per_org[(provider_id, False)] += count
    # Geregelde betaling cases have no provider: the income team of the municipality.
    income_cases = Case.objects.filter(provider__isnull=True, track=Track.GEREGELDE_BETALING)
    if income_overdue := sum(overdue_counts(income_cases).values()):
        per_org[(None, True)] += income_overdue
    sent = 0
    link = reverse("cases:overdue")
    for (org_id, income), count in sorted(per_org.items(), key=lambda kv: str(kv[0])):
        organisation = (
            Organisation.objects.get(pk=org_id)
            if org_id
            else Organisation.objects.filter(type="gemeente").first()
        )
        if organisation is None:
            continue
        recipients = _recipients(organisation, income=income)
        if not recipients:
            continue
        send_mail(
            subject=f"Meldpunt: {count} zaken over de termijn",
            message=(
                f"Er staan {count} zaken van uw organisatie over de termijn voor de eerste "
                f"contactpoging of het afronden van de outreach.\n\n"
                f"Bekijk ze in het Meldpunt onder Zaken > Termijnen ({link}).\n"
                "Deze e-mail bevat bewust geen persoonsgegevens."
            ),
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipient_list=recipients,
        )
        sent += 1
    return sent
