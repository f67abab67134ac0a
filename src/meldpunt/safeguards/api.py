"""API of the Sluitende Aanpak: a landlord asks a check and registers outcomes; anyone verifies a
verklaring."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.cases.models import Signal
from meldpunt.cases.selectors import signal_get_own
from meldpunt.core.throttling import VerificationThrottle
from meldpunt.privacy.services import processing_log_record

from .models import Attestation, OutcomeKind, Question, TenancyOutcome, WeightyGround
from .services import attestation_verify, safeguard_check_ask, tenancy_outcome_record

LISTED_KINDS = ", ".join(OutcomeKind.values)


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
    parameters=[
        OpenApiParameter(
            "vraag",
            str,
            OpenApiParameter.PATH,
            enum=list(Question.values),
            description="deurwaarder of ontruiming",
        )
    ],
)
class CheckCreateView(APIView):
    # The answer is feedback on the landlord's own tenant (docs/adr/0105-api-clients.md).
    token_scopes = {"POST": scopes.READ_FEEDBACK}

    def post(self, request, signaalId, vraag):  # camelCase: the path parameter
        question = vraag
        if question not in Question.values:
            raise NotFound
        if not request.user.has_perm("safeguards.ask_check"):
            raise PermissionDenied
        try:
            signal = signal_get_own(request.user, public_id=signaalId)
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


class OutcomeRequestSerializer(serializers.Serializer):
    uitkomst = serializers.ChoiceField(
        choices=OutcomeKind.values,
        error_messages={"invalid_choice": "Kies een uitkomst uit de lijst: " + LISTED_KINDS},
    )
    datum = serializers.DateField(
        error_messages={"invalid": "Geef een geldige datum als JJJJ-MM-DD."}
    )
    verificatiecode = serializers.CharField(required=False, allow_blank=True, max_length=40)


class WithdrawalSerializer(serializers.Serializer):
    op = serializers.DateField()
    reden = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    uitkomst = serializers.CharField()
    omschrijving = serializers.CharField()
    datum = serializers.DateField()
    geldigeVerklaring = serializers.BooleanField(
        allow_null=True,
        help_text="Of er op die datum een geldige verklaring Sluitende Aanpak was; leeg waar "
        "de uitkomst er geen vraagt.",
    )
    ingetrokken = WithdrawalSerializer(allow_null=True)


def _outcome(outcome: TenancyOutcome) -> dict:
    withdrawal = getattr(outcome, "withdrawal", None)
    return {
        "id": outcome.public_id,
        "uitkomst": outcome.kind,
        "omschrijving": outcome.get_kind_display(),
        "datum": outcome.occurred_on,
        "geldigeVerklaring": outcome.verklaring_valid,
        "ingetrokken": None
        if withdrawal is None
        else {
            "op": timezone.localdate(withdrawal.withdrawn_at),
            "reden": withdrawal.get_reason_display(),
        },
    }


# The service's field names, as the API spells them.
_API_FIELDS = {"kind": "uitkomst", "occurred_on": "datum", "verification_code": "verificatiecode"}


@extend_schema_view(
    get=extend_schema(
        summary="Uitkomsten van de huurrelatie van een eigen signaal",
        tags=["uitkomsten"],
        responses=OutcomeSerializer(many=True),
    ),
    post=extend_schema(
        summary="Uitkomst vastleggen voor de huurrelatie van een eigen signaal",
        tags=["uitkomsten"],
        request=OutcomeRequestSerializer,
        responses={201: OutcomeSerializer},
    ),
)
class SignalOutcomesView(APIView):
    """What followed for the tenant of one of the landlord's own signals (ADR 0106).

    Answers only with the landlord's own outcomes; nothing of the case.
    """

    token_scopes = {"GET": scopes.OUTCOMES, "POST": scopes.OUTCOMES}

    def _tenancy(self, request, public_id):
        user = request.user
        if not user.has_perm("safeguards.record_outcome") or not (
            user.organisation and user.organisation.is_landlord
        ):
            raise PermissionDenied
        try:
            signal = signal_get_own(user, public_id=public_id)
        except Signal.DoesNotExist:
            raise NotFound from None
        if signal.tenancy_id is None:
            raise NotFound
        return signal.tenancy

    def get(self, request, signaalId):  # camelCase: the path parameter
        tenancy = self._tenancy(request, signaalId)
        outcomes = (
            TenancyOutcome.objects.for_user(request.user)
            .filter(tenancy=tenancy)
            .select_related("withdrawal")
        )
        processing_log_record(
            actor=request.user,
            activity="sluitende-aanpak",
            action="read",
            name="outcome.list",
            subject_id=tenancy.person.subject_id if tenancy.person_id else "",
            object_type="tenancy",
            object_id=tenancy.public_id,
            fields=["outcomes"],
        )
        return Response(OutcomeSerializer([_outcome(o) for o in outcomes], many=True).data)

    def post(self, request, signaalId):  # camelCase: the path parameter
        tenancy = self._tenancy(request, signaalId)
        body = OutcomeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            outcome = tenancy_outcome_record(
                by=request.user,
                tenancy_id=tenancy.pk,
                kind=body.validated_data["uitkomst"],
                occurred_on=body.validated_data["datum"],
                verification_code=body.validated_data.get("verificatiecode", ""),
            )
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"uitkomst": exc.messages}
            raise serializers.ValidationError(
                {_API_FIELDS.get(k, k): v for k, v in errors.items()}
            ) from None
        return Response(OutcomeSerializer(_outcome(outcome)).data, status=status.HTTP_201_CREATED)
