"""``/cijfers/ddas/``: beleid downloads the DDAS v1.2 delivery of one month of its own
municipalities, the same document CBS collects (reporting.delivery). Thin."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from meldpunt.organisations.models import Municipality

from .ddas.config import supplier_code
from .delivery import export_document
from .figures import next_month
from .forms import DdasExportForm


@login_required
@permission_required("reporting.export_ddas", raise_exception=True)
@require_http_methods(["GET", "POST"])
def ddas_export_view(request: HttpRequest) -> HttpResponse:
    municipality_ids = request.user.organisation.municipality_ids()
    form = DdasExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["month"]
        end = next_month(start) - timedelta(days=1)
        response = StreamingHttpResponse(
            export_document(
                start=start,
                end=end,
                supplier_code=supplier_code(),
                actor=request.user,
                municipality_ids=municipality_ids,
                what="DDAS-levering gedownload door beleid",
            ),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="ddas-{start:%Y-%m}.json"'
        response["Cache-Control"] = "no-store"
        return response
    names = Municipality.objects.filter(pk__in=municipality_ids).order_by("name")
    return render(
        request,
        "reporting/ddas_export.html",
        {"form": form, "municipality_names": ", ".join(m.name for m in names)},
        status=400 if form.is_bound else 200,
    )
