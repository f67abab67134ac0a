"""The navigation shown to a user depends only on their permissions."""

from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [(_("Overzicht"), reverse("home"))]
    if user.has_perm("intake.submit_signal"):
        items += [
            (_("Signaal melden"), reverse("intake:signal-create")),
            (_("Bestand aanleveren"), reverse("intake:upload")),
            (_("Mijn signalen"), reverse("intake:signal-list")),
        ]
    if user.has_perm("cases.record_own_instrument") and user.organisation.is_landlord:
        items.append((_("Mijn huurders"), reverse("safeguards:tenancy-list")))
    if user.has_perm("intake.triage_signal"):
        items.append((_("Triage"), reverse("intake:triage")))
        items.append((_("Beoordeling"), reverse("intake:review")))
        items.append(
            (_("Eigen instrumenten verhuurders"), reverse("safeguards:landlord-instruments"))
        )
    if user.has_perm("cases.view_all_cases") and user.organisation.is_municipality:
        items.append(
            (_("Uitkomsten zonder verklaring"), reverse("safeguards:outcomes-without-verklaring"))
        )
    if user.has_perm("organisations.manage_configuration"):
        items.append((_("Instellingen intake"), reverse("intake:configuration")))
        items.append((_("Routering"), reverse("organisations:routing")))
        items.append((_("Verdeelsleutel kosten"), reverse("reporting:cost-key")))
    if (
        user.has_perm("cases.view_all_cases")
        or user.has_perm("cases.view_assigned_case")
        or user.has_perm("cases.view_income_cases")
    ):
        items.append((_("Zaken"), reverse("cases:case-list")))
    if user.has_perm("cases.work_income_track") and user.organisation.is_municipality:
        items.append((_("Geregelde betaling"), reverse("cases:income-overview")))
    if user.has_perm("organisations.manage_configuration"):
        items.append((_("Instellingen Sluitende Aanpak"), reverse("safeguards:rule-config")))
        items.append((_("Afwegingskader"), reverse("cases:frame-config")))
        items.append((_("Brieven en kaartjes"), reverse("cases:letter-templates")))
    if user.has_perm("cases.work_case") and user.has_perm("cases.view_assigned_case"):
        items.append((_("Huisbezoeken"), reverse("cases:visit-day")))
    if (
        user.has_perm("cases.view_statistics")
        or (user.has_perm("intake.submit_signal") and user.organisation.is_partner)
        or (user.has_perm("cases.view_assigned_case") and user.organisation.is_provider)
    ):
        items.append((_("Cijfers"), reverse("reporting:dashboard")))
    if user.has_perm("cases.view_statistics") and user.organisation.is_municipality:
        items.append((_("Kostenverdeling"), reverse("reporting:cost-statement")))
    if user.has_perm("reporting.export_ddas") and user.organisation.is_municipality:
        items.append((_("DDAS-levering"), reverse("reporting:ddas-export")))
    if user.has_perm("privacy.view_processing_log"):
        items.append((_("Verwerkingslog"), reverse("privacy:log-search")))
    if user.has_perm("privacy.change_processingactivity"):
        items.append((_("Verwerkingsregister"), reverse("privacy:register-list")))
    if user.has_perm("privacy.handle_access_request"):
        items.append((_("Inzageverzoek"), reverse("dataprotection:access-request")))
    if user.has_perm("privacy.change_retentionperiod"):
        items.append((_("Bewaartermijnen"), reverse("dataprotection:retention")))
    if user.has_perm("accounts.manage_api_clients"):
        items.append((_("API-koppelingen"), reverse("accounts:api-clients")))
        if getattr(user.organisation, "is_partner", False):
            items.append((_("Webhooks"), reverse("webhooks:webhooks")))
    return {
        "navigation": [
            {"label": label, "url": url, "current": request.path == url} for label, url in items
        ]
    }
