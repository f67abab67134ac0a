"""The API client's own webhooks: GET/POST /api/v1/webhooks and DELETE /webhooks/{webhookId}.

Only with an API key of scope read-feedback (the events are feedback): a signed-in user has no
key to subscribe, and another key's webhook is a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.accounts.models import ApiToken

from .models import WebhookSubscription
from .services import webhook_subscribe, webhook_unsubscribe


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.URLField()
    aangemaakt = serializers.DateTimeField(source="created_at")


class WebhookCreatedSerializer(WebhookSerializer):
    geheim = serializers.CharField(
        help_text="Sleutel voor de handtekening (webhook-signature); alleen in dit antwoord."
    )


class WebhookRequestSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="https-adres van uw ontvanger")


def _token(request: Request) -> ApiToken:
    if not isinstance(request.auth, ApiToken):
        raise PermissionDenied("Webhooks horen bij een API-sleutel: meld u aan met die sleutel.")
    return request.auth


@extend_schema_view(
    get=extend_schema(
        summary="Webhooks van deze API-sleutel",
        tags=["webhooks"],
        responses=WebhookSerializer(many=True),
    ),
    post=extend_schema(
        summary="Webhook aanmelden voor wijzigingen in de terugkoppeling",
        description=(
            "Bij elke wijziging van de terugkoppeling op een signaal van uw organisatie volgt een "
            "ondertekende POST naar het adres (docs/webhooks.md)."
        ),
        tags=["webhooks"],
        request=WebhookRequestSerializer,
        responses={201: WebhookCreatedSerializer},
    ),
)
class WebhookCollection(APIView):
    token_scopes = {"GET": scopes.READ_FEEDBACK, "POST": scopes.READ_FEEDBACK}

    def get(self, request: Request) -> Response:
        subscriptions = WebhookSubscription.objects.filter(
            token=_token(request), revoked_at__isnull=True
        ).order_by("created_at", "id")
        return Response(WebhookSerializer(subscriptions, many=True).data)

    def post(self, request: Request) -> Response:
        token = _token(request)
        body = WebhookRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            subscription, secret = webhook_subscribe(token=token, url=body.validated_data["url"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        data = WebhookSerializer(subscription).data | {"geheim": secret}
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Webhook afmelden",
    tags=["webhooks"],
    responses={204: OpenApiResponse(description="Afgemeld; wat nog niet verstuurd was, vervalt.")},
)
class WebhookDetail(APIView):
    token_scopes = {"DELETE": scopes.READ_FEEDBACK}

    def delete(self, request: Request, webhookId) -> Response:  # camelCase: the path parameter
        subscription = WebhookSubscription.objects.filter(
            token=_token(request), public_id=webhookId, revoked_at__isnull=True
        ).first()
        if subscription is None:
            raise NotFound
        webhook_unsubscribe(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)
