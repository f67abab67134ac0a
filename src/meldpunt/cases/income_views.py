"""Screens of Geregelde betaling: the income consultant's overview and one case's arrangement.

Only users with ``cases.work_income_track`` (the income consultant, regie) reach them, and only
for Geregelde betaling cases ``Case.objects.for_user`` gives them (their own municipalities).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.privacy.services import processing_log_record

from . import income_services as gb
from .income_forms import AgreeForm, ChangeForm, EndForm, InstructForm, ProposeForm
from .models import Arrangement, Case, IncomeInstruction, IncomeReceipt, Track
from .workflow import ArrangementStatus as A
from .workflow import CaseStatus


def _require(user) -> None:
    if not (user.has_perm("cases.work_income_track") and user.organisation.is_municipality):
        raise PermissionDenied


def next_period(arrangement: Arrangement, today: date | None = None) -> date | None:
    """The next month the rent is withheld for (None once past the last month)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    upcoming = month if today.day == 1 else (month.replace(year=month.year + month.month // 12,
                                                           month=month.month % 12 + 1))  # fmt: skip
    upcoming = max(upcoming, arrangement.first_period)
    if arrangement.last_period and upcoming > arrangement.last_period:
        return None
    return upcoming


@login_required
def income_overview(request: HttpRequest) -> HttpResponse:
    """The queue waiting for a proposal, arrangements in progress and running, instructions not
    confirmed yet. Case numbers and dates only: no personal data on this page."""
    _require(request.user)
    cases = Case.objects.for_user(request.user).filter(track=Track.GEREGELDE_BETALING)
    waiting = (
        cases.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.RECEIVED])
        .filter(arrangements__isnull=True)
        .order_by("-crisis", "assigned_at", "id")
    )
    arrangements = Arrangement.objects.filter(case__in=cases).select_related("case")
    in_progress = arrangements.filter(status__in=[A.PROPOSED, A.AGREED, A.INSTRUCTED]).order_by(
        "due_on", "id"
    )
    running = list(arrangements.filter(status=A.RUNNING).order_by("started_on", "id"))
    for arrangement in running:
        arrangement.next_period = next_period(arrangement)
    open_instructions = (
        IncomeInstruction.objects.filter(arrangement__case__in=cases)
        .exclude(status__in=[IncomeInstruction.Status.CONFIRMED])
        .exclude(status=IncomeInstruction.Status.REFUSED, arrangement__status=A.ENDED)
        .select_related("arrangement__case")
        .defer("payload")
        .order_by("created_at", "id")
    )
    return render(
        request,
        "cases/income_overview.html",
        {
            "waiting": waiting,
            "in_progress": in_progress,
            "running": running,
            "open_instructions": open_instructions,
            "refused_receipts": IncomeReceipt.objects.for_user(request.user)
            .filter(accepted=False)
            .order_by("-read_at", "-id")[:10],
            "today": timezone.localdate(),
        },
    )


STEPS = {
    "voorstel": ProposeForm,
    "akkoord": AgreeForm,
    "opdracht": InstructForm,
    "wijziging": ChangeForm,
    "einde": EndForm,
}


def _proposed_reference(case: Case, by) -> str:
    """The landlord's reference of the first signal, proposed as the payment reference: a read
    of the tenant's data (the reference is personal), so it is logged."""
    first = case.signals.order_by("received_at", "id").first()
    if first is None:
        return ""
    processing_log_record(
        actor=by, activity="triage", action="read", name="arrangement.propose_form",
        subject_id=first.subject_id, object_type="signal", object_id=first.public_id,
        fields=["partner_reference"],
    )  # fmt: skip
    return first.partner_reference


