"""Screens of a landlord's own tenants: its own instruments, their agreements, and the checks.

The Sluitende Aanpak questions are about one tenancy (landlord + tenant); the landlord reaches
it from one of its signals or by registering the tenant itself (a tenant never signalled, or a
signal outside the target group), so B2 is reachable for every tenant (issue #9).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.cases.feedback import signals_with_feedback
from meldpunt.cases.forms import DeployForm, EventForm
from meldpunt.cases.models import InstrumentDeployment, Signal, Tenancy
from meldpunt.cases.selectors import own_signals, own_tenancies, signal_get_own, tenancy_get_own
from meldpunt.cases.services import (
    landlord_instrument_event_record,
    landlord_instrument_record,
    tenancy_register,
)
from meldpunt.organisations.models import Organisation
from meldpunt.privacy.services import Processing, processing_log_record, record_reads

from .forms import (
    EvictionCheckForm,
    OutcomeFilterForm,
    OutcomeForm,
    OutcomeWithdrawForm,
    TenancyRegisterForm,
)
from .models import Question, SafeguardCheck, TenancyOutcome
from .services import safeguard_check_ask, tenancy_outcome_record
from .services import tenancy_outcome_withdraw as tenancy_outcome_withdraw_service


def _own_tenancy(request: HttpRequest, public_id) -> Tenancy:
    try:
        return tenancy_get_own(request.user, public_id=public_id)
    except Tenancy.DoesNotExist:
        raise Http404 from None


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _tenancy_context(request: HttpRequest, tenancy: Tenancy, **forms) -> dict:
    """The landlord's page of one tenant; every rendering is one processing-log record."""
    user = request.user
    processing_log_record(
        actor=user,
        activity="sluitende-aanpak",
        action="read",
        name="tenancy.view",
        subject_id=tenancy.person.subject_id,
        object_type="tenancy",
        object_id=tenancy.public_id,
        fields=["reference", "own_instruments", "checks", "outcomes"],
    )
    own = (
        InstrumentDeployment.objects.filter(tenancy=tenancy, organisation_id=user.organisation_id)
        .select_related("instrument")
        .prefetch_related("events")
        .defer("monthly_amount")
    )
    can_record = user.has_perm("cases.record_own_instrument")
    return {
        "tenancy": tenancy,
        "registered": (tenancy.details or {}).get("person", {}),
        "signals": signals_with_feedback(
            own_signals(user).filter(tenancy=tenancy).order_by("-received_at", "-id")
        ),
        "own_deployments": own,
        "checks": SafeguardCheck.objects.for_user(user).filter(tenancy=tenancy),
        "can_ask": user.has_perm("safeguards.ask_check"),
        "can_record_outcome": user.has_perm("safeguards.record_outcome"),
        "outcomes_in_force": TenancyOutcome.objects.for_user(user)
        .filter(tenancy=tenancy)
        .in_force()
        .count(),
        "instrument_form": (
            forms.get("instrument_form")
            or DeployForm(organisation=user.organisation, with_amount=False)
        )
        if can_record
        else None,
        "landlord_event_form": (
            forms.get("landlord_event_form") or EventForm(deployments=own, landlord=True)
        )
        if can_record and own
        else None,
    }


@login_required
def tenancy_list(request: HttpRequest) -> HttpResponse:
    """The landlord's own tenants in the Meldpunt (signalled or registered), by reference."""
    if not request.user.has_perm("cases.record_own_instrument") or not (
        request.user.organisation.is_landlord
    ):
        raise PermissionDenied
    tenancies = own_tenancies(request.user).order_by("-created_at", "-id")
    reference = " ".join(request.GET.get("referentie", "").split())[:60]
    if reference:
        tenancies = tenancies.filter(reference=reference)
    page = Paginator(tenancies, 50).get_page(request.GET.get("pagina"))
    return render(request, "safeguards/tenancy_list.html", {"page": page, "reference": reference})


