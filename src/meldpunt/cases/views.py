"""Screens of case work. Every query goes through Case.objects.for_user."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meldpunt.core.pdf import html_to_pdf
from meldpunt.privacy.services import (
    Processing,
    processing_log_record,
    processing_log_record_many,
    record_reads,
)

from .deadlines import OUTREACH_OPEN, current_targets, overdue_queryset, overdue_reason
from .feedback import record_feedback_read, signal_feedback
from .forms import (
    AssignForm,
    CaseFilterForm,
    CaseSearchForm,
    CloseForm,
    ContactAttemptForm,
    DeployForm,
    DistributeForm,
    EventForm,
    FrameRuleFormSet,
    HomeVisitForm,
    LetterForm,
    LetterTemplateForm,
    NoteForm,
    worker_name,
)
from .letters import PLACEHOLDERS
from .models import (
    AssessmentFrame,
    Case,
    CaseLetter,
    HomeVisit,
    InstrumentDeployment,
    InstrumentEvent,
    LetterKind,
    LetterTemplate,
    Signal,
)
from .search import (
    Filters,
    case_names,
    case_page,
    count_upto,
    filtered_cases,
    recall_search,
    remember_search,
    search_case_ids,
)
from .selectors import (
    caseload,
    caseworkers_of,
    current_letter_templates,
    other_open_cases_at_address,
    person_history,
    signal_get_own,
    visits_of_day,
)
from .services import (
    case_assign,
    case_caseworker_assign,
    case_close,
    case_note_add,
    case_pick_up,
    case_take,
    contact_attempt_record,
    frame_change,
    home_visit_plan,
    instrument_deploy,
    instrument_event_record,
    letter_fill,
    letter_produce,
    letter_template_change,
    works_for,
)
from .workflow import CaseStatus


def _require_case_access(user) -> None:
    if not (
        user.has_perm("cases.view_all_cases")
        or user.has_perm("cases.view_assigned_case")
        or user.has_perm("cases.view_income_cases")
    ):
        raise PermissionDenied


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases this user may see: filters in the URL, a search by token (search.py), sorted
    by deadline or receipt, keyset-paged; named by tenant and address for roles that may."""
    _require_case_access(request.user)
    user = request.user
    filter_form = CaseFilterForm(request.GET or None, user=user)
    filters = filter_form.filters() if request.GET else Filters()
    token = request.GET.get("zoek", "")
    search = recall_search(request.session, token)
    if token and search is None:
        messages.info(request, _("Die zoekopdracht is verlopen; zoek opnieuw."))
    cases = filtered_cases(user, filters, ids=search["ids"] if search else None)
    cases = cases.select_related("district", "provider", "caseworker")
    after = request.GET.get("na", "")
    rows, next_cursor = case_page(cases, sort=filters.sort, after=after, deadline=filters.deadline)
    # A first page with no next one holds every case there is: it needs no count of its own
    # (a search's result, a narrow filter: one round trip to the database fewer).
    count, more = (len(rows), False) if not after and not next_cursor else count_upto(cases)
    query = request.GET.copy()
    query.pop("na", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "cases": _list_rows(rows, case_names(user, rows)),
            "count": count,
            "more": more,
            "filter_form": filter_form,
            "search_form": CaseSearchForm(initial={"filters": query.urlencode()}),
            "search": search,
            "first_url": f"?{query.urlencode()}",
            "next_url": f"?{query.urlencode()}&na={next_cursor}" if next_cursor else "",
            "is_first": not request.GET.get("na"),
            "today": timezone.localdate(),
            "sees_names": user.sees_personal_data,
        },
    )


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of the case list with its display values worked out once: the template only
    prints them (a filter, a translation or a lookup per row costs on every page)."""

    url: str
    reference: str
    crisis: bool
    named: bool
    name: str
    address: str
    due: str
    overdue: bool
    opened: str
    status: str
    district: str
    provider: str
    caseworker: str


def _list_rows(cases: list[Case], names: dict[int, dict[str, str]]) -> list[CaseRow]:
    """The case list's lines: dates as dd-mm-jjjj in the current time zone, labels in the
    current language, "—" where a case has no deadline, district, provider or caseworker."""
    today = timezone.localdate()
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    zone = timezone.get_current_timezone()
    rows = []
    for case in cases:
        named = names.get(case.pk)
        worker = case.caseworker
        rows.append(
            CaseRow(
                url=reverse("cases:case-detail", args=[case.public_id]),
                reference=case.reference,
                crisis=case.crisis,
                named=named is not None,
                name=named["name"] if named else "",
                address=named["address"] if named else "",
                due=case.due_on.strftime("%d-%m-%Y") if case.due_on else "",
                overdue=case.status in OUTREACH_OPEN
                and case.due_on is not None
                and case.due_on < today,
                opened=case.opened_at.astimezone(zone).strftime("%d-%m-%Y"),
                status=statuses.get(case.status, case.status),
                district=case.district.name if case.district else "—",
                provider=str(case.provider) if case.provider else "—",
                caseworker=worker_name(worker) if worker else "—",
            )
        )
    return rows


@login_required
@require_POST
def case_search(request: HttpRequest) -> HttpResponse:
    """Search by name + birth date, address or reference: posted, so no term is in a URL; the
    result's ids wait in the session under a token that the list's URL carries."""
    _require_case_access(request.user)
    form = CaseSearchForm(request.POST)
    back = QueryDict(request.POST.get("filters", ""), mutable=True)
    back.pop("zoek", None)
    back.pop("na", None)
    if not form.is_valid():
        user = request.user
        filter_form = CaseFilterForm(back or None, user=user)
        return render(
            request,
            "cases/case_list.html",
            {
                "cases": [],
                "count": 0,
                "more": False,
                "filter_form": filter_form,
                "search_form": form,
                "search": None,
                "first_url": f"?{back.urlencode()}",
                "next_url": "",
                "is_first": True,
                "today": timezone.localdate(),
                "sees_names": user.sees_personal_data,
                "search_failed": True,
            },
            status=400,
        )
    data = form.cleaned_data
    ids = search_case_ids(
        request.user,
        surname=data.get("achternaam", "").strip(),
        birth_date=data.get("birth_date"),
        postcode=data.get("postcode_clean", ""),
        number=data.get("number", ""),
        letter=data.get("letter", ""),
        addition=data.get("addition", ""),
        reference=data.get("referentie", "").strip(),
    )
    what = ", ".join(
        label
        for label, given in (
            (_("naam en geboortedatum"), data.get("birth_date")),
            (_("adres"), data.get("number")),
            (_("referentie"), data.get("referentie", "").strip()),
        )
        if given
    )
    back["zoek"] = remember_search(request.session, ids, what)
    if "staat" not in back:
        back["staat"] = "alle"  # a search finds closed cases too
    return redirect(f"{reverse('cases:case-list')}?{back.urlencode()}")


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict:
    """Everything the case page shows. Every rendering of it is one processing-log record,
    also when a form on it comes back with errors."""
    user = request.user
    processing_log_record(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
        action="read",
        name="case.view",
        subject_id=case.subject_id,
        object_type="case",
        object_id=case.public_id,
        fields=["person", "arrears", "contact_attempts", "instruments", "notes", "history"],
    )
    signals = list(case.signals.select_related("partner").order_by("received_at", "id"))
    # A household file across creditors (meervoudig) and successive signals from one partner
    # (opeenvolgend), as DDAS names them.
    per_partner: dict[int, int] = {}
    for signal in signals:
        per_partner[signal.partner_id] = per_partner.get(signal.partner_id, 0) + 1
        signal.series_number = per_partner[signal.partner_id]
    partner_kinds = sorted({s.partner_type for s in signals})
    assign_form = forms.get("assign_form")
    if (
        assign_form is None
        and user.has_perm("intake.triage_signal")
        and case.status
        in (
            CaseStatus.RECEIVED,
            CaseStatus.ASSIGNED,
        )
    ):
        proposed = case.provider or (case.district.provider if case.district else None)
        assign_form = AssignForm(initial={"provider": proposed})
    deployment_rows = InstrumentDeployment.objects.filter(case=case)
    deployments = list(
        deployment_rows.select_related("instrument", "organisation").prefetch_related(
            "events__organisation"
        )
    )
    can_work = user.has_perm("cases.work_case") and case.is_open
    others, visible_others = other_open_cases_at_address(case, user)
    visits = list(case.visits.open().order_by("planned_on", "id"))
    tenancies = {s.tenancy_id for s in signals if s.tenancy_id is not None}
    context = {
        "partner_kinds": partner_kinds,
        "several_partners": len(per_partner) > 1,
        "other_cases_at_address": others,
        "visible_other_cases": visible_others,
        "history_of_people": person_history(case, user),
        # The landlords' own instruments for the tenancies of this case's signals (in hand).
        "landlord_deployments": InstrumentDeployment.objects.filter(tenancy_id__in=tenancies)
        .select_related("instrument", "organisation")
        .prefetch_related("events")
        if tenancies
        else [],
        "case": case,
        "signals": signals,
        "history": case.history.select_related("by_organisation"),
        "assign_form": assign_form,
        "attempts": case.attempts.select_related("organisation"),
        "deployments": deployments,
        "refusals": case.events.filter(kind=InstrumentEvent.Kind.REFUSED).select_related(
            "organisation"
        ),
        "notes": case.notes.select_related("organisation"),
        "can_work": can_work,
        "can_take": can_work and case.caseworker_id is None and works_for(user, case),
        "visits": visits,
        "letters": case.letters.filter(organisation_id=user.organisation_id).select_related(
            "template"
        ),
        "summary": _summary(case, signals, visits),
        # A form that came back with errors is shown unfolded (the others stay folded).
        "open_form": next((key for key, form in forms.items() if form is not None), ""),
        # Until the tenant is reached, recording an attempt is the next thing to do: that form
        # stays unfolded (the pick-up button is in it too).
        "outreach_statuses": (CaseStatus.ASSIGNED, CaseStatus.PICKED_UP),
    }
    if case.is_open and (user.has_perm("cases.work_case") or user.has_perm("intake.triage_signal")):
        letter_form = forms.get("letter_form") or LetterForm(user=user)
        context["letter_form"] = letter_form if letter_form.fields["template"].choices else None
    if can_work:
        context.update(
            visit_form=forms.get("visit_form") or HomeVisitForm(),
            attempt_form=forms.get("attempt_form") or ContactAttemptForm(),
            deploy_form=forms.get("deploy_form")
            or DeployForm(
                organisation=user.organisation,
                with_amount=user.has_perm("cases.view_income_cases"),
            ),
            event_form=forms.get("event_form")
            or EventForm(deployments=deployment_rows, shown=deployments),
            note_form=forms.get("note_form") or NoteForm(),
            close_form=forms.get("close_form")
            or CloseForm(initial={"expected_status": case.status}),
        )
    return context


def _summary(case: Case, signals: list[Signal], visits: list[HomeVisit]) -> dict:
    """What a caseworker at the door needs first: who, where, how much, and what to do next."""
    latest = signals[-1] if signals else None
    # The arrears of each partner's latest signal: an earlier signal of the same partner is
    # the same debt, at an older amount.
    per_partner: dict[int, Signal] = {s.partner_id: s for s in signals}
    total = Decimal(0)
    for signal in per_partner.values():
        try:
            total += Decimal(str(signal.arrears.get("achterstand_bedrag") or 0))
        except (ArithmeticError, ValueError):
            continue
    visit = visits[0] if visits else None  # the open visits, first planned first
    if not case.is_open:
        action = _("Geen: de zaak is afgesloten.")
    elif case.status == CaseStatus.RECEIVED:
        action = _("Wacht op toewijzing door de regie.")
    elif visit is not None:
        action = _("Huisbezoek op %(date)s (%(part)s).") % {
            "date": visit.planned_on.strftime("%d-%m-%Y"),
            "part": visit.get_part_of_day_display().lower(),
        }
    elif case.status == CaseStatus.ASSIGNED:
        action = _("Zaak oppakken en een eerste contactpoging doen.")
    elif case.status == CaseStatus.PICKED_UP:
        action = _("Contact maken: bel, schrijf of ga langs.")
    else:
        action = _("Instrument inzetten of de afspraken volgen.")
    return {
        "signal": latest,
        "person": latest.person_details if latest else {},
        "arrears_total": total,
        "creditors": len(per_partner),
        "next_action": action,
        "due_on": case.due_on if case.is_open else None,
    }


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Cases past a deadline, per provider; the list shows no personal data."""
    _require_case_access(request.user)
    cases = Case.objects.for_user(request.user)
    today = timezone.localdate()
    page = Paginator(overdue_queryset(cases, today=today).select_related("provider"), 50).get_page(
        request.GET.get("pagina")
    )
    targets = current_targets()
    overdue = [overdue_reason(case, today=today, targets=targets) for case in page.object_list]
    return render(
        request,
        "cases/overdue_list.html",
        {"overdue": overdue, "page": page, "total": page.paginator.count},
    )


