"""Reports over the API (issue #13). Thin.

- ``GET /kerncijfers`` (scope ``reports``): the dashboard's figures of a period, from the same
  ``kpis.dashboard`` as the dashboard and its downloads, so the scope (beleid its municipalities,
  a partner its own signals, a provider its own cases) and the small-cell suppression are the
  dashboard's, cell for cell. Aggregates only: like the dashboard, no processing-log record
  (docs/adr/0122-reports-api.md).
- ``GET /ddas-leveringen/{maand}`` (scope ``export``): the same DDAS v1.2 document beleid
  downloads on screen (``ddas_views``) and CBS collects, of the key's own municipalities only,
  logged as one export (reporting.delivery).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.core.throttling import UserThrottle

from .ddas.config import supplier_code
from .delivery import export_document, month_bounds
from .figures import add_months, month_start, next_month
from .forms import FIRST_DAY, LAST_DAY, MAX_MONTHS, breakdowns_for
from .kpis import Dashboard, Table, dashboard, row_codes, scope_for

MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


class ExportThrottle(UserThrottle):
    """The user rate (MELDPUNT_API_RATE_USER), per API key."""


class DdasDeliveryView(APIView):
    token_scopes = {"GET": scopes.EXPORT}
    throttle_classes = [ExportThrottle]

    @extend_schema(
        operation_id="ddas_leveringen_retrieve",
        summary="De DDAS-levering van een maand",
        description="Het Uitwisselmodel v1.2 (zie reference/ddas-v1.2) van de eigen "
        "gemeente(n) over één maand: deze maand of een eerdere. Het document is dat van de "
        "download op het scherm en van de levering aan het CBS; elke levering staat in het "
        "verwerkingenlogboek.",
        parameters=[
            OpenApiParameter(
                "maand",
                str,
                OpenApiParameter.PATH,
                description="De maand als JJJJ-MM, zoals 2026-11.",
                pattern=MONTH.pattern,
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Het DDAS Uitwisselmodel (JSON).")
        },
        tags=["rapportages"],
    )
    def get(self, request: Request, maand: str):
        user = request.user
        if not user.has_perm("reporting.export_ddas") or not user.organisation.is_municipality:
            raise PermissionDenied("Alleen beleid van de gemeente exporteert de DDAS-levering.")
        try:
            if not MONTH.match(maand):
                raise ValueError(f"{maand!r} is geen maand; schrijf JJJJ-MM, zoals 2026-03.")
            start, _last = month_bounds(maand)
        except ValueError as exc:
            raise serializers.ValidationError({"maand": [str(exc)]}) from None
        if start > month_start(timezone.localdate()):
            raise serializers.ValidationError({"maand": ["Kies deze maand of een eerdere."]})
        response = StreamingHttpResponse(
            export_document(
                start=start,
                end=next_month(start) - timedelta(days=1),
                supplier_code=supplier_code(),
                actor=user,
                municipality_ids=user.organisation.municipality_ids(),
                what="DDAS-levering via de API",
            ),
            content_type="application/json",
        )
        response["Cache-Control"] = "no-store"
        return response


# -- the dashboard's figures -----------------------------------------------------------------

# The API's names of the dashboard's breakdowns (kpis.BREAKDOWNS).
BREAKDOWN_NAMES = {
    "municipality": "gemeente",
    "partner": "signaalpartner",
    "partner_type": "soort-signaalpartner",
    "district": "stadsdeel",
    "provider": "uitvoerder",
    "track": "route",
    "month": "maand",
}
BREAKDOWN_KEYS = {name: key for key, name in BREAKDOWN_NAMES.items()}
# The headline figures (Dashboard.headline) under the API's names.
HEADLINE_NAMES = {
    "signals_received": "signalenOntvangen",
    "taken_up_share": "percentageOpgepakt",
    "reached_share": "percentageBereikt",
    "first_attempt_median": "dagenTotEersteContactpogingMediaan",
    "first_attempt_p90": "dagenTotEersteContactpogingP90",
    "first_contact_median": "dagenTotEersteContactMediaan",
    "first_contact_p90": "dagenTotEersteContactP90",
    "budgetbeheer_share": "percentageBudgetbeheer",
    "deadline_share": "percentageEersteContactpogingOpTijd",
    "recurrence_6m_share": "percentageTerugkeerBinnen6Maanden",
    "recurrence_12m_share": "percentageTerugkeerBinnen12Maanden",
    "bailiff_without_verklaring": "deurwaarderZonderVerklaring",
    "evictions": "ontruimingen",
    "evictions_without_verklaring": "ontruimingenZonderVerklaring",
    "geregeld_started": "geregeldeBetalingGestart",
    "geregeld_running": "geregeldeBetalingLopend",
    "geregeld_arrears_cleared": "geregeldeBetalingAchterstandIngelopen",
}
DATE_ERROR = "Geef een geldige datum als JJJJ-MM-DD."
SUPPRESSED = (
    "null: afgeschermd (een klein aantal, of een aantal waaruit er een is terug te rekenen)."
)


class KpiQuery(serializers.Serializer):
    # The dashboard's period (whole months, as the figures are per month) and breakdown.

    periodeStart = serializers.DateField(
        required=False, help_text="De eerste dag van de eerste maand (JJJJ-MM-DD), zoals "
        "2026-01-01. Weggelaten: 1 januari van het jaar van periodeEinde.",
        error_messages={"invalid": DATE_ERROR},
    )  # fmt: skip
    periodeEinde = serializers.DateField(
        required=False, help_text="De laatste dag van de laatste maand (JJJJ-MM-DD), zoals "
        "2026-06-30. Weggelaten: het einde van deze maand.",
        error_messages={"invalid": DATE_ERROR},
    )  # fmt: skip
    uitsplitsing = serializers.ChoiceField(
        choices=list(BREAKDOWN_NAMES.values()), required=False,
        help_text="Elke tabel ook uitgesplitst naar gemeente, signaalpartner, soort "
        "signaalpartner, stadsdeel, uitvoerder, route of maand, voor zover uw organisatie die "
        "uitsplitsing op het dashboard heeft.",
        error_messages={"invalid_choice": "Kies een uitsplitsing: "
                        + ", ".join(BREAKDOWN_NAMES.values())},
    )  # fmt: skip

    def validate(self, attrs: dict) -> dict:
        errors: dict[str, list[str]] = {}
        for name in ("periodeStart", "periodeEinde"):
            if name in attrs and not FIRST_DAY <= attrs[name] <= LAST_DAY:
                errors[name] = [f"Kies een datum van {FIRST_DAY:%Y-%m-%d} tot en met "
                                f"{LAST_DAY:%Y-%m-%d}."]  # fmt: skip
        if errors:
            raise serializers.ValidationError(errors)
        today = timezone.localdate()
        end = attrs.get("periodeEinde") or next_month(month_start(today)) - timedelta(days=1)
        start = attrs.get("periodeStart") or date(end.year, 1, 1)
        if start.day != 1:
            errors["periodeStart"] = ["De cijfers zijn per maand: kies de eerste dag van een "
                                      f"maand, zoals {start:%Y-%m}-01."]  # fmt: skip
        last_day = next_month(month_start(end)) - timedelta(days=1)
        if end != last_day:
            errors["periodeEinde"] = ["De cijfers zijn per maand: kies de laatste dag van een "
                                      f"maand, zoals {last_day:%Y-%m-%d}."]  # fmt: skip
        if errors:
            raise serializers.ValidationError(errors)
        if start > end:
            raise serializers.ValidationError(
                {"periodeStart": ["De eerste maand ligt na de laatste."]}
            )
        if add_months(start, MAX_MONTHS) <= end:
            raise serializers.ValidationError(
                {"periodeEinde": [f"Kies een periode van hoogstens {MAX_MONTHS} maanden."]}
            )
        attrs["start"], attrs["end"] = start, end
        attrs["breakdown"] = BREAKDOWN_KEYS.get(attrs.get("uitsplitsing", ""), "")
        return attrs


@extend_schema_serializer(component_name="CijferKolom")
class KpiColumnSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Vaste code van de kolom (de DDAS-waarde of de maat).")
    label = serializers.CharField()


@extend_schema_serializer(component_name="CijferRij")
class KpiRowSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True, help_text="Code van de rij: de code van de organisatie of het "
        "stadsdeel, de CBS-gemeentecode, JJJJ-MM, het jaar, de route; null bij nog niet "
        "toegewezen en dergelijke.",
    )  # fmt: skip
    label = serializers.CharField()
    waarden = serializers.ListField(
        child=serializers.IntegerField(allow_null=True, min_value=0),
        help_text="Per kolom het aantal; " + SUPPRESSED,
    )  # fmt: skip
    totaal = serializers.IntegerField(allow_null=True, min_value=0, help_text=SUPPRESSED)


@extend_schema_serializer(component_name="CijferTabel")
class KpiTableSerializer(serializers.Serializer):
    """Een tabel van het dashboard, met de getallen van zijn download."""

    code = serializers.CharField(help_text="De tabel, zoals signalen, bereik, eindresultaten.")
    titel = serializers.CharField()
    rijLabel = serializers.CharField(
        allow_blank=True, help_text="Waarnaar de rijen zijn uitgesplitst; leeg zonder."
    )
    totaalLabel = serializers.CharField(help_text="Wat het totaal van een rij telt.")
    toelichting = serializers.CharField(allow_blank=True)
    kolommen = KpiColumnSerializer(many=True)
    rijen = KpiRowSerializer(many=True)
    kolomTotalen = serializers.ListField(
        child=serializers.IntegerField(allow_null=True, min_value=0), help_text=SUPPRESSED
    )
    totaal = serializers.IntegerField(allow_null=True, min_value=0, help_text=SUPPRESSED)


def _count(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        allow_null=True, required=False, min_value=0, help_text=f"{help_text} {SUPPRESSED}"
    )


def _share(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, required=False, min_value=0, max_value=100,
        help_text=f"{help_text} null: afgeschermd, of de basis is kleiner dan de drempel.",
    )  # fmt: skip


@extend_schema_serializer(component_name="Kerncijfers")
class HeadlineSerializer(serializers.Serializer):
    """De kerncijfers van het dashboard. Die van deurwaarder en ontruimingen ontbreken voor
    een uitvoerder, die van Geregelde betaling voor een signaalpartner en een uitvoerder (zoals
    op het dashboard)."""

    signalenOntvangen = _count("Ontvangen signalen.")
    percentageOpgepakt = _share("Opgepakte signalen, in procenten van de ontvangen.")
    percentageBereikt = _share("Zaken met een contactpoging waarbij de huurder is bereikt.")
    dagenTotEersteContactpogingMediaan = _count("Dagen van ontvangst tot de eerste contactpoging.")
    dagenTotEersteContactpogingP90 = _count("Idem, het 90e percentiel.")
    dagenTotEersteContactMediaan = _count("Dagen van ontvangst tot het eerste contact.")
    dagenTotEersteContactP90 = _count("Idem, het 90e percentiel.")
    percentageBudgetbeheer = _share("Budgetbeheer onder de ingezette instrumenten (art. 7).")
    percentageEersteContactpogingOpTijd = _share("Eerste contactpoging binnen de termijn.")
    percentageTerugkeerBinnen6Maanden = _share("Een nieuw signaal binnen 6 maanden na afsluiten.")
    percentageTerugkeerBinnen12Maanden = _share("Een nieuw signaal binnen 12 maanden na afsluiten.")
    deurwaarderZonderVerklaring = _count(
        "Overdrachten aan de deurwaarder zonder geldige verklaring."
    )
    ontruimingen = _count("Uitgevoerde ontruimingen.")
    ontruimingenZonderVerklaring = _count("Ontruimingen zonder geldige verklaring.")
    geregeldeBetalingGestart = _count("Geregelde betalingen die in de periode gingen lopen.")
    geregeldeBetalingLopend = _count("Daarvan nog lopend.")
    geregeldeBetalingAchterstandIngelopen = _count("Daarvan beëindigd: achterstand ingelopen.")


@extend_schema_serializer(component_name="Cijfers")
class KpiSerializer(serializers.Serializer):
    """De cijfers van een periode: de kerncijfers en elke tabel van het dashboard."""

    periodeStart = serializers.DateField()
    periodeEinde = serializers.DateField()
    uitsplitsing = serializers.CharField(allow_null=True)
    drempel = serializers.IntegerField(
        min_value=1, help_text="Aantallen kleiner dan dit getal zijn afgeschermd."
    )
    bijgewerkt = serializers.DateTimeField(
        allow_null=True, help_text="Wanneer de cijfers van de periode het laatst zijn berekend."
    )
    kerncijfers = HeadlineSerializer()
    tabellen = KpiTableSerializer(many=True)


def _table(table: Table, breakdown: str) -> dict[str, Any]:
    codes = row_codes(breakdown if table.row_label else "", table.row_keys)
    return {
        "code": table.slug,
        "titel": table.title,
        "rijLabel": table.row_label,
        "totaalLabel": table.total_label,
        "toelichting": table.note,
        "kolommen": [
            {"code": code, "label": label}
            for code, label in zip(table.column_keys, table.columns, strict=True)
        ],
        "rijen": [
            {"code": code, "label": label, "waarden": cells, "totaal": total}
            for code, label, cells, total in zip(
                codes, table.rows, table.cells, table.row_totals, strict=True
            )
        ],
        "kolomTotalen": table.column_totals,
        "totaal": table.total,
    }


def _row_breakdown(table: Table, breakdown: str) -> str:
    """The breakdown a table's rows are by: the trend by month, the outcomes by year."""
    if table.slug.endswith("-per-maand"):
        return "month"
    if table.slug.endswith("-per-jaar"):
        return "year"
    return breakdown


