"""The DDAS v1.2 delivery of one month over the API (issue #13, scope ``export``): the same
document beleid downloads on screen (``ddas_views``) and CBS collects, of the key's own
municipalities only, logged as one export (reporting.delivery). Thin."""

from __future__ import annotations

import re
from datetime import timedelta

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.core.throttling import UserThrottle

from .ddas.config import supplier_code
from .delivery import export_document, month_bounds
from .figures import month_start, next_month

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
