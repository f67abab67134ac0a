"""Screens of case work. Every query goes through Case.objects.for_user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from meldpunt.privacy.services import processing_log_record

from .forms import AssignForm
from .models import Case
from .services import case_assign
from .workflow import CaseStatus


def _require_case_access(user) -> None:
    if not (user.has_perm("cases.view_all_cases") or user.has_perm("cases.view_assigned_case")):
        raise PermissionDenied


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _require_case_access(request.user)
    cases = (
        Case.objects.for_user(request.user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("district", "provider")
        .order_by("-crisis", "opened_at", "id")
    )
    page = Paginator(cases, 50).get_page(request.GET.get("pagina"))
    return render(request, "cases/case_list.html", {"page": page})


@login_required
def case_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The case with the tenant's data: each view is one record in the processing log."""
    _require_case_access(request.user)
    case = get_object_or_404(
        Case.objects.for_user(request.user).select_related("district__provider", "provider"),
        public_id=public_id,
    )
    signals = list(case.signals.select_related("partner").order_by("received_at", "id"))
    processing_log_record(
        actor=request.user,
        activity="triage" if request.user.has_perm("cases.view_all_cases") else "outreach",
        action="read",
        name="case.view",
        subject_id=case.subject_id,
        object_type="case",
        object_id=case.public_id,
        fields=["person", "arrears"],
    )
    assign_form = None
    if request.user.has_perm("intake.triage_signal") and case.status in (
        CaseStatus.RECEIVED,
        CaseStatus.ASSIGNED,
    ):
        proposed = case.provider or (case.district.provider if case.district else None)
        assign_form = AssignForm(initial={"provider": proposed})
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "signals": signals,
            "history": case.history.select_related("by_organisation"),
            "assign_form": assign_form,
        },
    )


@login_required
@require_POST
def case_assign_view(request: HttpRequest, public_id) -> HttpResponse:
    if not request.user.has_perm("intake.triage_signal"):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.for_user(request.user), public_id=public_id)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            case_assign(
                case_id=case.pk,
                provider=form.cleaned_data["provider"],
                track=form.cleaned_data["track"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "De zaak is toegewezen.")
            return redirect("intake:triage")
    signals = list(case.signals.select_related("partner").order_by("received_at", "id"))
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "signals": signals, "history": case.history.all(), "assign_form": form},
        status=400,
    )