@login_required
def case_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The case with the tenant's data: each view is one record in the processing log."""
    _require_case_access(request.user)
    case = get_object_or_404(
        Case.objects.for_user(request.user).select_related(
            "district__provider", "provider", "caseworker"
        ),
        public_id=public_id,
    )
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _work(request: HttpRequest, public_id, form, form_key: str, action, success: str):
    """Shared POST handling of the case-work forms: validate, call the service, redirect."""
    if not request.user.has_perm("cases.work_case"):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.for_user(request.user), public_id=public_id)
    form = form(case)
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:case-detail", public_id=case.public_id)
    case.refresh_from_db()
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, **{form_key: form}),
        status=400,
    )


@login_required
@require_POST
def case_pick_up_view(request: HttpRequest, public_id) -> HttpResponse:
    if not request.user.has_perm("cases.work_case"):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.for_user(request.user), public_id=public_id)
    try:
        case_pick_up(
            case_id=case.pk, by=request.user, expected_status=request.POST.get("expected_status")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De zaak is opgepakt."))
    return redirect("cases:case-detail", public_id=case.public_id)


@login_required
@require_POST
def attempt_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: ContactAttemptForm(request.POST),
        "attempt_form",
        lambda case, d: contact_attempt_record(
            case_id=case.pk,
            by=request.user,
            kind=d["kind"],
            reached=d["reached"] == "ja",
            on=d["on"],
            part_of_day=d["part_of_day"],
        ),
        _("De contactpoging is vastgelegd."),
    )


