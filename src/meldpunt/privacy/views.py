"""Screens of the privacy officer: the register of processing activities, the log search and
its CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.core.csv_safe import csv_lines

from .forms import LogPersonForm, LogSearchForm, ProcessingActivityForm
from .log_persons import recall_person
from .selectors import processing_log_search, register_current, register_versions
from .services import (
    Processing,
    processing_activity_revise,
    processing_log_record_many,
    record_reads,
)

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


def _log_query(request: HttpRequest) -> tuple[LogSearchForm, dict | None, str]:
    """The log search's filters (from the URL) and the person a lookup left in the session."""
    token = request.GET.get("persoon", "")
    person = recall_person(request.session, token)
    if token and person is None:
        messages.info(request, _("Die zoekopdracht is verlopen; zoek opnieuw."))
    given = [key for key in request.GET if key not in ("pagina", "persoon")]
    bound = bool(given) or person is not None
    form = LogSearchForm(request.GET if bound else None, has_person=person is not None)
    return form, person, token if person is not None else ""


def _filters_without_person(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("pagina", "persoon"):
        query.pop(key, None)
    return query.urlencode()


def log_search_page(
    request: HttpRequest, *, person_form: LogPersonForm | None = None, status: int = 200
) -> HttpResponse:
    """The log search page; ``dataprotection`` renders it with a person form that has errors."""
    processing_log_search(user=request.user)  # refuses users without the permission
    form, person, token = _log_query(request)
    page = None
    if person_form is None and form.is_bound and form.is_valid():
        entries = processing_log_search(
            user=request.user,
            subject_ids=person["subjects"] if person else None,
            **form.criteria(),
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))
        # Reading the log about a person is a read of their data: every subject asked for, or
        # (a search without a person) every subject on the page shown.
        subject = form.criteria()["subject_id"]
        if person:
            subjects = set(person["subjects"])
        elif subject:
            subjects = {subject}
        else:
            subjects = {e.data_subject_id for e in page.object_list}
        record_reads(
            actor=request.user,
            activity="privacy",
            name="processing_log.search",
            items=[
                Processing(subject, "processing_log", subject, ("processing_log",))
                for subject in sorted(subjects)
            ],
        )
    filters = _filters_without_person(request)
    if person_form is None:
        person_form = LogPersonForm(initial={"filters": filters})
    return render(
        request,
        "privacy/log_search.html",
        {
            "form": form,
            "person_form": person_form,
            "person": person,
            "person_token": token,
            "filters": filters,
            "page": page,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
def log_search(request: HttpRequest) -> HttpResponse:
    """Search by period, action, activity, user, data subject and person. Filters are in the
    URL (ids, dates, vocabulary); a person only as a token (``log_persons``). Reading the log
    about a person is itself logged."""
    return log_search_page(request)


EXPORT_COLUMNS = (
    "volgnummer", "tijdstip", "handeling", "naam", "status", "verwerking", "versie",
    "betrokkene_type", "betrokkene", "gebruiker", "organisatie", "object_type", "object_id",
    "velden", "trace_id", "span_id",
)  # fmt: skip


@login_required
@require_POST
def log_export(request: HttpRequest) -> HttpResponse:
    """The search's records as CSV (the criteria are the URL's, as on the page). The export is
    itself logged: one export record per data subject in the file."""
    processing_log_search(user=request.user)
    form, person, _token = _log_query(request)
    if not form.is_bound or not form.is_valid():
        return HttpResponseBadRequest(
            _("Geef eerst een zoekvraag op; zonder zoekvraag wordt niets geëxporteerd.")
        )
    entries = processing_log_search(
        user=request.user, subject_ids=person["subjects"] if person else None, **form.criteria()
    )
    # The file holds the log as it was when asked: not the record of this export itself.
    newest = entries.values_list("sequence", flat=True).first()
    entries = entries.filter(sequence__lte=newest or 0)
    subjects = list(entries.order_by().values_list("data_subject_id", flat=True).distinct())
    processing_log_record_many(
        actor=request.user,
        activity="privacy",
        action="export",
        name="processing_log.export.csv",
        items=[
            Processing(subject, "processing_log", subject, ("processing_log",))
            for subject in sorted(subjects)
        ],
    )

    def rows():
        yield EXPORT_COLUMNS
        for e in entries.iterator(chunk_size=2000):
            yield (
                e.sequence,
                timezone.localtime(e.start_time).strftime("%d-%m-%Y %H:%M:%S"),
                e.get_action_display(),
                e.name,
                e.get_status_display(),
                e.processing_activity.name,
                e.processing_activity.version,
                e.data_subject_type,
                e.data_subject_id,
                e.actor.email if e.actor else "",
                e.actor_organisation.name if e.actor_organisation else "",
                e.object_type,
                e.object_id,
                ", ".join(e.fields),
                e.trace_id,
                e.span_id,
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="verwerkingslog-{stamp}.csv"'
    return response
