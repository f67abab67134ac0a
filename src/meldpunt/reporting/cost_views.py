"""Cost shares (art. 8.1): the statement per participant (beleid) and the cost key (functioneel
beheer). Thin: the work is in ``costs``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meldpunt.core.models import ConfigurationChange
from meldpunt.organisations.models import Municipality

from .costs import Statement, cost_key_get, cost_key_set, cost_statement, partners_of
from .downloads import table_csv, table_xlsx
from .forms import CostKeyForm, StatementForm, default_period
from .kpis import scope_for
from .views import XLSX


def _statement(request: HttpRequest) -> tuple[StatementForm, Statement | None]:
    scope = scope_for(request.user)
    if scope.partner_id or scope.provider_id:
        raise PermissionDenied
    form = StatementForm(request.GET or None, scope=scope)
    municipality = form.fields["municipality"].queryset.first()
    start, end = default_period()
    amount = None
    if form.is_bound:
        if not form.is_valid():
            return form, None
        municipality = form.cleaned_data["municipality"]
        start, end = form.cleaned_data["start"], form.cleaned_data["last_day"]
        amount = form.cleaned_data["amount"]
    if municipality is None:
        raise PermissionDenied
    return form, cost_statement(
        by=request.user, municipality=municipality, start=start, end=end, amount=amount
    )


def _records(statement: Statement, partner_id: int | None = None) -> list[list]:
    header = [_("deelnemer"), _("signalen"), _("zaken"), _("aandeel (%)"), _("bedrag (euro)")]
    lines = statement.lines if partner_id is None else [statement.line_for(partner_id)]
    body = [
        [line.partner.name, line.signals, line.cases,
         float(line.share_percent), float(line.amount)]
        for line in lines
    ]  # fmt: skip
    total = [_("alle deelnemers"), statement.signals, statement.cases, 100.0 if statement.lines
             and any(line.share for line in statement.lines) else 0.0, float(statement.amount)]  # fmt: skip
    return [header, *body, total]


def _preamble(statement: Statement) -> list[str]:
    return [
        _("Kostenoverzicht vroegsignalering (convenant art. 8.1): %(municipality)s")
        % {"municipality": statement.municipality.official_name},
        _("Periode %(start)s t/m %(end)s; verdeelsleutel: %(method)s")
        % {"start": f"{statement.start:%m-%Y}", "end": f"{statement.end:%m-%Y}",
           "method": statement.method_label},
    ]  # fmt: skip


@login_required
@require_GET
def statement_view(request: HttpRequest) -> HttpResponse:
    form, statement = _statement(request)
    return render(
        request,
        "reporting/statement.html",
        {"form": form, "statement": statement, "query": request.GET.urlencode()},
        status=200 if statement is not None else 400,
    )


@login_required
@require_GET
def statement_download(request: HttpRequest, partner: str, extension: str) -> HttpResponse:
    if extension not in ("csv", "xlsx"):
        raise Http404
    _form, statement = _statement(request)
    if statement is None:
        raise Http404
    if partner == "alle":
        partner_id, slug = None, "alle"
    else:
        match = [line for line in statement.lines if line.partner.slug == partner]
        if not match:
            raise Http404
        partner_id, slug = match[0].partner.pk, match[0].partner.slug
    records = _records(statement, partner_id)
    name = f"kostenoverzicht-{statement.municipality.code}-{slug}-{statement.start:%Y-%m}-{statement.end:%Y-%m}"
    if extension == "csv":
        response = StreamingHttpResponse(
            table_csv(records, _preamble(statement)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            table_xlsx([(_("kostenoverzicht"), records)], _preamble(statement)), content_type=XLSX
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@login_required
@permission_required("organisations.manage_configuration", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cost_key_view(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.filter(
        pk__in=request.user.organisation.municipality_ids()
    ).order_by("name")
    chosen = request.GET.get("gemeente") or request.POST.get("gemeente")
    municipality = (
        municipalities.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
    ) or municipalities.first()
    if municipality is None or not request.user.organisation.is_municipality:
        raise PermissionDenied
    partners = partners_of(municipality)
    key = cost_key_get(municipality)
    form = CostKeyForm(request.POST or None, partners=partners, key=key)
    if request.method == "POST" and form.is_valid():
        try:
            cost_key_set(
                by=request.user, municipality=municipality, method=form.cleaned_data["method"],
                yearly_amount=form.cleaned_data["yearly_amount"], percentages=form.percentages(),
            )  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("De verdeelsleutel is opgeslagen."))
            return redirect(f"{reverse('reporting:cost-key')}?gemeente={municipality.pk}")
    changes = ConfigurationChange.objects.filter(
        scope=municipality.code, setting="kostenverdeling"
    ).select_related("by")[:20]
    return render(
        request,
        "reporting/cost_key.html",
        {"form": form, "municipality": municipality, "municipalities": municipalities,
         "changes": changes},
        status=400 if form.errors else 200,
    )  # fmt: skip