@login_required
@require_POST
def visit_plan_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: HomeVisitForm(request.POST),
        "visit_form",
        lambda case, d: home_visit_plan(
            case_id=case.pk,
            by=request.user,
            planned_on=d["planned_on"],
            part_of_day=d["part_of_day"],
        ),
        _("Het huisbezoek is gepland."),
    )


@login_required
def visit_day(request: HttpRequest) -> HttpResponse:
    """The day's home visits of the own organisation in walking order (by postcode), for the
    caseworker on the road. Shows names and addresses: one processing-log record per case."""
    user = request.user
    if not (user.has_perm("cases.work_case") and user.has_perm("cases.view_assigned_case")):
        raise PermissionDenied
    today = timezone.localdate()
    day, error = today, ""
    if request.GET.get("datum"):
        try:
            day = date.fromisoformat(request.GET["datum"][:10])
        except ValueError:
            error = _("Vul een geldige datum in, zoals %(example)s.") % {
                "example": today.isoformat()
            }
    rows = visits_of_day(user, day)
    if rows:
        record_reads(
            actor=user,
            activity="outreach",
            name="home_visit.day_list",
            items=[
                Processing(r["case"].subject_id, "case", r["case"].public_id, ("name", "address"))
                for r in rows
            ],
        )
    return render(
        request,
        "cases/visit_day.html",
        {
            "rows": rows,
            "day": day,
            "error": error,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "is_today": day == today,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def deploy_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: DeployForm(
            request.POST,
            organisation=request.user.organisation,
            with_amount=request.user.has_perm("cases.view_income_cases"),
        ),
        "deploy_form",
        lambda case, d: instrument_deploy(
            case_id=case.pk,
            by=request.user,
            instrument=d["instrument"],
            deployed_on=d["deployed_on"],
            agreements=d["agreements"],
            monthly_amount=d.get("monthly_amount"),
            first_due_on=d.get("first_due_on"),
        ),
        _("Het instrument is vastgelegd."),
    )


@login_required
@require_POST
def event_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: EventForm(
            request.POST, deployments=InstrumentDeployment.objects.filter(case=case)
        ),
        "event_form",
        lambda case, d: instrument_event_record(
            case_id=case.pk,
            by=request.user,
            kind=d["kind"],
            on=d["on"],
            deployment_id=d["deployment"].pk if d["deployment"] else None,
        ),
        _("De gebeurtenis is vastgelegd."),
    )


