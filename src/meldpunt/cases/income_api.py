"""API of Geregelde betaling for the income consultant and regie (signed in; closed to API keys,
whose service users never hold ``cases.work_income_track``): a case's current arrangement, new
amounts while it runs (a change instruction to the income administration), and ending it with a
reason. Paths name the case (``/zaken/{id}/geregelde-betaling``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.core.api import Conflict
from meldpunt.privacy.services import processing_log_record

from . import income_services as gb
from .models import Arrangement, Case, Track
from .workflow import ArrangementEndReason
from .workflow import ArrangementStatus as A


class InstructionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.CharField()
    stand = serializers.CharField()
    aangemaakt = serializers.DateTimeField()
    antwoord = serializers.CharField(allow_blank=True)


class ArrangementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    zaak = serializers.CharField()
    stand = serializers.CharField()
    termijn = serializers.DateField(allow_null=True)
    huurPerMaand = serializers.CharField()
    aflossingPerMaand = serializers.CharField(allow_null=True)
    betalingskenmerk = serializers.CharField()
    eerstePeriode = serializers.CharField()
    laatstePeriode = serializers.CharField(allow_null=True)
    grondslag = serializers.CharField(allow_blank=True)
    looptSinds = serializers.DateField(allow_null=True)
    beeindigdOp = serializers.DateField(allow_null=True)
    redenBeeindiging = serializers.CharField(allow_blank=True)
    opdrachten = InstructionSerializer(many=True)


class EndRequestSerializer(serializers.Serializer):
    reden = serializers.ChoiceField(
        choices=ArrangementEndReason.values,
        error_messages={
            "invalid_choice": "Kies een reden: " + ", ".join(ArrangementEndReason.values)
        },
    )
    datum = serializers.DateField(
        required=False, error_messages={"invalid": "Geef een geldige datum als JJJJ-MM-DD."}
    )


_PERIOD = {"invalid": "Geef de maand als JJJJ-MM, bijvoorbeeld 2026-03."}


class ChangeRequestSerializer(serializers.Serializer):
    huurPerMaand = serializers.CharField(
        max_length=20,
        help_text="De nieuwe huur per maand, bijvoorbeeld 730,00.",
        error_messages={"required": "Vul de huur per maand in.",
                        "blank": "Vul de huur per maand in."},
    )  # fmt: skip
    aflossingPerMaand = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True,
        help_text="De nieuwe aflossing van de achterstand per maand; leeg: geen aflossing.",
    )  # fmt: skip
    vanafPeriode = serializers.RegexField(
        r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        help_text="De eerste maand waarin de nieuwe bedragen gelden (JJJJ-MM).",
        error_messages={**_PERIOD, "required": "Vul de maand in vanaf wanneer de wijziging geldt."},
    )  # fmt: skip


def _data(a: Arrangement) -> dict:
    return {
        "id": a.public_id,
        "zaak": a.case.reference,
        "stand": a.status,
        "termijn": a.due_on,
        "huurPerMaand": a.rent_amount,
        "aflossingPerMaand": a.arrears_instalment,
        "betalingskenmerk": a.payment_reference,
        "eerstePeriode": f"{a.first_period:%Y-%m}",
        "laatstePeriode": f"{a.last_period:%Y-%m}" if a.last_period else None,
        "grondslag": a.legal_basis,
        "looptSinds": a.started_on,
        "beeindigdOp": a.ended_on,
        "redenBeeindiging": a.end_reason,
        "opdrachten": [
            {
                "id": i.public_id,
                "soort": i.kind,
                "stand": i.status,
                "aangemaakt": i.created_at,
                "antwoord": i.answer,
            }
            for i in a.instructions.defer("payload").order_by("created_at", "id")
        ],
    }


def _field_errors(exc: DjangoValidationError, names: dict[str, str], default: str):
    """A service's Dutch messages as the API's field errors (problem+json invalidParams)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {default: exc.messages}
    return serializers.ValidationError({names.get(k, k): v for k, v in errors.items()})


