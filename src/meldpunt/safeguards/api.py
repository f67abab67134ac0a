"""API of the Sluitende Aanpak: a landlord asks a check; anyone verifies a verklaring."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.cases.models import Signal
from meldpunt.cases.selectors import signal_get_own
from meldpunt.core.throttling import VerificationThrottle

from .models import Attestation, Question, WeightyGround
from .services import attestation_verify, safeguard_check_ask


class CheckRequestSerializer(serializers.Serializer):
    zwaarwegendeGrond = serializers.ChoiceField(
        choices=[c for c in WeightyGround.values if c], required=False
    )
    onderbouwing = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CheckAnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    vraag = serializers.CharField()
    antwoord = serializers.CharField()
    regels = serializers.ListField(child=serializers.CharField())
    toelichting = serializers.CharField()
    verificatiecode = serializers.CharField(allow_null=True)


def _answer(check) -> dict:
    attestation = Attestation.objects.filter(check_record=check).first()
    return {
        "id": check.public_id,
        "vraag": check.question,
        "antwoord": check.outcome,
        "regels": check.rows,
        "toelichting": check.explanation,
        "verificatiecode": attestation.code if attestation else None,
    }


@extend_schema(
    summary="Toets Sluitende Aanpak voor de huurder van een eigen signaal",
    tags=["sluitende-aanpak"],
    request=CheckRequestSerializer,
    responses={201: CheckAnswerSerializer},
)
class CheckCreateView(APIView):
    # The answer is feedback on the landlord's own tenant (docs/adr/0105-api-clients.md).
    token_scopes = {"POST": scopes.READ_FEEDBACK}

    def post(self, request, public_id, question):
        if question not in Question.values:
            raise NotFound
        if not request.user.has_perm("safeguards.ask_check"):
            raise PermissionDenied
        try:
            signal = signal_get_own(request.user, public_id=public_id)
        except Signal.DoesNotExist:
            raise NotFound from None
        if signal.tenancy_id is None:
            raise NotFound
        body = CheckRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = safeguard_check_ask(
            tenancy_id=signal.tenancy_id,
            signal_id=signal.pk,
            by=request.user,
            question=question,
            weighty_ground=body.validated_data.get("zwaarwegendeGrond", ""),
            justification=body.validated_data.get("onderbouwing", ""),
        )
        return Response(CheckAnswerSerializer(_answer(check)).data, status=status.HTTP_201_CREATED)


class VerificationSerializer(serializers.Serializer):
    geldig = serializers.BooleanField()
    uitgegevenDoor = serializers.CharField()
    aangevraagdDoor = serializers.CharField()
    datum = serializers.DateField()
    vraag = serializers.CharField()
    antwoord = serializers.CharField()
    referentieVerhuurder = serializers.CharField(allow_blank=True)


@extend_schema(
    summary="Verklaring Sluitende Aanpak verifiëren (zonder persoonsgegevens)",
    tags=["sluitende-aanpak"],
    responses=VerificationSerializer,
)
class VerificationView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerificationThrottle]

    def get(self, request, code):
        attestation = attestation_verify(code)
        if attestation is None:
            raise NotFound("Er is geen geldige verklaring met deze code.")
        check = attestation.check_record
        data = {
            "geldig": True,
            "uitgegevenDoor": (
                f"Centraal Meldpunt vroegsignalering, {check.municipality.official_name}"
            ),
            "aangevraagdDoor": check.organisation.name,
            "datum": timezone.localdate(attestation.issued_at),
            "vraag": check.question,
            "antwoord": check.outcome,
            "referentieVerhuurder": check.partner_reference,
        }
        return Response(VerificationSerializer(data).data)