@login_required
@require_POST
def note_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: NoteForm(request.POST),
        "note_form",
        lambda case, d: case_note_add(case_id=case.pk, by=request.user, text=d["text"]),
        _("De notitie is opgeslagen."),
    )


@login_required
@require_POST
def close_create(request: HttpRequest, public_id) -> HttpResponse:
    return _work(
        request,
        public_id,
        lambda case: CloseForm(request.POST),
        "close_form",
        lambda case, d: case_close(
            case_id=case.pk,
            by=request.user,
            end_result=d["end_result"],
            expected_status=d["expected_status"] or None,
        ),
        _("De zaak is afgesloten."),
    )


# --- landlord: feedback on its own signal --------------------------------------------------


@login_required
def landlord_signal_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The minimal feedback on one of the landlord's own signals; its own instruments and the
    checks are on the tenancy's page (safeguards)."""
    try:
        signal = signal_get_own(request.user, public_id=public_id)
    except Signal.DoesNotExist:
        raise Http404 from None
    record_feedback_read(request.user, signal)
    return render(
        request,
        "cases/landlord_signal.html",
        {"signal": signal, "feedback": signal_feedback(signal)},
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
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, assign_form=form),
        status=400,
    )


# --- caseworkers (issue #12) ----------------------------------------------------------------