def _arrangement(request, public_id) -> Arrangement:
    user = request.user
    if not (user.has_perm("cases.work_income_track") and user.organisation.is_municipality):
        raise PermissionDenied
    case = (
        Case.objects.for_user(user)
        .filter(track=Track.GEREGELDE_BETALING, public_id=public_id)
        .first()
    )
    arrangement = (
        None
        if case is None
        else case.arrangements.select_related("case").order_by("-created_at", "-id").first()
    )
    if arrangement is None:
        raise NotFound
    return arrangement


@extend_schema(summary="De geregelde betaling van een zaak", tags=["geregelde betaling"],
               responses=ArrangementSerializer)  # fmt: skip
class ArrangementDetailView(APIView):
    token_scopes: dict[str, str] = {}  # closed to API keys

    def get(self, request, zaakId):  # camelCase: the path parameter
        arrangement = _arrangement(request, zaakId)
        processing_log_record(
            actor=request.user, activity="triage", action="read", name="arrangement.api_view",
            subject_id=arrangement.case.subject_id, object_type="arrangement",
            object_id=arrangement.public_id,
            fields=["rent_amount", "arrears_instalment", "payment_reference", "first_period",
                    "last_period", "instructions"],
        )  # fmt: skip
        return Response(ArrangementSerializer(_data(arrangement)).data)


@extend_schema(summary="Een geregelde betaling beëindigen", tags=["geregelde betaling"],
               request=EndRequestSerializer, responses=ArrangementSerializer)  # fmt: skip
class ArrangementEndView(APIView):
    token_scopes: dict[str, str] = {}  # closed to API keys

    def post(self, request, zaakId):  # camelCase: the path parameter
        arrangement = _arrangement(request, zaakId)
        body = EndRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if arrangement.status == A.ENDED:
            raise serializers.ValidationError(
                {"reden": ["Deze geregelde betaling is al beëindigd."]}
            )
        try:
            ended = gb.arrangement_end(
                arrangement_id=arrangement.pk, by=request.user,
                reason=body.validated_data["reden"], on=body.validated_data.get("datum"),
            )  # fmt: skip
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except DjangoValidationError as exc:
            raise _field_errors(exc, {"reason": "reden", "on": "datum"}, "reden") from None
        return Response(ArrangementSerializer(_data(ended)).data, status=status.HTTP_200_OK)


@extend_schema(
    summary="Nieuwe bedragen van een lopende geregelde betaling",
    description="Legt nieuwe bedragen vast vanaf een maand; een wijzigingsopdracht gaat naar de "
    "inkomensadministratie (zie de opdrachten van de geregelde betaling).",
    tags=["geregelde betaling"],
    request=ChangeRequestSerializer,
    responses={
        200: ArrangementSerializer,
        409: OpenApiResponse(description="De geregelde betaling loopt niet (meer)."),
    },
)
class ArrangementChangeView(APIView):
    token_scopes: dict[str, str] = {}  # closed to API keys

    def post(self, request, zaakId):  # camelCase: the path parameter
        arrangement = _arrangement(request, zaakId)
        body = ChangeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if arrangement.status != A.RUNNING:
            raise Conflict("Alleen een lopende geregelde betaling kan worden gewijzigd.")
        data = body.validated_data
        year, month = (int(part) for part in data["vanafPeriode"].split("-"))
        try:
            gb.arrangement_change(
                arrangement_id=arrangement.pk, by=request.user, rent_amount=data["huurPerMaand"],
                arrears_instalment=data.get("aflossingPerMaand") or None,
                from_period=date(year, month, 1), expected_status=A.RUNNING,
            )  # fmt: skip
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):  # changed meanwhile: no longer running
                raise Conflict(" ".join(exc.messages)) from None
            names = {"rent_amount": "huurPerMaand", "arrears_instalment": "aflossingPerMaand",
                     "from_period": "vanafPeriode"}  # fmt: skip
            raise _field_errors(exc, names, "huurPerMaand") from None
        arrangement.refresh_from_db()
        return Response(ArrangementSerializer(_data(arrangement)).data, status=status.HTTP_200_OK)