@login_required
def tenancy_register_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cases.record_own_instrument") or not (
        request.user.organisation.is_landlord
    ):
        raise PermissionDenied
    form = TenancyRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            tenancy, created = tenancy_register(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("De huurder is vastgelegd.")
                if created
                else _("Deze huurder stond al bij u vastgelegd."),
            )
            return redirect("safeguards:tenancy", public_id=tenancy.public_id)
    return render(
        request, "safeguards/tenancy_register.html", {"form": form},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
def tenancy_detail(request: HttpRequest, public_id) -> HttpResponse:
    tenancy = _own_tenancy(request, public_id)
    return render(request, "safeguards/tenancy_detail.html", _tenancy_context(request, tenancy))


@login_required
@require_POST
def landlord_instrument_create(request: HttpRequest, public_id) -> HttpResponse:
    tenancy = _own_tenancy(request, public_id)
    if not request.user.has_perm("cases.record_own_instrument"):
        raise PermissionDenied
    form = DeployForm(request.POST, organisation=request.user.organisation, with_amount=False)
    if form.is_valid():
        try:
            landlord_instrument_record(
                tenancy_id=tenancy.pk,
                by=request.user,
                instrument=form.cleaned_data["instrument"],
                deployed_on=form.cleaned_data["deployed_on"],
                agreements=form.cleaned_data["agreements"],
                first_due_on=form.cleaned_data["first_due_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Uw instrument is vastgelegd."))
            return redirect("safeguards:tenancy", public_id=tenancy.public_id)
    return render(
        request,
        "safeguards/tenancy_detail.html",
        _tenancy_context(request, tenancy, instrument_form=form),
        status=400,
    )


@login_required
@require_POST
def landlord_event_create(request: HttpRequest, public_id) -> HttpResponse:
    tenancy = _own_tenancy(request, public_id)
    if not request.user.has_perm("cases.record_own_instrument"):
        raise PermissionDenied
    own = InstrumentDeployment.objects.filter(
        tenancy=tenancy, organisation_id=request.user.organisation_id
    )
    form = EventForm(request.POST, deployments=own, landlord=True)
    if form.is_valid():
        try:
            landlord_instrument_event_record(
                deployment_id=form.cleaned_data["deployment"].pk,
                by=request.user,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("De afspraak is bijgewerkt."))
            return redirect("safeguards:tenancy", public_id=tenancy.public_id)
    return render(
        request,
        "safeguards/tenancy_detail.html",
        _tenancy_context(request, tenancy, landlord_event_form=form),
        status=400,
    )


def _ask(request: HttpRequest, tenancy: Tenancy, question: str, signal: Signal | None):
    if question not in Question.values:
        raise Http404
    if not request.user.has_perm("safeguards.ask_check") or not (
        request.user.organisation.is_landlord
    ):
        raise PermissionDenied
    bound = request.POST if request.method == "POST" else None
    form = EvictionCheckForm(bound) if question == Question.EVICTION else None
    context = {"tenancy": tenancy, "signal": signal, "question": Question(question), "form": form}
    if request.method == "POST":
        if form is not None and not form.is_valid():
            return render(request, "safeguards/check_ask.html", context, status=400)
        data = form.cleaned_data if form is not None else {}
        check = safeguard_check_ask(
            tenancy_id=tenancy.pk,
            signal_id=signal.pk if signal else None,
            by=request.user,
            question=question,
            weighty_ground=data.get("weighty_ground", ""),
            justification=data.get("justification", ""),
        )
        return redirect("safeguards:check-detail", public_id=check.public_id)
    return render(request, "safeguards/check_ask.html", context)


@login_required
def check_ask(request: HttpRequest, public_id, question: str) -> HttpResponse:
    """A check about one of the landlord's own tenants."""
    return _ask(request, _own_tenancy(request, public_id), question, None)


@login_required
def check_ask_for_signal(request: HttpRequest, public_id, question: str) -> HttpResponse:
    """The same, asked from one of the landlord's own signals (about that signal's tenant)."""
    if not request.user.has_perm("safeguards.ask_check"):
        raise PermissionDenied
    try:
        signal = signal_get_own(request.user, public_id=public_id)
    except Signal.DoesNotExist:
        raise Http404 from None
    if signal.tenancy is None:
        raise Http404
    return _ask(request, signal.tenancy, question, signal)


@login_required
def landlord_instruments(request: HttpRequest) -> HttpResponse:
    """Regie: the landlords' own instruments (terms and first due date), with or without a case.

    Makes a landlord's own payment plan visible to the municipality (docs/adr/0009); each page
    is one processing-log record per instrument shown.
    """
    user = request.user
    if not (user.has_perm("cases.view_all_cases") and user.organisation.is_municipality):
        raise PermissionDenied
    deployments = (
        InstrumentDeployment.objects.filter(tenancy__in=Tenancy.objects.for_user(user).values("pk"))
        .select_related("instrument", "organisation", "tenancy__person")
        .prefetch_related("events")
        .order_by("-recorded_at", "-id")
    )
    page = Paginator(deployments, 50).get_page(request.GET.get("pagina"))
    record_reads(
        actor=user,
        activity="sluitende-aanpak",
        name="instrument.landlord_list",
        items=[
            Processing(
                str(d.tenancy.person.subject_id),
                "instrument_deployment",
                d.public_id,
                ("instrument", "first_due_on", "agreements"),
            )
            for d in page
        ],
    )
    return render(request, "safeguards/landlord_instruments.html", {"page": page})


def _outcome_tenancy(request: HttpRequest, public_id) -> Tenancy:
    if not request.user.has_perm("safeguards.record_outcome") or not (
        request.user.organisation and request.user.organisation.is_landlord
    ):
        raise PermissionDenied
    return _own_tenancy(request, public_id)


def _own_outcomes(request: HttpRequest, tenancy: Tenancy):
    """The outcomes this landlord registered for this tenancy; each rendering one log record."""
    outcomes = list(
        TenancyOutcome.objects.for_user(request.user)
        .filter(tenancy=tenancy)
        .select_related("withdrawal")
    )
    processing_log_record(
        actor=request.user,
        activity="sluitende-aanpak",
        action="read",
        name="outcome.list",
        subject_id=tenancy.person.subject_id if tenancy.person_id else "",
        object_type="tenancy",
        object_id=tenancy.public_id,
        fields=["outcomes"],
    )
    return outcomes


@login_required
def tenancy_outcome(request: HttpRequest, public_id) -> HttpResponse:
    """The landlord registers what followed for its own tenant, and sees what it registered.

    Shows nothing of the case: only the landlord's own outcomes and whether its own verklaring
    was valid that day (the acceptance point of issue #11).
    """
    tenancy = _outcome_tenancy(request, public_id)
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = tenancy_outcome_record(
                by=request.user, tenancy_id=tenancy.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if outcome.verklaring_valid is False:
                messages.warning(
                    request,
                    _(
                        "De uitkomst is vastgelegd. Er was op die datum geen geldige verklaring "
                        "Sluitende Aanpak voor deze huurder; de gemeente ziet dit."
                    ),
                )
            else:
                messages.success(request, _("De uitkomst is vastgelegd."))
            return redirect("safeguards:tenancy-outcome", public_id=tenancy.public_id)
    outcomes = _own_outcomes(request, tenancy)
    return render(
        request,
        "safeguards/tenancy_outcome.html",
        {
            "tenancy": tenancy,
            "form": form,
            "outcomes": outcomes,
            "can_withdraw": any(not o.withdrawn for o in outcomes),
            "valid_days": settings.MELDPUNT_VERKLARING_VALID_DAYS,
        },
        status=400 if form.errors else 200,
    )


@login_required
def tenancy_outcome_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    """Withdraw one of the landlord's own outcomes; it stays on record, marked as withdrawn."""
    tenancy = _outcome_tenancy(request, public_id)
    outcomes = [o for o in _own_outcomes(request, tenancy) if not o.withdrawn]
    initial = {"outcome": request.GET.get("uitkomst", "")}
    form = OutcomeWithdrawForm(
        request.POST if request.method == "POST" else None, outcomes=outcomes, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            tenancy_outcome_withdraw_service(
                by=request.user,
                tenancy_id=tenancy.pk,
                outcome_id=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("De uitkomst is ingetrokken."))
            return redirect("safeguards:tenancy-outcome", public_id=tenancy.public_id)
    return render(
        request,
        "safeguards/tenancy_outcome_withdraw.html",
        {"tenancy": tenancy, "form": form, "outcomes": outcomes},
        status=400 if form.errors else 200,
    )


@login_required
def outcomes_without_verklaring(request: HttpRequest) -> HttpResponse:
    """Regie: bailiff hand-overs and evictions for which no valid verklaring existed that day.

    The covenant's own test (art. 1.13) so regie can follow each one up; never suppressed here,
    since regie may see the tenancies anyway. Each page is one processing-log record per outcome
    shown.
    """
    user = request.user
    if not (user.has_perm("cases.view_all_cases") and user.organisation.is_municipality):
        raise PermissionDenied
    outcomes = TenancyOutcome.objects.for_user(user).without_valid_verklaring()
    landlords = Organisation.objects.filter(pk__in=outcomes.values("organisation_id")).order_by(
        "name"
    )
    form = OutcomeFilterForm(request.GET or None, landlords=landlords)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["verhuurder"]:
            outcomes = outcomes.filter(organisation=form.cleaned_data["verhuurder"])
        if form.cleaned_data["jaar"]:
            outcomes = outcomes.filter(occurred_on__year=form.cleaned_data["jaar"])
    outcomes = outcomes.select_related(
        "organisation", "tenancy", "attestation__check_record"
    ).order_by("-occurred_on", "-id")
    page = Paginator(outcomes, 50).get_page(request.GET.get("pagina"))
    cases = {
        tenancy_id: case_id
        for tenancy_id, case_id in Signal.objects.filter(
            tenancy_id__in={o.tenancy_id for o in page}, case__isnull=False
        )
        .order_by("received_at")
        .values_list("tenancy_id", "case__public_id")
    }
    record_reads(
        actor=user,
        activity="sluitende-aanpak",
        name="outcome.without_verklaring",
        items=[
            Processing(
                str(o.tenancy.person.subject_id) if o.tenancy.person_id else "",
                "tenancy_outcome",
                o.public_id,
                ("kind", "occurred_on", "verklaring"),
            )
            for o in page
        ],
    )
    rows = [{"outcome": o, "case": cases.get(o.tenancy_id)} for o in page]
    return render(
        request,
        "safeguards/outcomes_without_verklaring.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "query": urlencode(
                {k: v for k, v in request.GET.items() if k in ("verhuurder", "jaar") and v}
            ),
            "valid_days": settings.MELDPUNT_VERKLARING_VALID_DAYS,
        },
        status=400 if form.errors else 200,
    )
