"""Screens of the privacy officer: the register of processing activities and the log search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import (
    LogSearchForm,
    ProcessingActivityForm,
)
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
