"""API for landlords: the minimal feedback on their own signal (same content as the screen)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes

from .feedback import record_feedback_read, signal_feedback
from .models import Signal
from .selectors import signal_get_own


class InstrumentFeedbackSerializer(serializers.Serializer):
    categorie = serializers.CharField()
    datum = serializers.DateField()


class GeregeldeBetalingFeedbackSerializer(serializers.Serializer):
    """Only that it runs (since when, with which payment reference) or that it stopped."""

    loopt = serializers.BooleanField()
    sinds = serializers.DateField()
    betalingskenmerk = serializers.CharField(allow_blank=True)
    gestoptOp = serializers.DateField(allow_null=True)


class FeedbackSerializer(serializers.Serializer):
    referentie = serializers.CharField()
    stand = serializers.CharField()
    reden = serializers.CharField(allow_blank=True)
    ontvangen = serializers.DateField()
    opgepakt = serializers.DateField(allow_null=True)
    instrumenten = InstrumentFeedbackSerializer(many=True)
    afgesloten = serializers.DateField(allow_null=True)
    geregeldeBetaling = GeregeldeBetalingFeedbackSerializer(allow_null=True)


@extend_schema(
    summary="Terugkoppeling op een eigen signaal",
    tags=["terugkoppeling"],
    responses=FeedbackSerializer,
)
class SignalFeedbackView(APIView):
    token_scopes = {"GET": scopes.READ_FEEDBACK}

    def get(self, request, signaalId):  # camelCase: the path parameter
        if not request.user.has_perm("intake.submit_signal"):
            raise PermissionDenied
        try:
            signal = signal_get_own(request.user, public_id=signaalId)
        except Signal.DoesNotExist:
            raise NotFound from None
        record_feedback_read(request.user, signal)
        fb = signal_feedback(signal)
        data = {
            "referentie": signal.partner_reference,
            "stand": fb.stage,
            "reden": fb.reason,
            "ontvangen": fb.received_on,
            "opgepakt": fb.taken_up_on,
            "instrumenten": [{"categorie": c, "datum": d} for c, d in fb.instruments],
            "afgesloten": fb.closed_on,
            "geregeldeBetaling": {
                "loopt": fb.regulated_ended_on is None,
                "sinds": fb.regulated_since,
                "betalingskenmerk": fb.regulated_reference,
                "gestoptOp": fb.regulated_ended_on,
            }
            if fb.regulated_since
            else None,
        }
        return Response(FeedbackSerializer(data).data)
