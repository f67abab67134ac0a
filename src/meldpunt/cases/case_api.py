"""The case work API (issue #13): a provider's cases and, for regie signed in, its
municipality's; the same scoping (``Case.objects.for_user``), filters and keyset pages as the
case list on screen (cases.search), the same services and transition rules as the case page.

Keys with the scope ``casework`` (providers' systems) act as their service user (role
hulpverlener); regie uses it signed in (no kind of municipality key has ``casework``).
See docs/adr/0118-api-lists-and-casework.md.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
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
from meldpunt.core.api import Conflict
from meldpunt.core.cursors import (
    InvalidCursor,
    PageLinksSerializer,
    cursor_decode,
    cursor_encode,
    page_links,
)
from meldpunt.core.throttling import UserThrottle
from meldpunt.organisations.models import Organisation
from meldpunt.privacy.services import Processing, processing_log_record, record_reads

from .deadlines import OUTREACH_OPEN
from .models import (
    Case,
    ContactAttempt,
    Instrument,
    InstrumentDeployment,
    InstrumentEvent,
    Track,
)
from .search import Filters, case_page, filtered_cases
from .services import (
    StaleCaseError,
    case_assign,
    case_close,
    contact_attempt_record,
    instrument_deploy,
    instrument_end,
    instrument_event_record,
)
from .vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay
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
    record_reads(
        actor=user,
        activity="triage" if user.has_perm("cases.view_all_cases") else "outreach",
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


# --- one case and its work (slice 2) -----------------------------------------------------------

PERSON = ("voorletters", "tussenvoegsel", "achternaam", "geboortedatum", "straat", "huisnummer",
          "huisletter", "huisnummertoevoeging", "postcode", "woonplaats", "telefoonnummer",
          "email")  # fmt: skip
# The service's field names (cases.services) as the API's, for invalidParams.
FIELD_NAMES = {
    "kind": "soort",
    "reached": "bereikt",
    "on": "datum",
    "part_of_day": "dagdeel",
    "instrument": "instrument",
    "deployed_on": "datum",
    "first_due_on": "eersteVervaldatum",
    "agreements": "afspraken",
    "monthly_amount": "maandbedrag",
    "deployment": "inzet",
    "end_result": "eindresultaat",
    "track": "route",
    "provider": "uitvoerder",
    "reason": "reden",
}
DATE_ERRORS = {"invalid": "Geef een geldige datum als JJJJ-MM-DD.", "required": "Vul de datum in.",
               "null": "Vul de datum in."}  # fmt: skip


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def worked_case(request: Request, zaakId) -> Case:
    """The case if this user may see it (``Case.objects.for_user``): anything else a 404."""
    require_case_access(request.user)
    case = (
        Case.objects.for_user(request.user)
        .select_related("district", "provider")
        .filter(public_id=zaakId)
        .first()
    )
    if case is None:
        raise NotFound
    return case


def call_service(action):
    """A case service's refusal as the API's problem: a field's error is a 400 with
    invalidParams, the case's state (not assigned, closed, changed meanwhile, a move the
    transition table forbids) a 409, no permission a 403. Nothing was saved (atomic)."""
    try:
        return action()
    except DjangoPermissionDenied:
        raise PermissionDenied from None
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict") and not isinstance(exc, StaleCaseError):
            raise serializers.ValidationError(
                {FIELD_NAMES.get(k, k): v for k, v in exc.message_dict.items()}
            ) from None
        raise Conflict(" ".join(exc.messages)) from None


@extend_schema_serializer(component_name="Huurder")
class TenantSerializer(serializers.Serializer):
    voorletters = serializers.CharField(allow_null=True)
    tussenvoegsel = serializers.CharField(allow_null=True)
    achternaam = serializers.CharField(allow_null=True)
    geboortedatum = serializers.DateField(allow_null=True)
    straat = serializers.CharField(allow_null=True)
    huisnummer = serializers.CharField(allow_null=True)
    huisletter = serializers.CharField(allow_null=True)
    huisnummertoevoeging = serializers.CharField(allow_null=True)
    postcode = serializers.CharField(allow_null=True)
    woonplaats = serializers.CharField(allow_null=True)
    telefoonnummer = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)


@extend_schema_serializer(component_name="SignaalInZaak")
class CaseSignalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    signaalpartner = serializers.CharField(help_text="De code van de signaalpartner.")
    soortSignaalpartner = serializers.CharField(help_text="DDAS EnumSignaalpartner")
    signaaldatum = serializers.DateField()
    ontvangen = serializers.DateTimeField()
    crisis = serializers.BooleanField()
    achterstandBedrag = serializers.CharField(allow_null=True)
    maandhuur = serializers.CharField(allow_null=True)
    achterstandSinds = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="Contactpoging")
class AttemptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=ContactKind.choices)
    bereikt = serializers.BooleanField()
    datum = serializers.DateField()
    dagdeel = serializers.ChoiceField(choices=PartOfDay.choices)
    organisatie = serializers.CharField(help_text="De code van de organisatie die het deed.")


@extend_schema_serializer(component_name="Inzet")
class DeploymentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    instrument = serializers.CharField(help_text="De code van het instrument in de catalogus.")
    naam = serializers.CharField()
    categorie = serializers.CharField()
    organisatie = serializers.CharField(help_text="De code van de organisatie die het inzette.")
    datum = serializers.DateField()
    eersteVervaldatum = serializers.DateField(allow_null=True)
    beeindigdOp = serializers.DateField(allow_null=True)
    afspraken = serializers.CharField(allow_blank=True)


@extend_schema_serializer(component_name="Gebeurtenis")
class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=InstrumentEvent.Kind.choices)
    datum = serializers.DateField()
    inzet = serializers.UUIDField(allow_null=True, help_text="De inzet waar het bij hoort.")
    organisatie = serializers.CharField()


@extend_schema_serializer(component_name="Zaak")
class CaseDetailSerializer(CaseSummarySerializer):
    """A case with what the caseworker needs at the door: the tenant as the latest signal
    names them, the signals, and the work done (the case page's content, without notes)."""

    eersteActie = serializers.CharField(allow_blank=True)
    huurder = TenantSerializer()
    signalen = CaseSignalSerializer(many=True)
    contactpogingen = AttemptSerializer(many=True)
    instrumenten = DeploymentSerializer(many=True)
    gebeurtenissen = EventSerializer(many=True)


def attempt_data(a: ContactAttempt) -> dict:
    return {"id": a.public_id, "soort": a.kind, "bereikt": a.reached, "datum": a.on,
            "dagdeel": a.part_of_day, "organisatie": a.organisation.slug}  # fmt: skip


def deployment_data(d: InstrumentDeployment) -> dict:
    return {
        "id": d.public_id,
        "instrument": d.instrument.code,
        "naam": d.instrument.name,
        "categorie": d.instrument.category,
        "organisatie": d.organisation.slug,
        "datum": d.deployed_on,
        "eersteVervaldatum": d.first_due_on,
        "beeindigdOp": d.ended_on,
        "afspraken": d.agreements or "",
    }


def event_data(e: InstrumentEvent) -> dict:
    return {"id": e.public_id, "soort": e.kind, "datum": e.on,
            "inzet": e.deployment.public_id if e.deployment else None,
            "organisatie": e.organisation.slug}  # fmt: skip


def _attempts(case: Case):
    return case.attempts.select_related("organisation").order_by("on", "id")


def _deployments(case: Case):
    return (
        InstrumentDeployment.objects.filter(case=case)
        .select_related("instrument", "organisation")
        .order_by("deployed_on", "id")
    )


def _events(case: Case):
    return case.events.select_related("deployment", "organisation").order_by("on", "id")


def case_detail(case: Case) -> dict:
    signals = list(case.signals.select_related("partner").order_by("received_at", "id"))
    person = signals[-1].person_details if signals else {}
    return {
        **case_summary(case, timezone.localdate()),
        "eersteActie": case.first_action,
        "huurder": {k: _text(person.get(k)) for k in PERSON},
        "signalen": [
            {
                "id": s.public_id,
                "signaalpartner": s.partner.slug,
                "soortSignaalpartner": s.partner_type,
                "signaaldatum": s.signal_date,
                "ontvangen": s.received_at,
                "crisis": s.crisis,
                "achterstandBedrag": _text(s.arrears.get("achterstand_bedrag")),
                "maandhuur": _text(s.arrears.get("maandhuur")),
                "achterstandSinds": _text(s.arrears.get("achterstand_sinds")),
            }
            for s in signals
        ],
        "contactpogingen": [attempt_data(a) for a in _attempts(case)],
        "instrumenten": [deployment_data(d) for d in _deployments(case)],
        "gebeurtenissen": [event_data(e) for e in _events(case)],
    }


def _activity(user: Any) -> str:
    return "triage" if user.has_perm("cases.view_all_cases") else "outreach"


def record_case_read(request: Request, case: Case, name: str, fields: list[str]) -> None:
    processing_log_record(
        actor=request.user, activity=_activity(request.user), action="read", name=name,
        subject_id=case.subject_id, object_type="case", object_id=case.public_id, fields=fields,
    )  # fmt: skip


CONFLICT = {409: OpenApiResponse(description="De zaak staat dit nu niet toe (niet toegewezen, "
                                 "afgesloten of intussen gewijzigd); er is niets opgeslagen.")}  # fmt: skip


class CaseDetail(APIView):
    token_scopes = {"GET": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(
        summary="Een zaak, met de huurder en het werk",
        responses={200: CaseDetailSerializer},
        tags=["zaken"],
    )
    def get(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        data = case_detail(case)
        record_case_read(request, case, "case.api_view",
                         ["person", "arrears", "contact_attempts", "instruments", "events"])  # fmt: skip
        return Response(CaseDetailSerializer(data).data)


@extend_schema_serializer(component_name="NieuweContactpoging")
class AttemptIn(serializers.Serializer):
    soort = serializers.ChoiceField(
        choices=ContactKind.choices,
        error_messages={
            "invalid_choice": "Kies de soort contact: " + ", ".join(ContactKind.values)
        },
    )
    bereikt = serializers.BooleanField(
        help_text="Of de huurder is bereikt.",
        error_messages={"invalid": "Geef true of false.", "required": "Zeg of de huurder is bereikt."},
    )  # fmt: skip
    datum = serializers.DateField(error_messages=DATE_ERRORS)
    dagdeel = serializers.ChoiceField(
        choices=PartOfDay.choices,
        error_messages={"invalid_choice": "Kies het dagdeel: " + ", ".join(PartOfDay.values)},
    )


def sub_collection(request: Request, name: str, rows: list[dict]) -> dict:
    return {"_links": {"self": {"href": request.path}}, "_embedded": {name: rows}}


AttemptsOut = inline_serializer(
    "ContactpogingenVanZaak",
    fields={
        "_links": PageLinksSerializer(label="Links"),
        "_embedded": inline_serializer(
            "ContactpogingenIngesloten", fields={"contactpogingen": AttemptSerializer(many=True)},
            label="Ingesloten",
        ),
    },
)  # fmt: skip


class AttemptCollection(APIView):
    token_scopes = {"GET": scopes.CASEWORK, "POST": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(summary="De contactpogingen van een zaak", responses={200: AttemptsOut},
                   tags=["zaken"])  # fmt: skip
    def get(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        rows = [attempt_data(a) for a in _attempts(case)]
        record_case_read(request, case, "contact_attempt.api_list", ["contact_attempts"])
        return Response(sub_collection(request, "contactpogingen", rows))

    @extend_schema(
        summary="Een contactpoging vastleggen",
        description="De eerste contactpoging pakt een toegewezen zaak op; een bereikte huurder "
        "zet een opgepakte zaak in contact (dezelfde regels als het zaakscherm).",
        request=AttemptIn,
        responses={201: AttemptSerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        body = AttemptIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        attempt = call_service(lambda: contact_attempt_record(
            case_id=case.pk, by=request.user, kind=d["soort"], reached=d["bereikt"],
            on=d["datum"], part_of_day=d["dagdeel"],
        ))  # fmt: skip
        return Response(
            AttemptSerializer(attempt_data(attempt)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_serializer(component_name="NieuweInzet")
class DeploymentIn(serializers.Serializer):
    instrument = serializers.CharField(
        max_length=60, help_text="De code van het instrument in de catalogus.",
        error_messages={"required": "Kies een instrument (de code uit de catalogus).",
                        "blank": "Kies een instrument (de code uit de catalogus)."},
    )  # fmt: skip
    datum = serializers.DateField(help_text="De datum van inzet.", error_messages=DATE_ERRORS)
    eersteVervaldatum = serializers.DateField(
        required=False, allow_null=True, error_messages=DATE_ERRORS,
        help_text="Bij een instrument met afspraken: de eerste datum waarop een afspraak moet "
        "zijn nagekomen.",
    )  # fmt: skip
    afspraken = serializers.CharField(
        required=False, allow_blank=True, max_length=5000,
        help_text="De gemaakte afspraken; versleuteld bewaard, nooit zichtbaar voor de verhuurder.",
        error_messages={"max_length": "Afspraken zijn hoogstens 5000 tekens."},
    )  # fmt: skip

    def validate_instrument(self, value: str) -> Instrument:
        instrument = Instrument.objects.filter(code=value.strip(), is_active=True).first()
        if instrument is None:
            raise serializers.ValidationError("Dit instrument staat niet in de catalogus.")
        return instrument


DeploymentsOut = inline_serializer(
    "InzetVanZaak",
    fields={
        "_links": PageLinksSerializer(label="Links"),
        "_embedded": inline_serializer(
            "InzetIngesloten", fields={"instrumenten": DeploymentSerializer(many=True)},
            label="Ingesloten",
        ),
    },
)  # fmt: skip


class DeploymentCollection(APIView):
    token_scopes = {"GET": scopes.CASEWORK, "POST": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(summary="De ingezette instrumenten van een zaak",
                   responses={200: DeploymentsOut}, tags=["zaken"])  # fmt: skip
    def get(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        rows = [deployment_data(d) for d in _deployments(case)]
        record_case_read(request, case, "instrument.api_list", ["instruments", "agreements"])
        return Response(sub_collection(request, "instrumenten", rows))

    @extend_schema(
        summary="Een instrument inzetten",
        description="Alleen een instrument dat uw soort organisatie mag inzetten; de zaak gaat "
        "naar 'instrument ingezet' (en wordt opgepakt als ze nog toegewezen was).",
        request=DeploymentIn,
        responses={201: DeploymentSerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        body = DeploymentIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        deployment = call_service(lambda: instrument_deploy(
            case_id=case.pk, by=request.user, instrument=d["instrument"], deployed_on=d["datum"],
            agreements=d.get("afspraken", ""), first_due_on=d.get("eersteVervaldatum"),
        ))  # fmt: skip
        deployment = _deployments(case).get(pk=deployment.pk)
        return Response(
            DeploymentSerializer(deployment_data(deployment)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_serializer(component_name="Beeindiging")
class EndIn(serializers.Serializer):
    datum = serializers.DateField(help_text="Beëindigd op.", error_messages=DATE_ERRORS)


class DeploymentEnd(APIView):
    token_scopes = {"POST": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(
        summary="Een ingezet instrument beëindigen",
        request=EndIn,
        responses={200: DeploymentSerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId, inzetId) -> Response:  # camelCase: path parameters
        case = worked_case(request, zaakId)
        deployment = _deployments(case).filter(public_id=inzetId).first()
        if deployment is None:
            raise NotFound
        body = EndIn(data=request.data)
        body.is_valid(raise_exception=True)
        call_service(lambda: instrument_end(
            deployment_id=deployment.pk, by=request.user, on=body.validated_data["datum"]
        ))  # fmt: skip
        deployment = _deployments(case).get(pk=deployment.pk)
        return Response(DeploymentSerializer(deployment_data(deployment)).data)


@extend_schema_serializer(component_name="NieuweGebeurtenis")
class EventIn(serializers.Serializer):
    soort = serializers.ChoiceField(
        choices=InstrumentEvent.Kind.choices,
        error_messages={"invalid_choice": "Kies wat er is gebeurd: "
                        + ", ".join(InstrumentEvent.Kind.values)},
    )  # fmt: skip
    datum = serializers.DateField(error_messages=DATE_ERRORS)
    inzet = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="De inzet waar de afspraken bij horen (niet nodig bij een weigering).",
        error_messages={"invalid": "Geef het id van een inzet van deze zaak."},
    )  # fmt: skip


EventsOut = inline_serializer(
    "GebeurtenissenVanZaak",
    fields={
        "_links": PageLinksSerializer(label="Links"),
        "_embedded": inline_serializer(
            "GebeurtenissenIngesloten", fields={"gebeurtenissen": EventSerializer(many=True)},
            label="Ingesloten",
        ),
    },
)  # fmt: skip


class EventCollection(APIView):
    token_scopes = {"GET": scopes.CASEWORK, "POST": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(summary="De gebeurtenissen van een zaak", responses={200: EventsOut},
                   tags=["zaken"])  # fmt: skip
    def get(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        rows = [event_data(e) for e in _events(case)]
        record_case_read(request, case, "instrument.api_events", ["events"])
        return Response(sub_collection(request, "gebeurtenissen", rows))

    @extend_schema(
        summary="Een gebeurtenis vastleggen",
        description="Afspraken nagekomen of niet nagekomen bij een inzet, of een weigering "
        "van medewerking (met of zonder inzet).",
        request=EventIn,
        responses={201: EventSerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        body = EventIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        deployment_id = None
        if d.get("inzet"):
            deployment = _deployments(case).filter(public_id=d["inzet"]).first()
            if deployment is None:
                raise serializers.ValidationError({"inzet": ["Kies een inzet van deze zaak."]})
            deployment_id = deployment.pk
        event = call_service(lambda: instrument_event_record(
            case_id=case.pk, by=request.user, kind=d["soort"], on=d["datum"],
            deployment_id=deployment_id,
        ))  # fmt: skip
        event = _events(case).get(pk=event.pk)
        return Response(EventSerializer(event_data(event)).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="Afsluiting")
class CloseIn(serializers.Serializer):
    eindresultaat = serializers.ChoiceField(
        choices=END_RESULT_CHOICES,
        help_text="Eén waarde van DDAS EnumEindresultaat.",
        error_messages={"invalid_choice": "Kies een eindresultaat uit de landelijke lijst."},
    )
    verwachteStatus = serializers.ChoiceField(
        choices=CaseStatus.choices, required=False,
        help_text="De status die u zag: is de zaak intussen gewijzigd, dan 409 en niets "
        "opgeslagen.",
    )  # fmt: skip


class CaseClose(APIView):
    token_scopes = {"POST": scopes.CASEWORK}
    throttle_classes = [CaseThrottle]

    @extend_schema(
        summary="Een zaak afsluiten met een eindresultaat",
        request=CloseIn,
        responses={200: CaseSummarySerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        body = CloseIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        call_service(lambda: case_close(
            case_id=case.pk, by=request.user, end_result=d["eindresultaat"],
            expected_status=d.get("verwachteStatus") or None,
        ))  # fmt: skip
        case.refresh_from_db()
        return Response(CaseSummarySerializer(case_summary(case, timezone.localdate())).data)


# --- triage by regie (slice 3) -----------------------------------------------------------------


@extend_schema_serializer(component_name="Toewijzing")
class AssignIn(serializers.Serializer):
    route = serializers.ChoiceField(
        choices=Track.choices,
        error_messages={"invalid_choice": "Kies een route: " + ", ".join(Track.values)},
    )
    uitvoerder = serializers.CharField(
        required=False, allow_blank=True, max_length=60,
        help_text="De code van de uitvoerder (bij vroeg-eropaf).",
    )  # fmt: skip
    reden = serializers.CharField(
        required=False, allow_blank=True, max_length=300,
        help_text="Verplicht als u afwijkt van de uitvoerder van het stadsdeel.",
        error_messages={"max_length": "Een reden is hoogstens 300 tekens."},
    )  # fmt: skip

    def validate_uitvoerder(self, value: str) -> Organisation | None:
        if not value.strip():
            return None
        provider = Organisation.objects.filter(slug=value.strip(), is_active=True).first()
        if provider is None or not provider.is_provider:
            raise serializers.ValidationError("Dit is geen uitvoerder van het convenant.")
        return provider


class CaseAssign(APIView):
    """Triage: regie chooses the route and the provider (signed in; closed to API keys: no key
    of a municipality has a triage scope, ADR 0105)."""

    token_scopes: dict[str, str] = {}
    throttle_classes = [CaseThrottle]

    @extend_schema(
        summary="Een zaak toewijzen (triage)",
        description="De route en, bij Vroeg Eropaf, de uitvoerder; wie afwijkt van de "
        "uitvoerder van het stadsdeel geeft een reden. Alleen voor de regie.",
        request=AssignIn,
        responses={200: CaseSummarySerializer, **CONFLICT},
        tags=["zaken"],
    )
    def post(self, request: Request, zaakId) -> Response:  # camelCase: the path parameter
        case = worked_case(request, zaakId)
        if not request.user.has_perm("intake.triage_signal"):
            raise PermissionDenied("Alleen de regie wijst zaken toe.")
        body = AssignIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        call_service(lambda: case_assign(
            case_id=case.pk, provider=d.get("uitvoerder"), track=d["route"], by=request.user,
            reason=d.get("reden", ""),
        ))  # fmt: skip
        case = Case.objects.select_related("district", "provider").get(pk=case.pk)
        return Response(CaseSummarySerializer(case_summary(case, timezone.localdate())).data)
