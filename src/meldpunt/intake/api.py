"""POST /api/v1/signalen (one or a batch), GET /api/v1/signalen (the partner's own, paged),
POST /api/v1/signalen/_zoek (by the partner's reference) and GET /api/v1/signalen/{id}.

Field names are the intake format's in camelCase (NL API Design Rules); the same checks as the
form and files apply. An ``Idempotency-Key`` makes a retried call give the same answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meldpunt.accounts import scopes
from meldpunt.cases.feedback import (
    STAGES,
    receipt_status,
    record_feedback_read,
    signal_feedback,
)
from meldpunt.cases.models import Signal
from meldpunt.cases.selectors import own_signal_page, signal_get_own
from meldpunt.core.api import PROBLEM_JSON, api_problem
from meldpunt.core.cursors import (
    InvalidCursor,
    PageLinksSerializer,
    cursor_decode,
    cursor_encode,
    page_links,
)
from meldpunt.core.throttling import UserThrottle
from meldpunt.privacy.services import Processing, record_reads

from .models import IdempotencyRecord
from .pipeline import REFUSED, IntakeRun
from .spec import FIELDS, FORBIDDEN_COLUMNS

MAX_BATCH = 1000


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


CAMEL = {camel(f.name): f.name for f in FIELDS}
SNAKE = {v: k for k, v in CAMEL.items()}


def _problem(code: int, title: str, detail: str, invalid: list[dict] | None = None) -> Response:
    return api_problem(code, detail, invalid_params=invalid, title=title)


def _field_spec() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {}
    for f in FIELDS:
        kind = {
            "date": serializers.DateField,
            "bool": serializers.BooleanField,
            "amount": serializers.DecimalField,
        }
        # Required for every kind of partner that delivers it; the schema cannot say "only for
        # Zorg", so such a field is optional here and the description names the kinds.
        required = f.required and f.types is None
        if f.kind == "amount":
            field = serializers.DecimalField(max_digits=9, decimal_places=2, required=required)
        elif f.kind == "months":
            field = serializers.DecimalField(max_digits=4, decimal_places=1, required=required)
        elif f.kind in kind:
            field = kind[f.kind](required=required)
        else:
            field = serializers.CharField(required=required, max_length=f.max_length)
        field.help_text = f.label + (
            f" (alleen signaalpartners van de soort {', '.join(sorted(f.types))}"
            + ("; daar verplicht" if f.required else "")
            + ")"
            if f.types is not None
            else ""
        )
        fields[camel(f.name)] = field
    return fields


SignalIn = inline_serializer("SignaalAanlevering", fields=_field_spec())
BatchIn = inline_serializer(
    "SignaalBatch",
    fields={
        "signalen": serializers.ListField(
            child=type(SignalIn)(),  # the same component as a single signal
            min_length=1,
            max_length=MAX_BATCH,
        )
    },
)
RECEIPT_HELP = (
    "Ontvangen, of de reden waarom het signaal niet wordt opgepakt als u die mag weten "
    "(de terugkoppeling, cases/feedback.py)"
)
ResultOut = inline_serializer(
    "SignaalResultaat",
    fields={
        "id": serializers.UUIDField(),
        "partnerReferentie": serializers.CharField(),
        "status": serializers.CharField(help_text=RECEIPT_HELP),
        "alEerderOntvangen": serializers.BooleanField(),
    },
)
INVALID_PARAM = {
    "name": serializers.CharField(),
    "code": serializers.CharField(),
    "reason": serializers.CharField(),
}
BatchRowOut = inline_serializer(
    "BatchRegel",
    fields={
        "index": serializers.IntegerField(min_value=1),
        "status": serializers.ChoiceField(choices=["accepted", "refused"]),
        "id": serializers.UUIDField(required=False),
        "signaalStatus": serializers.CharField(required=False, help_text=RECEIPT_HELP),
        "alEerderOntvangen": serializers.BooleanField(required=False),
        "fouten": inline_serializer("OngeldigVeld", INVALID_PARAM, many=True, required=False),
    },
)
BatchOut = inline_serializer(
    "BatchResultaat",
    fields={
        "geaccepteerd": serializers.IntegerField(min_value=0),
        "geweigerd": serializers.IntegerField(min_value=0),
        "resultaten": serializers.ListField(child=BatchRowOut),
    },
)
SignalOrBatchIn = PolymorphicProxySerializer(
    component_name="SignaalOfBatch",
    serializers=[SignalIn, BatchIn],
    resource_type_field_name=None,
)
SignalOrBatchOut = PolymorphicProxySerializer(
    component_name="SignaalResultaatOfBatch",
    serializers=[ResultOut, BatchOut],
    resource_type_field_name=None,
)
SignalStateOut = inline_serializer(
    "SignaalStand",
    fields={
        "id": serializers.UUIDField(),
        "partnerReferentie": serializers.CharField(),
        "signaaldatum": serializers.DateField(),
        "ontvangen": serializers.DateTimeField(),
        "status": serializers.CharField(help_text="De stand van de terugkoppeling"),
    },
)


SignalPageOut = inline_serializer(
    "SignalenPagina",
    fields={
        "_links": PageLinksSerializer(label="Links"),
        "_embedded": inline_serializer(
            "SignalenInPagina",
            fields={"signalen": type(SignalStateOut)(many=True)},
            label="Ingesloten",
        ),
    },
)
CURSOR_LIST = "signalen"
SEARCH_LIMIT = 100


class SignalListQuery(serializers.Serializer):
    """The filters of the partner's signal list: none of them is personal data, so they may be
    in the URL (a reference is: it is searched with POST /signalen/_zoek)."""

    status = serializers.ChoiceField(
        choices=STAGES,
        required=False,
        help_text="De stand van de terugkoppeling, zoals GET /signalen/{signaalId} die noemt.",
        error_messages={"invalid_choice": "Kies een stand: " + ", ".join(STAGES) + "."},
    )
    ontvangenVanaf = serializers.DateField(
        required=False, help_text="Ontvangen op of na deze dag (JJJJ-MM-DD).",
        error_messages={"invalid": "Geef een geldige datum als JJJJ-MM-DD."},
    )  # fmt: skip
    ontvangenTotEnMet = serializers.DateField(
        required=False, help_text="Ontvangen op of voor deze dag (JJJJ-MM-DD).",
        error_messages={"invalid": "Geef een geldige datum als JJJJ-MM-DD."},
    )  # fmt: skip
    aantal = serializers.IntegerField(
        required=False, default=50, min_value=1, max_value=100,
        help_text="Hoeveel signalen per pagina (1 tot en met 100).",
        error_messages={"invalid": "Geef een geheel getal van 1 tot en met 100.",
                        "min_value": "Geef een geheel getal van 1 tot en met 100.",
                        "max_value": "Geef een geheel getal van 1 tot en met 100."},
    )  # fmt: skip
    cursor = serializers.CharField(
        required=False, max_length=300,
        help_text="Waar de vorige pagina eindigde: neem hem over uit _links.next.",
    )  # fmt: skip

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("ontvangenVanaf"), attrs.get("ontvangenTotEnMet")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"ontvangenTotEnMet": ["Deze datum ligt voor ontvangenVanaf."]}
            )
        try:
            attrs["position"] = cursor_decode(CURSOR_LIST, attrs.get("cursor", ""))
        except InvalidCursor:
            raise serializers.ValidationError(
                {"cursor": ["Deze cursor is niet van deze lijst; neem hem over uit _links.next."]}
            ) from None
        return attrs


@extend_schema_serializer(component_name="SignaalZoekvraag")
class SignalSearchIn(serializers.Serializer):
    partnerReferentie = serializers.CharField(
        max_length=60, help_text="Uw eigen referentie van het signaal.",
        error_messages={"required": "Geef de referentie waarop u zoekt.",
                        "blank": "Geef de referentie waarop u zoekt."},
    )  # fmt: skip


def _signal_state(signal: Signal, stage: str) -> dict:
    return {
        "id": str(signal.public_id),
        "partnerReferentie": signal.partner_reference,
        "signaaldatum": signal.signal_date.isoformat(),
        "ontvangen": signal.received_at.isoformat(),
        "status": stage,
    }


def _record_list_read(request: Request, rows: list[Signal], name: str) -> None:
    """Each signal on the page is one read of feedback about its data subject, as on
    GET /signalen/{signaalId} (cases.feedback.record_feedback_read)."""
    record_reads(
        actor=request.user, activity="feedback", name=name,
        items=[Processing(str(s.subject_id), "signal", s.public_id, ("status",)) for s in rows],
    )  # fmt: skip


def _require_partner(request: Request, message: str) -> None:
    if (
        not request.user.has_perm("intake.submit_signal")
        or not request.user.organisation.is_partner
    ):
        raise PermissionDenied(message)


class SignalThrottle(UserThrottle):
    """The user rate (MELDPUNT_API_RATE_USER), per API key."""


class SignalCollection(APIView):
    token_scopes = {"POST": scopes.SUBMIT, "GET": scopes.READ_FEEDBACK}
    throttle_classes = [SignalThrottle]

    def _require_partner(self, request: Request) -> None:
        _require_partner(request, "Alleen een verhuurder kan signalen melden.")

    @extend_schema(
        operation_id="signalen_list",
        summary="De eigen signalen, met hun terugkoppeling",
        description="Nieuwste eerst, per pagina; de volgende pagina staat in _links.next. "
        "Alleen de velden van de terugkoppeling (zoals GET /signalen/{signaalId}). Zoeken op "
        "uw eigen referentie: POST /signalen/_zoek (een referentie hoort niet in een URL).",
        parameters=[SignalListQuery],
        responses={200: SignalPageOut},
        tags=["signalen"],
    )
    def get(self, request: Request) -> Response:
        _require_partner(request, "Alleen een signaalpartner ziet zijn signalen.")
        query = SignalListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            rows, position = own_signal_page(
                request.user, stage=q.get("status", ""), received_from=q.get("ontvangenVanaf"),
                received_to=q.get("ontvangenTotEnMet"), after=q["position"], size=q["aantal"],
            )  # fmt: skip
        except (ValueError, TypeError):  # signed by us but not a position: an older format
            return _problem(400, "Ongeldige invoer", "Deze cursor is verlopen; begin opnieuw.")
        _record_list_read(request, rows, "signal.feedback.list")
        return Response(
            {
                "_links": page_links(request, cursor_encode(CURSOR_LIST, position)),
                "_embedded": {"signalen": [_signal_state(s, s.feedback_stage) for s in rows]},
            }
        )

    @extend_schema(
        summary="Signaal of signalen melden",
        description='Eén signaal als object, of een batch als {"signalen": [...]} (hoogstens 1000).',
        request=SignalOrBatchIn,
        responses={
            201: OpenApiResponse(ResultOut, description="Het signaal is ontvangen."),
            200: OpenApiResponse(
                SignalOrBatchOut,
                description="Een batch is verwerkt (per regel het resultaat), of het signaal "
                "was al eerder ontvangen.",
            ),
            409: OpenApiResponse(description="Een gelijktijdig verzoek met dezelfde sleutel."),
            422: OpenApiResponse(description="De Idempotency-Key is al gebruikt voor iets anders."),
        },
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
        tags=["signalen"],
    )
    def post(self, request: Request) -> Response:
        self._require_partner(request)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 200:
            return _problem(400, "Ongeldige invoer", "De Idempotency-Key is langer dan 200 tekens.")
        if not key:
            return self._handle(request)
        body_hash = hashlib.sha256(request.body).hexdigest()
        organisation = request.user.organisation
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    stored = (
                        IdempotencyRecord.objects.select_for_update()
                        .filter(organisation=organisation, key=key)
                        .first()
                    )
                    if stored is not None:
                        if stored.request_hash != body_hash:
                            return _problem(
                                422,
                                "Onverwerkbare invoer",
                                "Deze Idempotency-Key is al gebruikt voor een ander verzoek.",
                            )
                        return Response(
                            stored.response,
                            status=stored.status_code,
                            # a replayed refusal is the same problem+json as the first answer
                            content_type=PROBLEM_JSON if stored.status_code >= 400 else None,
                        )
                    response = self._handle(request)
                    IdempotencyRecord.objects.create(
                        organisation=organisation,
                        key=key,
                        request_hash=body_hash,
                        status_code=response.status_code,
                        response=json.loads(json.dumps(response.data, default=str)),
                    )
                    return response
            except IntegrityError:
                continue  # a concurrent call with the same key committed first: answer as it did
        return _problem(409, "Conflict", "Probeer het verzoek opnieuw.")

    def _handle(self, request: Request) -> Response:
        data = request.data
        if isinstance(data, dict) and "signalen" in data:
            items = data["signalen"]
            if not isinstance(items, list) or not items:
                return _problem(
                    400, "Ongeldige invoer", "'signalen' moet een niet-lege lijst zijn."
                )
            if len(items) > MAX_BATCH:
                return _problem(
                    400, "Ongeldige invoer", f"Hoogstens {MAX_BATCH} signalen per verzoek."
                )
            return self._batch(request, items)
        if not isinstance(data, dict):
            return _problem(400, "Ongeldige invoer", "Stuur één signaal als JSON-object.")
        return self._single(request, data)

    def _convert(self, item: Any) -> tuple[dict[str, Any] | None, list[dict]]:
        if not isinstance(item, dict):
            return None, [
                {"name": "signaal", "code": "invalid", "reason": "Een signaal is een JSON-object."}
            ]
        invalid = []
        for name in item:
            if name.casefold() in FORBIDDEN_COLUMNS:
                invalid.append(
                    {
                        "name": name,
                        "code": "forbidden",
                        "reason": "Een verhuurder levert nooit een BSN aan (dataminimalisatie).",
                    }
                )
            elif name not in CAMEL:
                invalid.append(
                    {
                        "name": name,
                        "code": "unknown",
                        "reason": "Onbekend veld; alleen de velden van het aanleverformaat zijn toegestaan.",
                    }
                )
        if invalid:
            return None, invalid
        return {CAMEL[k]: v for k, v in item.items()}, []

    @staticmethod
    def _invalid(field_errors: dict[str, list[str]]) -> list[dict]:
        return [
            {"name": SNAKE.get(name, name), "code": "invalid", "reason": message}
            for name, messages in field_errors.items()
            for message in messages
        ]

    def _single(self, request: Request, item: dict) -> Response:
        raw, invalid = self._convert(item)
        if invalid:
            return _problem(
                400, "Ongeldige invoer", "Het signaal bevat niet-toegestane velden.", invalid
            )
        run = IntakeRun(partner=request.user.organisation, by=request.user, channel="api")
        outcome = run.process([(1, raw)])[0]
        if outcome.status == REFUSED:
            return _problem(
                400,
                "Ongeldige invoer",
                "Het signaal is niet goed ingevuld.",
                self._invalid(outcome.field_errors),
            )
        body = {
            "id": str(outcome.public_id),
            "partnerReferentie": raw["partner_referentie"],
            "status": receipt_status(outcome.signal_status),
            "alEerderOntvangen": outcome.already_received,
        }
        return Response(
            body, status=status.HTTP_200_OK if outcome.already_received else status.HTTP_201_CREATED
        )

    def _batch(self, request: Request, items: list) -> Response:
        rows, results = [], {}
        for index, item in enumerate(items, start=1):
            raw, invalid = self._convert(item)
            if invalid:
                results[index] = {"index": index, "status": "refused", "fouten": invalid}
            else:
                rows.append((index, raw))
        run = IntakeRun(partner=request.user.organisation, by=request.user, channel="api")
        for outcome in run.process(rows):
            if outcome.status == REFUSED:
                results[outcome.row] = {
                    "index": outcome.row,
                    "status": "refused",
                    "fouten": self._invalid(outcome.field_errors),
                }
            else:
                results[outcome.row] = {
                    "index": outcome.row,
                    "status": "accepted",
                    "id": str(outcome.public_id),
                    "signaalStatus": receipt_status(outcome.signal_status),
                    "alEerderOntvangen": outcome.already_received,
                }
        ordered = [results[i] for i in sorted(results)]
        return Response(
            {
                "geaccepteerd": sum(r["status"] == "accepted" for r in ordered),
                "geweigerd": sum(r["status"] == "refused" for r in ordered),
                "resultaten": ordered,
            }
        )


class SignalSearch(APIView):
    """A search by the partner's own reference: POSTed, so the reference (which points at a
    tenant) is never in a URL, an access log or a next link (docs/adr/0108, 0118)."""

    token_scopes = {"POST": scopes.READ_FEEDBACK}
    throttle_classes = [SignalThrottle]

    @extend_schema(
        operation_id="signalen_zoek",
        summary="Eigen signalen zoeken op referentie",
        description=f"De eigen signalen met deze referentie, nieuwste eerst (hoogstens "
        f"{SEARCH_LIMIT}; een referentie noemt één huurder, dus er is geen volgende pagina).",
        request=SignalSearchIn,
        responses={200: SignalPageOut},
        tags=["signalen"],
    )
    def post(self, request: Request) -> Response:
        _require_partner(request, "Alleen een signaalpartner ziet zijn signalen.")
        body = SignalSearchIn(data=request.data)
        body.is_valid(raise_exception=True)
        rows, _more = own_signal_page(
            request.user, reference=body.validated_data["partnerReferentie"].strip(),
            size=SEARCH_LIMIT,
        )  # fmt: skip
        _record_list_read(request, rows, "signal.feedback.search")
        return Response(
            {
                "_links": {"self": {"href": request.path}},
                "_embedded": {"signalen": [_signal_state(s, s.feedback_stage) for s in rows]},
            }
        )


class SignalDetail(APIView):
    token_scopes = {"GET": scopes.READ_FEEDBACK}
    throttle_classes = [SignalThrottle]

    @extend_schema(
        summary="Terugkoppeling over een eigen signaal",
        responses={200: SignalStateOut},
        tags=["signalen"],
    )
    def get(self, request: Request, signaalId) -> Response:  # camelCase: the path parameter
        try:
            signal = signal_get_own(request.user, public_id=signaalId)
        except Signal.DoesNotExist:
            raise NotFound from None
        record_feedback_read(request.user, signal)
        return Response(
            {
                "id": str(signal.public_id),
                "partnerReferentie": signal.partner_reference,
                "signaaldatum": signal.signal_date.isoformat(),
                "ontvangen": signal.received_at.isoformat(),
                "status": signal_feedback(signal).stage,
            }
        )
