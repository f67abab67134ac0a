"""Screens of the intake: a landlord reports a signal and follows its feedback; regie triages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from meldpunt.cases.models import Case
from meldpunt.cases.workflow import CaseStatus

from .forms import SignalForm
from .models import Signal
from .services import signal_submit


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def signal_create(request: HttpRequest) -> HttpResponse:
    form = SignalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signal = signal_submit(
                partner=request.user.organisation, raw=form.cleaned_data, submitted_by=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Het signaal met referentie {signal.partner_reference} is ontvangen.",
            )
            return redirect("intake:signal-list")
    status = 400 if form.errors else 200
    return render(request, "intake/signal_form.html", {"form": form}, status=status)


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def signal_list(request: HttpRequest) -> HttpResponse:
    """A landlord's own signals with the minimal feedback (terugkoppeling); no personal data."""
    signals = (
        Signal.objects.for_user(request.user)
        .filter(partner_id=request.user.organisation_id)
        .defer("details")
        .order_by("-received_at", "-id")
    )
    page = Paginator(signals, 50).get_page(request.GET.get("pagina"))
    return render(request, "intake/signal_list.html", {"page": page})


@login_required
@permission_required("intake.triage_signal", raise_exception=True)
def triage(request: HttpRequest) -> HttpResponse:
    """Cases waiting for triage, crisis signals first. Lists show no personal data."""
    visible = Case.objects.for_user(request.user).select_related("district__provider", "provider")
    waiting = visible.filter(status=CaseStatus.RECEIVED).order_by("-crisis", "opened_at", "id")
    routed = visible.filter(
        status=CaseStatus.ASSIGNED, assigned_at__gte=timezone.now() - timedelta(days=14)
    ).order_by("-crisis", "-assigned_at", "-id")
    return render(
        request,
        "intake/triage.html",
        {
            "page": Paginator(waiting, 50).get_page(request.GET.get("pagina")),
            "routed": Paginator(routed, 50).get_page(request.GET.get("toegewezen")),
        },
    )