def kpi_body(result: Dashboard) -> dict[str, Any]:
    return {
        "periodeStart": result.start,
        "periodeEinde": result.end,
        "uitsplitsing": BREAKDOWN_NAMES.get(result.breakdown),
        "drempel": result.k,
        "bijgewerkt": result.refreshed_at,
        "kerncijfers": {HEADLINE_NAMES[k]: v for k, v in result.headline.items()},
        "tabellen": [
            _table(t, _row_breakdown(t, result.breakdown)) for t in [*result.trend, *result.tables]
        ],
    }


class KpiThrottle(UserThrottle):
    """The user rate (MELDPUNT_API_RATE_USER), per API key."""


class KpiView(APIView):
    token_scopes = {"GET": scopes.REPORTS}
    throttle_classes = [KpiThrottle]

    @extend_schema(
        operation_id="kerncijfers_retrieve",
        summary="De cijfers van het dashboard over een periode",
        description="Dezelfde cijfers als het dashboard en zijn downloads, met dezelfde "
        "afscherming van kleine aantallen: de gemeente (beleid) over haar gemeente(n), een "
        "signaalpartner over zijn eigen signalen en hun zaken, een uitvoerder over de zaken die "
        "aan hem zijn toegewezen. De periode is in hele maanden. Alleen geaggregeerde cijfers, "
        "zonder persoonsgegevens.",
        parameters=[KpiQuery],
        responses={200: KpiSerializer},
        tags=["rapportages"],
    )
    def get(self, request: Request) -> Response:
        query = KpiQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        scope = scope_for(request.user)  # a role without figures: 403, as on the dashboard
        if q["breakdown"] and q["breakdown"] not in {k for k, _ in breakdowns_for(scope)}:
            raise serializers.ValidationError(
                {"uitsplitsing": ["Deze uitsplitsing is er niet voor uw organisatie; kies een "
                                  "van: " + ", ".join(BREAKDOWN_NAMES[k] for k, _ in
                                                      breakdowns_for(scope) if k)]}
            )  # fmt: skip
        result = dashboard(request.user, start=q["start"], end=q["end"], breakdown=q["breakdown"])
        body = kpi_body(result)
        data = KpiSerializer(body).data
        # A figure the scope does not have is absent (null means suppressed).
        data["kerncijfers"] = {
            k: v for k, v in data["kerncijfers"].items() if k in body["kerncijfers"]
        }
        response = Response(data)
        response["Cache-Control"] = "no-store"
        return response
