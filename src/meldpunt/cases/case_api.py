"""The case work API (issue #13): a provider's cases and, for regie signed in, its
municipality's; the same scoping (``Case.objects.for_user``), filters and keyset pages as the
case list on screen (cases.search), the same services and transition rules as the case page.

Keys with the scope ``casework`` (providers' systems) act as their service user (role
hulpverlener); regie uses it signed in (no kind of municipality key has ``casework``).
See docs/adr/0118-api-lists-and-casework.md.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.core.cursors import (
    InvalidCursor,
    PageLinksSerializer,
    cursor_decode,
    cursor_encode,
    page_links,
)
from meldpunt.core.throttling import UserThrottle
from meldpunt.privacy.services import Processing, processing_log_record_many

from .deadlines import OUTREACH_OPEN
from .models import Case, Track
from .search import Filters, case_page, filtered_cases
from .workflow import CaseStatus

CURSOR_LIST = "zaken"
SORTS = ("termijn", "ontvangen")
COUNT_ERROR = "Geef een geheel getal van 1 tot en met 100."


def require_case_access(user: Any) -> None:
    """The roles that have cases at all (as the case list on screen); anyone else a 403."""
    if not (
        user.has_perm("cases.view_all_cases")
        or user.has_perm("cases.view_assigned_case")
        or user.has_perm("cases.view_income_cases")
    ):
        raise PermissionDenied("Alleen de regie en uitvoerders werken zaken.")


def case_path(case: Case) -> str:
    return f"/api/v1/zaken/{case.public_id}"


class CaseThrottle(UserThrottle):
    """The user rate (MELDPUNT_API_RATE_USER), per API key."""


class CaseListQuery(serializers.Serializer):
    """The filters of the case list: ids and vocabulary, no personal data (so they may be in
    the URL, as on screen, docs/adr/0108)."""

    status = serializers.ChoiceField(
        choices=CaseStatus.choices, required=False,
        error_messages={"invalid_choice": "Kies een status: " + ", ".join(CaseStatus.values)},
    )  # fmt: skip
    route = serializers.ChoiceField(
        choices=Track.values, required=False,
        error_messages={"invalid_choice": "Kies een route: " + ", ".join(Track.values)},
    )  # fmt: skip
    werkbak = serializers.CharField(
        required=False, max_length=80,
        help_text="De werkbak van het afwegingskader, bij zijn naam.",
        error_messages={"max_length": "Een werkbak heet hoogstens 80 tekens."},
    )  # fmt: skip
    termijnVerstreken = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="true: alleen de zaken waarvan de termijn van de outreach voorbij is "
        "(false of weggelaten: alle).",
        error_messages={"invalid": "Geef true of false."},
    )  # fmt: skip
    sortering = serializers.ChoiceField(
        choices=SORTS, required=False, default="termijn",
        help_text="termijn: vroegste termijn eerst (verstreken bovenaan), dan zaken zonder "
        "termijn; ontvangen: nieuwste eerst.",
        error_messages={"invalid_choice": "Kies termijn of ontvangen."},
    )  # fmt: skip
    aantal = serializers.IntegerField(
        required=False, default=50, min_value=1, max_value=100,
        help_text="Hoeveel zaken per pagina (1 tot en met 100).",
        error_messages={"invalid": COUNT_ERROR, "min_value": COUNT_ERROR,
                        "max_value": COUNT_ERROR},
    )  # fmt: skip
    cursor = serializers.CharField(
        required=False, max_length=300,
        help_text="Waar de vorige pagina eindigde: neem hem over uit _links.next.",
    )  # fmt: skip

    def validate(self, attrs: dict) -> dict:
        try:
            position = cursor_decode(CURSOR_LIST, attrs.get("cursor", ""))
        except InvalidCursor:
            raise serializers.ValidationError(
                {"cursor": ["Deze cursor is niet van deze lijst; neem hem over uit _links.next."]}
            ) from None
        # The position of one sort order means nothing in the other.
        sort, _, after = position.partition(":")
        if position and sort != attrs["sortering"]:
            raise serializers.ValidationError(
                {"cursor": ["Deze cursor hoort bij een andere sortering."]}
            )
        attrs["after"] = after
        return attrs


@extend_schema_serializer(component_name="ZaakInLijst")
class CaseSummarySerializer(serializers.Serializer):
    """A case in a list: no personal data (the tenant is in GET /zaken/{zaakId})."""

    id = serializers.UUIDField()
    referentie = serializers.CharField(help_text="Het korte zaaknummer dat mensen noemen.")
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    route = serializers.CharField(allow_blank=True, help_text="vroeg-eropaf, geregelde-betaling")
    werkbak = serializers.CharField(allow_blank=True)
    crisis = serializers.BooleanField()
    termijn = serializers.DateField(allow_null=True, help_text="Wanneer de volgende stap van "
                                    "de outreach moet zijn gezet.")  # fmt: skip
    termijnVerstreken = serializers.BooleanField()
    stadsdeel = serializers.CharField(allow_null=True)
    uitvoerder = serializers.CharField(allow_null=True, help_text="De code van de uitvoerder.")
    geopend = serializers.DateTimeField()
    opgepakt = serializers.DateField(allow_null=True)
    afgesloten = serializers.DateTimeField(allow_null=True)
    eindresultaat = serializers.CharField(allow_blank=True)
    _links = PageLinksSerializer(label="Links")


@extend_schema_serializer(component_name="ZakenInPagina")
class CasesInPageSerializer(serializers.Serializer):
    zaken = CaseSummarySerializer(many=True)


@extend_schema_serializer(component_name="ZakenPagina")
class CasePageSerializer(serializers.Serializer):
    _links = PageLinksSerializer(label="Links")
    _embedded = CasesInPageSerializer(label="Ingesloten")


def case_summary(case: Case, today) -> dict:
    return {
        "id": case.public_id,
        "referentie": case.reference,
        "status": case.status,
        "route": case.track,
        "werkbak": case.queue,
        "crisis": case.crisis,
        "termijn": case.due_on,
        "termijnVerstreken": case.status in OUTREACH_OPEN
        and case.due_on is not None
        and case.due_on < today,
        "stadsdeel": case.district.name if case.district else None,
        "uitvoerder": case.provider.slug if case.provider else None,
        "geopend": case.opened_at,
        "opgepakt": case.picked_up_on,
        "afgesloten": case.closed_at,
        "eindresultaat": case.end_result,
        "_links": {"self": {"href": case_path(case)}},
    }


def record_case_reads(request: Request, cases: list[Case], name: str, fields: tuple) -> None:
    user = request.user
    processing_log_record_many(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
        action="read",
        name=name,
        items=[Processing(str(c.subject_id), "case", c.public_id, fields) for c in cases],
    )


class CaseCollection(APIView):
    token_scopes = {"GET": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(
        operation_id="zaken_list",
        summary="De eigen zaken",
        description="Een uitvoerder: de zaken die aan hem zijn toegewezen; de regie (aangemeld): "
        "de zaken van haar gemeente. Gefilterd en per pagina, de volgende in _links.next. "
        "Zonder persoonsgegevens; de huurder staat in GET /zaken/{zaakId}.",
        parameters=[CaseListQuery],
        responses={200: CasePageSerializer},
        tags=["zaken"],
    )
    def get(self, request: Request) -> Response:
        require_case_access(request.user)
        query = CaseListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        filters = Filters(
            state="alle",
            status=q.get("status", ""),
            track=q.get("route", ""),
            queue=q.get("werkbak", ""),
            overdue=bool(q.get("termijnVerstreken")),
            sort=q["sortering"],
        )
        cases = filtered_cases(request.user, filters).select_related("district", "provider")
        rows, after = case_page(cases, sort=filters.sort, after=q["after"], size=q["aantal"])
        record_case_reads(request, rows, "case.list", ("status", "due_on", "end_result"))
        today = timezone.localdate()
        position = f"{filters.sort}:{after}" if after else ""
        return Response(
            {
                "_links": page_links(request, cursor_encode(CURSOR_LIST, position)),
                "_embedded": {"zaken": [case_summary(c, today) for c in rows]},
            }
        )
