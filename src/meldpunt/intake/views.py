"""Screens of the intake: a landlord reports a signal and follows its feedback; regie triages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.cases.feedback import signals_with_feedback
from meldpunt.cases.models import Case
from meldpunt.cases.selectors import automatic_decisions, own_signals
from meldpunt.cases.services import signal_overturn
from meldpunt.cases.vocabulary import AUTOMATIC_NOT_TAKEN_UP
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.models import ConfigurationChange
from meldpunt.organisations.models import Municipality, PartnerType

from .files import template_csv
from .forms import SignalForm
from .forms_upload import ConfigurationChoiceForm, ConfigurationForm, OverturnForm, UploadForm
from .models import IntakeConfiguration, SignalImport
from .reports import refused_lines, refused_rows, report_rows
from .services import (
    CONFIGURATION_FIELDS,
    intake_configuration_update,
    signal_import_upload,
    signal_submit,
)


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def signal_create(request: HttpRequest) -> HttpResponse:
    form = SignalForm(
        request.POST if request.method == "POST" else None, partner=request.user.organisation
    )
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
    signals = own_signals(request.user).order_by("-received_at", "-id")
    page = Paginator(signals, 50).get_page(request.GET.get("pagina"))
    rows = signals_with_feedback(page.object_list)
    return render(request, "intake/signal_list.html", {"page": page, "rows": rows})


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


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = signal_import_upload(
            partner=request.user.organisation,
            by=request.user,
            upload=form.cleaned_data["file"],
            file_name=form.cleaned_data["file"].name,
        )
        return redirect("intake:upload-detail", public_id=batch.public_id)
    batches = SignalImport.objects.for_user(request.user)[:20]
    return render(
        request,
        "intake/upload.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


def _own_batch(request: HttpRequest, public_id) -> SignalImport:
    return get_object_or_404(SignalImport.objects.for_user(request.user), public_id=public_id)


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def upload_detail(request: HttpRequest, public_id) -> HttpResponse:
    batch = _own_batch(request, public_id)
    template = "intake/upload_detail.html#progress" if request.htmx else "intake/upload_detail.html"
    page = Paginator(refused_rows(batch), 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        template,
        {"batch": batch, "refused_page": page, "refused_lines": refused_lines(page.object_list)},
    )


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def upload_report(request: HttpRequest, public_id) -> StreamingHttpResponse:
    """The per-row report as CSV: line, the partner's own reference, status and reasons."""
    batch = _own_batch(request, public_id)
    response = StreamingHttpResponse(report_rows(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-{batch.public_id}.csv"'
    return response


@login_required
@permission_required("intake.submit_signal", raise_exception=True)
def template_download(request: HttpRequest) -> HttpResponse:
    partner_type = request.user.organisation.partner_type or PartnerType.HUUR
    response = HttpResponse(template_csv(partner_type), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meldpunt-sjabloon.csv"'
    return response


@login_required
@permission_required("organisations.manage_configuration", raise_exception=True)
def configuration(request: HttpRequest) -> HttpResponse:
    """Functioneel beheer: the thresholds of the target group per municipality and kind of
    signal partner, with their history."""
    municipalities = Municipality.objects.filter(
        pk__in=request.user.organisation.municipality_ids()
    ).order_by("name")
    chooser = ConfigurationChoiceForm(request.GET or None, municipalities=municipalities)
    municipality = municipalities.first()
    partner_type = PartnerType.HUUR
    if chooser.is_valid():
        municipality = chooser.cleaned_data["gemeente"]
        partner_type = chooser.cleaned_data["soort"]
    if municipality is None:
        raise PermissionDenied
    current = IntakeConfiguration.current(municipality.pk, partner_type)
    initial = {name: getattr(current, name) for name in CONFIGURATION_FIELDS}
    form = ConfigurationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        intake_configuration_update(
            by=request.user, municipality=municipality, partner_type=partner_type,
            **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, _("De instellingen zijn opgeslagen."))
        return redirect(
            f"{reverse('intake:configuration')}?gemeente={municipality.pk}&soort={partner_type}"
        )
    changes = ConfigurationChange.objects.filter(scope=municipality.code).select_related("by")[:50]
    return render(
        request,
        "intake/configuration.html",
        {
            "form": form,
            "chooser": chooser
            if chooser.is_bound
            else ConfigurationChoiceForm(
                municipalities=municipalities,
                initial={"gemeente": municipality.pk, "soort": partner_type},
            ),
            "municipality": municipality,
            "partner_type": PartnerType(partner_type),
            "changes": changes,
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("intake.triage_signal", raise_exception=True)
def review(request: HttpRequest) -> HttpResponse:
    """Regie reviews what the intake decided by itself and takes a signal up after all."""
    status = request.GET.get("status", "")
    signals = automatic_decisions(request.user, status=status)
    if request.method == "POST":
        form = OverturnForm(request.POST)
        target = signals.filter(public_id=request.POST.get("signal")).first()
        if target is None:
            raise Http404
        if form.is_valid():
            try:
                signal = signal_overturn(
                    signal_id=target.pk, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Het signaal is toch opgepakt en staat in de zaak hieronder.")
                )
                return redirect("cases:case-detail", public_id=signal.case.public_id)
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    page = Paginator(signals, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "intake/review.html",
        {"page": page, "status": status, "statuses": AUTOMATIC_NOT_TAKEN_UP},
    )