def _team_cases(user, holder: str):
    """The open cases of the team lead's organisation held by ``holder`` (a caseworker's id, or
    "geen" for nobody yet), by deadline: overdue first, crisis before the rest on one day."""
    cases = (
        Case.objects.for_user(user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("district", "caseworker")
        .order_by(F("due_on").asc(nulls_last=True), "-crisis", "opened_at", "id")
    )
    if holder == "geen":
        return cases.filter(caseworker__isnull=True)
    return cases.filter(caseworker_id=int(holder))


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The team lead's screen: caseload and overdue per caseworker, the cases nobody has yet,
    and (re)assigning one or many. Case numbers and deadlines only, no personal data."""
    user = request.user
    if not user.has_perm("cases.distribute_cases"):
        raise PermissionDenied
    workers = caseworkers_of(user.organisation)
    holder = request.POST.get("van") or request.GET.get("van") or "geen"
    if holder != "geen" and not (holder.isdigit() and workers.filter(pk=holder).exists()):
        holder = "geen"
    cases = _team_cases(user, holder)
    page = Paginator(cases, 100).get_page(request.GET.get("pagina"))
    form = DistributeForm(request.POST or None, caseworkers=workers, cases=page.object_list)
    status = 200
    if request.method == "POST":
        chosen = request.POST.getlist("cases")
        form.fields["cases"].choices = [
            (str(c.public_id), c.reference) for c in cases.filter(public_id__in=_uuids(chosen))
        ]
        if form.is_valid():
            ids = list(
                cases.filter(public_id__in=form.cleaned_data["cases"]).values_list("pk", flat=True)
            )
            try:
                n = case_caseworker_assign(
                    case_ids=ids,
                    caseworker=form.cleaned_data["caseworker"],
                    by=user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext("%(n)s zaak is toegewezen.", "%(n)s zaken zijn toegewezen.", n)
                    % {"n": n},
                )
                return redirect(f"{reverse('cases:team')}?van={holder}")
        status = 400
    return render(
        request,
        "cases/team.html",
        {
            "caseload": caseload(user),
            "holder": holder,
            "holder_name": next((worker_name(w) for w in workers if str(w.pk) == holder), ""),
            "page": page,
            "form": form,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _uuids(values: list[str]) -> list[str]:
    """Only well-formed case numbers: anything else is ignored, never a crash."""
    result = []
    for value in values:
        try:
            result.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return result


@login_required
@require_POST
def case_take_view(request: HttpRequest, public_id) -> HttpResponse:
    """A caseworker takes a case of the own organisation that nobody works yet."""
    if not request.user.has_perm("cases.work_case"):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.for_user(request.user), public_id=public_id)
    try:
        case_take(case_id=case.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("U werkt nu deze zaak."))
    return redirect("cases:case-detail", public_id=case.public_id)


# --- letters and door cards (issue #12) ------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _letters_pdf(request: HttpRequest, letters: list[CaseLetter]) -> bytes:
    items = []
    for letter in letters:
        filled, values = letter_fill(letter)
        information = letter.template.kind == LetterKind.INFORMATION
        items.append(
            {
                "filled": filled,
                "values": values,
                "sender": values["gemeente"] if information else letter.organisation.name,
            }
        )
    html = render_to_string("documents/letter_pages.html", {"items": items}, request=request)
    return html_to_pdf(html)


@login_required
@require_POST
def letter_create(request: HttpRequest, public_id) -> HttpResponse:
    """Produce a letter or door card for the case and hand it over as a PDF to print."""
    user = request.user
    if not (user.has_perm("cases.work_case") or user.has_perm("intake.triage_signal")):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.for_user(user), public_id=public_id)
    form = LetterForm(request.POST, user=user)
    if form.is_valid():
        try:
            letter = letter_produce(
                case_id=case.pk,
                by=user,
                code=form.cleaned_data["template"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _pdf_response(
                _letters_pdf(request, [letter]),
                f"brief-{case.reference}-{letter.produced_on:%Y%m%d}.pdf",
            )
    case.refresh_from_db()
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, letter_form=form),
        status=400,
    )


def _own_letters(user):
    return CaseLetter.objects.filter(
        case__in=Case.objects.for_user(user), organisation_id=user.organisation_id
    ).select_related("case__municipality", "case__provider", "case__caseworker", "template",
                     "organisation", "produced_by")  # fmt: skip


@login_required
def letter_pdf(request: HttpRequest, public_id) -> HttpResponse:
    """Print a produced letter again (the same text, as it was produced)."""
    user = request.user
    if not (user.has_perm("cases.work_case") or user.has_perm("intake.triage_signal")):
        raise PermissionDenied
    letter = get_object_or_404(_own_letters(user), public_id=public_id)
    processing_log_record(
        actor=user,
        activity="outreach",
        action="read",
        name="letter.print",
        subject_id=letter.case.subject_id,
        object_type="letter",
        object_id=letter.public_id,
        fields=["name", "address"],
    )
    return _pdf_response(
        _letters_pdf(request, [letter]),
        f"brief-{letter.case.reference}-{letter.produced_on:%Y%m%d}.pdf",
    )


@login_required
def letter_day(request: HttpRequest) -> HttpResponse:
    """The day's letters and cards of the own organisation, and the print batch of them as one
    PDF (``?pdf=1``). The list shows case numbers and templates, no personal data."""
    user = request.user
    if not (user.has_perm("cases.work_case") or user.has_perm("intake.triage_signal")):
        raise PermissionDenied
    today = timezone.localdate()
    day, error = today, ""
    if request.GET.get("datum"):
        try:
            day = date.fromisoformat(request.GET["datum"][:10])
        except ValueError:
            error = _("Vul een geldige datum in, zoals %(example)s.") % {
                "example": today.isoformat()
            }
    letters = list(_own_letters(user).filter(produced_on=day).order_by("produced_at", "id"))
    if request.GET.get("pdf") and letters and not error:
        processing_log_record_many(
            actor=user,
            activity="outreach",
            action="read",
            name="letter.print_batch",
            items=[Processing(x.case.subject_id, "letter", x.public_id, ("name", "address"))
                   for x in letters],
        )  # fmt: skip
        return _pdf_response(_letters_pdf(request, letters), f"printbatch-{day:%Y%m%d}.pdf")
    return render(
        request,
        "cases/letter_day.html",
        {"letters": letters, "day": day, "error": error, "is_today": day == today,
         "previous": day - timedelta(days=1), "next": day + timedelta(days=1)},
        status=400 if error else 200,
    )  # fmt: skip


@login_required
def letter_templates(request: HttpRequest) -> HttpResponse:
    """Functioneel beheer: the letter and door-card templates in force."""
    if not request.user.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    return render(request, "cases/letter_templates.html", {"templates": current_letter_templates()})


@login_required
def letter_template_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Functioneel beheer edits a template: a new version, the older ones stay as history."""
    if not request.user.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    versions = list(
        LetterTemplate.objects.filter(code=code)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
    if not versions:
        raise Http404
    current = versions[0]
    if request.method == "POST":
        form = LetterTemplateForm(request.POST)
        if form.is_valid():
            try:
                letter_template_change(code=code, by=request.user, values=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Het sjabloon is opgeslagen. Nieuwe brieven gebruiken deze tekst.")
                )
                return redirect("cases:letter-template", code=code)
    else:
        form = LetterTemplateForm(
            initial={f: getattr(current, f) for f in LetterTemplateForm.base_fields}
        )
    return render(
        request,
        "cases/letter_template_edit.html",
        {"template": current, "versions": versions, "form": form, "placeholders": PLACEHOLDERS},
        status=400 if form.errors else 200,
    )


# --- the assessment frame (issue #12) --------------------------------------------------------


@login_required
def frame_config(request: HttpRequest) -> HttpResponse:
    """Functioneel beheer: the ordered rules that put new cases in queues, with the history."""
    if not request.user.has_perm("organisations.manage_configuration"):
        raise PermissionDenied
    versions = list(AssessmentFrame.objects.select_related("changed_by")[:20])
    rules = versions[0].rules if versions else []
    error = ""
    if request.method == "POST":
        formset = FrameRuleFormSet(request.POST, prefix="regel")
        if formset.is_valid():
            # In their order; an empty extra row and a deleted rule are left out (Django).
            kept = [f for f in formset.ordered_forms if f.cleaned_data.get("queue")]
            try:
                frame_change(
                    by=request.user,
                    rules=[
                        {k: v for k, v in f.cleaned_data.items() if k not in ("DELETE", "ORDER")}
                        for f in kept
                    ],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Het afwegingskader is opgeslagen. Het geldt voor zaken die vanaf nu binnenkomen."
                    ),
                )
                return redirect("cases:frame-config")
    else:
        formset = FrameRuleFormSet(
            prefix="regel",
            initial=[{**rule, "ORDER": number} for number, rule in enumerate(rules, start=1)],
        )
    return render(
        request,
        "cases/frame_config.html",
        {"formset": formset, "versions": versions, "error": error},
        status=400 if (error or (request.method == "POST" and formset.errors)) else 200,
    )
