"""Screens of data protection: retention periods and runs, and access requests."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.privacy.forms import LogPersonForm
from meldpunt.privacy.log_persons import remember_person
from meldpunt.privacy.models import RetentionCategory, RetentionPeriod, RetentionRun, RetentionUnit
from meldpunt.privacy.retention import CHANGE_RETENTION, retention_period_set, retention_periods
from meldpunt.privacy.views import log_search_page

from .access import (
    HANDLE_ACCESS_REQUEST,
    VIEW_LOG,
    access_request_export,
    access_request_search,
    household_index_of,
    log_person_lookup,
    person_index_of,
)
from .forms import AccessRequestExportForm, AccessRequestSearchForm, RetentionPeriodForm
from .letter import access_letter

# --------------------------------------------------------------------------------------------
# Retention periods (bewaartermijnen) and access requests (inzageverzoek)
# --------------------------------------------------------------------------------------------


@login_required
def retention_settings(request: HttpRequest) -> HttpResponse:
    """The retention periods in force, their history and the last runs; change one by POST."""
    if not request.user.has_perm(CHANGE_RETENTION):
        raise PermissionDenied
    form = RetentionPeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        retention_period_set(
            by=request.user,
            category=form.cleaned_data["categorie"],
            amount=form.cleaned_data["termijn"],
            unit=form.cleaned_data["eenheid"],
        )
        messages.success(request, _("De bewaartermijn is gewijzigd."))
        return redirect("dataprotection:retention")
    periods = [
        {"label": RetentionCategory(c).label, "amount": amount, "unit": RetentionUnit(unit).label}
        for c, (amount, unit) in retention_periods().items()
    ]
    return render(
        request,
        "dataprotection/retention.html",
        {
            "form": form,
            "periods": periods,
            "history": RetentionPeriod.objects.select_related("changed_by").order_by(
                "-changed_at", "-id"
            )[:20],
            "runs": RetentionRun.objects.prefetch_related("deletions")[:10],
        },
        status=400 if form.errors else 200,
    )


@login_required
def access_request(request: HttpRequest) -> HttpResponse:
    """Search form (POST only: a name never goes into a URL) and the persons found."""
    if not request.user.has_perm(HANDLE_ACCESS_REQUEST):
        raise PermissionDenied
    form = AccessRequestSearchForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("achternaam") and data.get("geboortedatum"):
            found = access_request_search(
                by=request.user,
                person_index=person_index_of(
                    surname=data["achternaam"], birth_date=data["geboortedatum"]
                ),
            )
        else:
            number = data["huisnummer"].strip()
            found = access_request_search(
                by=request.user,
                household_index=household_index_of(
                    postcode=data["postcode"],
                    number=str(int(number)) if number.isdecimal() and number.isascii() else number,
                    letter=data.get("huisletter", "").strip(),
                    addition=data.get("huisnummertoevoeging", "").strip(),
                ),
            )
    return render(
        request,
        "dataprotection/access_request.html",
        {"form": form, "found": found},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def access_request_download(request: HttpRequest) -> HttpResponse:
    """The export of one person, as a JSON file or a printable HTML page (both downloads)."""
    if not request.user.has_perm(HANDLE_ACCESS_REQUEST):
        raise PermissionDenied
    form = AccessRequestExportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Ongeldig verzoek."))
    file_format = form.cleaned_data["formaat"]
    export = access_request_export(
        by=request.user, subject_id=str(form.cleaned_data["persoon"]), file_format=file_format
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "json":
        response = HttpResponse(
            json.dumps(export, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.json"'
    elif file_format == "pdf":
        from weasyprint import HTML

        html = render(
            request, "dataprotection/access_export.html", {"letter": access_letter(export)}
        ).content.decode()
        # No base URL: the PDF is made from the page alone, nothing is fetched.
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.pdf"'
    else:
        response = render(
            request, "dataprotection/access_export.html", {"letter": access_letter(export)}
        )
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.html"'
    return response


# --------------------------------------------------------------------------------------------
# The processing-log search by person (the page itself is privacy.views.log_search)
# --------------------------------------------------------------------------------------------


@login_required
@require_POST
def log_person_search(request: HttpRequest) -> HttpResponse:
    """Find a person by surname + birth date for the log search: posted, the pseudonyms wait in
    the session and the log search's URL carries only a token (ADR 0117)."""
    if not request.user.has_perm(VIEW_LOG):
        raise PermissionDenied
    form = LogPersonForm(request.POST)
    filters = QueryDict(request.POST.get("filters", ""), mutable=True)
    for key in ("pagina", "persoon"):
        filters.pop(key, None)
    if not form.is_valid():
        # The page as it was (its filters), with the person form's errors.
        request.GET = filters
        return log_search_page(request, person_form=form, status=400)
    found = log_person_lookup(
        by=request.user,
        surname=form.cleaned_data["achternaam"],
        birth_date=form.cleaned_data["geboortedatum"],
    )
    filters["persoon"] = remember_person(request.session, found.subject_ids, found.persons)
    return redirect(f"{reverse('privacy:log-search')}?{filters.urlencode()}")
