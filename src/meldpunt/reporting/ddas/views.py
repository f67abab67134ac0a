"""``POST /ddas/v1/gegevens``: CBS collects the DDAS v1.2 delivery (DDAS-VS.yaml).

Thin: check the caller (FSC token), parse the request, ask the configured source, sign the page
as it is produced into an encrypted spool, stream it from there. Every answer carries ``Digest`` and ``nlgov-adr-payload-sig``; errors are
``application/problem+json``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import config
from .collection import (
    InvalidParam,
    ProblemError,
    parse_gegevens_request,
    plan_page,
    problem_body,
    resolve_period,
    unprocessable,
)
from .fsc import ClientRefused, verify_fsc_token
from .model import DocumentHeader
from .signing import sign_body, sign_spooled
from .source import UnknownOrganisation
from .spool import EncryptedSpool
from .writer import iter_gegevens_response

TITLES = {
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
}


def _problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    params: list[InvalidParam] | None = None,
    cfg: config.DeliveryConfig | None = None,
) -> HttpResponse:
    body = problem_body(
        status=status, title=title, detail=detail, instance=request.path, invalid_params=params
    )
    response = HttpResponse(body, status=status, content_type="application/problem+json")
    if cfg is not None:  # every message is signed by its sender, errors included
        digest, signature = sign_body(body, cfg.credentials, mode=cfg.signature_mode)
        response["Digest"], response["nlgov-adr-payload-sig"] = digest, signature
    return response


@csrf_exempt
def gegevens(request: HttpRequest) -> HttpResponse:
    if not config.enabled():
        return _problem(request, 404, TITLES[404], "De DDAS-levering is niet ingeschakeld.")
    cfg = config.load()
    if request.method != "POST":
        response = _problem(request, 405, TITLES[405], "Gebruik POST.", cfg=cfg)
        response["Allow"] = "POST"
        return response
    now = datetime.now(UTC)
    try:
        client = verify_fsc_token(
            request.headers.get("Fsc-Authorization"),
            certificates=cfg.fsc_certificates,
            peer_ids=cfg.client_peer_ids,
            service=cfg.fsc_service,
            now=now,
        )
    except ClientRefused as refused:
        response = _problem(
            request, refused.status, TITLES[refused.status], refused.detail, cfg=cfg
        )
        if refused.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        if request.content_type != "application/json":
            raise ProblemError(
                400, "Ongeldig verzoek", "Stuur het verzoek als application/json (UTF-8)."
            )
        ask = parse_gegevens_request(request.body)
        start, end = resolve_period(ask, today=timezone.localdate(), kind=cfg.period_kind)
        organisation = ask.aanleverende_organisatie
        try:
            total = cfg.source.count_signals(start=start, end=end, organisation=organisation)
        except UnknownOrganisation:
            raise unprocessable(
                "Voor deze aanleverende organisatie levert deze installatie niet.",
                [InvalidParam("aanleverendeOrganisatie", "Onbekende organisatie.", "unknown")],
            ) from None
    except ProblemError as problem:
        return _problem(
            request, problem.status, problem.title, problem.detail, problem.invalid_params, cfg
        )
    plan = plan_page(total_records=total, request=ask)
    header = DocumentHeader(cfg.supplier_code, start, end, now.replace(microsecond=0))

    leveringen = cfg.source.page(
        start=start, end=end, organisation=organisation, offset=plan.offset, limit=plan.limit
    )
    # Produced once, signed while it is spooled (encrypted), then streamed from the spool.
    signed = sign_spooled(
        iter_gegevens_response(header, leveringen, paginering=plan.paginering()),
        cfg.credentials,
        spool=EncryptedSpool(),
        mode=cfg.signature_mode,
        signing_time=now,
    )
    cfg.source.record_collection(
        client_id=client.peer_id, start=start, end=end, organisation=organisation, plan=plan
    )
    response = StreamingHttpResponse(signed.chunks, content_type="application/json")
    response["Content-Length"] = str(signed.content_length)
    response["Digest"] = signed.digest
    response["nlgov-adr-payload-sig"] = signed.signature
    return response
