"""The dashboards (cijfers): per role its own figures, charts with the same numbers as tables,
every table as CSV and XLSX. Thin: the figures come from ``kpis``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meldpunt.organisations.models import Municipality

from .downloads import table_csv, table_xlsx
from .forms import PeriodForm, breakdowns_for, default_period
from .kpis import Dashboard, Table, dashboard, scope_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(request: HttpRequest) -> tuple[PeriodForm, Dashboard]:
    scope = scope_for(request.user)
    form = PeriodForm(request.GET or None, scope=scope)
    start, end = default_period()
    breakdown = ""
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["last_day"]
        breakdown = form.cleaned_data["breakdown"] or ""
    allowed = {key for key, _label in breakdowns_for(scope)}
    return form, dashboard(
        request.user, start=start, end=end, breakdown=breakdown if breakdown in allowed else ""
    )


def _preamble(result: Dashboard) -> list[str]:
    return [
        _("Meldpunt vroegsignalering: cijfers %(start)s t/m %(end)s")
        % {"start": f"{result.start:%m-%Y}", "end": f"{result.end:%m-%Y}"},
        _("Aantallen kleiner dan %(k)s zijn afgeschermd, met zoveel andere dat ze niet zijn terug "
          "te rekenen.") % {"k": result.k},
    ]  # fmt: skip


def _chart(table: Table, *, trend: bool) -> dict:
    """What Chart.js draws (meldpunt/charts.js), from the same published cells as the table."""
    if trend:
        kind, labels = "line", table.rows
        datasets = [
            {"label": table.total_label, "data": table.row_totals},
            {"label": table.columns[0], "data": table.column(table.columns[0])},
        ]
    elif table.row_label:
        kind, labels = "bar", table.rows
        datasets = [{"label": c, "data": table.column(c)} for c in table.columns]
    else:
        kind, labels = "bar", table.columns
        datasets = [{"label": table.title, "data": table.cells[0]}]
    return {
        "id": f"grafiek-{table.slug}",
        "data_id": f"grafiek-{table.slug}-data",
        "table": table,
        "trend": trend,
        "data": {"type": kind, "labels": labels, "datasets": datasets,
                 "stacked": kind == "bar" and bool(table.row_label)},
    }  # fmt: skip


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, result = _dashboard(request)
    charts = [_chart(t, trend=True) for t in result.trend]
    charts += [_chart(t, trend=False) for t in result.tables]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "result": result,
            "charts": charts,
            "query": request.GET.urlencode(),
            "municipality_names": ", ".join(
                Municipality.objects.filter(pk__in=result.scope.municipality_ids)
                .order_by("name")
                .values_list("name", flat=True)
            ),
        },
    )


@login_required
@require_GET
def table_download(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    if extension not in ("csv", "xlsx"):
        raise Http404
    _form, result = _dashboard(request)
    tables = [*result.trend, *result.tables]
    if slug != "alle":
        tables = [t for t in tables if t.slug == slug]
        if not tables:
            raise Http404
    name = f"meldpunt-cijfers-{slug}-{result.start:%Y-%m}-{result.end:%Y-%m}"
    if extension == "csv":
        if len(tables) != 1:
            raise Http404
        response = StreamingHttpResponse(
            table_csv(tables[0].as_records(), _preamble(result)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            table_xlsx([(t.slug, t.as_records()) for t in tables], _preamble(result)),
            content_type=XLSX,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
