"""Screens of the privacy officer: the register of processing activities and the log search."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import (
    HANDLE_ACCESS_REQUEST,
    access_request_export,
    access_request_search,
    household_index_of,
    person_index_of,
)
from .forms import (
    AccessRequestExportForm,
    AccessRequestSearchForm,
    LogSearchForm,
    ProcessingActivityForm,
    RetentionPeriodForm,
)
from .models import RetentionCategory, RetentionPeriod, RetentionRun, RetentionUnit
from .retention import CHANGE_RETENTION, retention_period_set, retention_periods
from .selectors import processing_log_search, register_current, register_versions
from .services import Processing, processing_activity_revise, processing_log_record_many

PAGE_SIZE = 50


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "privacy/register_list.html", {"activities": register_current(user=request.user)}
    )


@login_required
def register_edit(request: HttpRequest, code: str) -> HttpResponse:
    versions = list(register_versions(user=request.user, code=code))
    current = next((v for v in versions if v.is_current), None)
    if current is None:
        raise Http404
    form = ProcessingActivityForm(
        request.POST if request.method == "POST" else None, instance=current
    )
    if request.method == "POST" and form.is_valid():
        revised = processing_activity_revise(code=code, by=request.user, **form.cleaned_data)
        if revised.pk == current.pk:
            messages.info(request, _("Er is niets gewijzigd."))
        else:
            messages.success(
                request,
                _("Versie %(version)s van “%(name)s” is vastgelegd.")
                % {"version": revised.version, "name": revised.name},
            )
        return redirect("privacy:register-list")
    return render(
        request,
        "privacy/register_edit.html",
        {"form": form, "activity": current, "versions": versions},
        status=400 if form.errors else 200,
    )


@login_required
def log_search(request: HttpRequest) -> HttpResponse:
    """Search per data subject or per user. Reading the log about a person is itself logged."""
    processing_log_search(user=request.user)  # refuses users without the permission
    form = LogSearchForm(request.GET if request.GET else None)
    page = None
    if form.is_bound and form.is_valid():
        user = form.cleaned_data["gebruiker"]
        subject_id = form.cleaned_data["betrokkene"].strip()
        entries = processing_log_search(
            user=request.user, subject_id=subject_id or None, actor_id=user.pk if user else None
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))
        subjects = {subject_id} if subject_id else {e.data_subject_id for e in page.object_list}
        processing_log_record_many(
            actor=request.user,
            activity="privacy",
            action="read",
            name="processing_log.search",
            items=[
                Processing(subject, "processing_log", subject, ("processing_log",))
                for subject in sorted(subjects)
            ],
        )
    return render(
        request,
        "privacy/log_search.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


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
        return redirect("privacy:retention")
    periods = [
        {"label": RetentionCategory(c).label, "amount": amount, "unit": RetentionUnit(unit).label}
        for c, (amount, unit) in retention_periods().items()
    ]
    return render(
        request,
        "privacy/retention.html",
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
        "privacy/access_request.html",
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
        by=request.user, person_index=form.cleaned_data["persoon"], file_format=file_format
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

        html = render(request, "privacy/access_export.html", {"export": export}).content.decode()
        # No base URL: the PDF is made from the page alone, nothing is fetched.
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.pdf"'
    else:
        response = render(request, "privacy/access_export.html", {"export": export})
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.html"'
    return response