def _forms_for(arrangement: Arrangement | None, case: Case, bound: dict, by) -> dict:
    """The forms of the steps that can come next."""
    if not case.is_open and arrangement is None:
        return {}
    status = arrangement.status if arrangement else None
    expected = {"expected_status": status or ""}
    names: list[str] = []
    if arrangement is None or status == A.ENDED:
        names = ["voorstel"] if case.is_open else []
    elif status == A.PROPOSED:
        names = ["akkoord", "einde"]
    elif status == A.AGREED:
        names = ["opdracht", "einde"]
    elif status == A.INSTRUCTED:
        names = ["einde"]
    elif status == A.RUNNING:
        names = ["wijziging", "einde"]
    forms = {}
    for name in names:
        if name in bound:
            forms[name] = bound[name]
        elif name == "voorstel":
            forms[name] = ProposeForm(initial={"payment_reference": _proposed_reference(case, by)})
        else:
            forms[name] = STEPS[name](initial=expected)
    return forms


def _page(request: HttpRequest, case: Case, *, bound: dict | None = None, status: int = 200):
    arrangements = list(case.arrangements.order_by("created_at", "id"))
    current = arrangements[-1] if arrangements else None
    if current is not None:
        processing_log_record(
            actor=request.user, activity="triage", action="read", name="arrangement.view",
            subject_id=case.subject_id, object_type="arrangement", object_id=current.public_id,
            fields=["client_number", "rent_amount", "arrears_instalment", "payment_reference",
                    "first_period", "last_period", "history", "instructions"],
        )  # fmt: skip
        current.next_period = next_period(current) if current.status == A.RUNNING else None
    return render(
        request,
        "cases/income_arrangement.html",
        {
            "case": case,
            "arrangement": current,
            "earlier": arrangements[:-1],
            "history": current.history.select_related("by_organisation") if current else [],
            "instructions": current.instructions.defer("payload") if current else [],
            "forms": _forms_for(current, case, bound or {}, request.user),
        },
        status=status,
    )


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def income_arrangement(request: HttpRequest, public_id) -> HttpResponse:
    _require(request.user)
    case = Case.objects.for_user(request.user).filter(public_id=public_id).first()
    if case is None or case.track != Track.GEREGELDE_BETALING:
        raise Http404
    if request.method != "POST":
        return _page(request, case)
    step = request.POST.get("stap", "")
    if step not in STEPS:
        raise Http404
    form = STEPS[step](request.POST)
    current = case.arrangements.order_by("created_at", "id").last()
    if form.is_valid():
        d = form.cleaned_data
        expected = d.get("expected_status") or None
        try:
            if step == "voorstel":
                gb.arrangement_propose(
                    case_id=case.pk, by=request.user, client_number=d["client_number"],
                    rent_amount=d["rent_amount"], arrears_instalment=d["arrears_instalment"],
                    payment_reference=d["payment_reference"], first_period=d["first_period"],
                    last_period=d["last_period"],
                )  # fmt: skip
                done = _("De geregelde betaling is voorgesteld.")
            elif current is None:
                raise ValidationError("Doe eerst een voorstel.")
            elif step == "akkoord":
                gb.arrangement_agree(arrangement_id=current.pk, by=request.user,
                                     consent_on=d["consent_on"], legal_basis=d["legal_basis"],
                                     expected_status=expected)  # fmt: skip
                done = _("Het akkoord van de huurder is vastgelegd.")
            elif step == "opdracht":
                gb.arrangement_instruct(arrangement_id=current.pk, by=request.user,
                                        expected_status=expected)  # fmt: skip
                done = _("De opdracht staat klaar voor de inkomensadministratie.")
            elif step == "wijziging":
                gb.arrangement_change(arrangement_id=current.pk, by=request.user,
                                      rent_amount=d["rent_amount"],
                                      arrears_instalment=d["arrears_instalment"],
                                      from_period=d["from_period"], expected_status=expected)  # fmt: skip
                done = _("De wijziging staat klaar voor de inkomensadministratie.")
            else:
                gb.arrangement_end(arrangement_id=current.pk, by=request.user, reason=d["reason"],
                                   on=d["on"], expected_status=expected)  # fmt: skip
                done = _("De geregelde betaling is beëindigd.")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:income-arrangement", public_id=case.public_id)
    case.refresh_from_db()
    return _page(request, case, bound={step: form}, status=400)
