"""The CBS collection contract (DDAS-VS.yaml): request, pagination, problem+json, response shape."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from meldpunt.reporting.ddas import SCHEMA_ID
from meldpunt.reporting.ddas.collection import (
    MAX_PAGE_SIZE,
    GegevensRequest,
    ProblemError,
    last_completed_period,
    parse_gegevens_request,
    plan_page,
    problem_body,
    resolve_period,
)
from meldpunt.reporting.ddas.model import (
    AanleverendeOrganisatie,
    Client,
    DocumentHeader,
    Levering,
    Signaalpartner,
    Vroegsignaal,
)
from meldpunt.reporting.ddas.vocabulary import EnumSignaalpartner
from meldpunt.reporting.ddas.writer import iter_gegevens_response

from .reference import DDAS_V12, ddas_v12_schema, reference_file

RESPONSE_200 = "#/paths/~1gegevens/post/responses/200/content/application~1json/schema"
PROBLEM = "#/components/schemas/ProblemDetails"
REQUEST = "#/components/schemas/GegevensRequest"


@pytest.fixture(scope="module")
def contract():
    """Validators for parts of DDAS-VS.yaml, with the schema URL it $refs mapped to the file."""
    spec = yaml.safe_load(reference_file(DDAS_V12 / "DDAS-VS.yaml").read_text())
    registry = Registry().with_resources(
        [
            (SCHEMA_ID, Resource.from_contents(ddas_v12_schema())),
            # OpenAPI 3.1 schema objects are JSON Schema 2020-12.
            ("urn:ddas-vs", DRAFT202012.create_resource(spec)),
        ]
    )

    def validator(pointer: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$ref": f"urn:ddas-vs{pointer}"},
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    return validator


# --- request ----------------------------------------------------------------------------------


def test_every_request_field_of_the_contract(contract):
    body = {
        "aanleverperiodeStartdatum": "2026-01-01",
        "aanleverperiodeEinddatum": "2026-03-31",
        "aanleverendeOrganisatie": "Gemeente Amsterdam",
        "page": 2,
        "pageSize": 25000,
    }
    assert list(contract(REQUEST).iter_errors(body)) == []
    assert parse_gegevens_request(json.dumps(body).encode()) == GegevensRequest(
        date(2026, 1, 1), date(2026, 3, 31), "Gemeente Amsterdam", 2, 25000
    )


def test_empty_object_means_defaults():
    assert parse_gegevens_request(b"{}") == GegevensRequest()


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"Aanleverende_organisatie": "x"}, "Aanleverende_organisatie"),
        ({"page": 0}, "page"),
        ({"page": "1"}, "page"),
        ({"pageSize": True}, "pageSize"),
        ({"pageSize": 1.5}, "pageSize"),
        ({"aanleverperiodeStartdatum": "01-01-2026"}, "aanleverperiodeStartdatum"),
        ({"aanleverperiodeEinddatum": "2026-02-30"}, "aanleverperiodeEinddatum"),
        ({"aanleverperiodeEinddatum": None}, "aanleverperiodeEinddatum"),
        ({"aanleverendeOrganisatie": 12}, "aanleverendeOrganisatie"),
    ],
)
def test_malformed_field_is_a_400_naming_the_field(body, name, contract):
    assert list(contract(REQUEST).iter_errors(body)), "the contract refuses it too"
    with pytest.raises(ProblemError) as caught:
        parse_gegevens_request(json.dumps(body).encode())
    assert caught.value.status == 400
    assert [p.name for p in caught.value.invalid_params] == [name]


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"x"', b"\xff", b"[" * 10_000, b"{}" * 9000])
def test_not_a_json_object_is_a_400(body):
    with pytest.raises(ProblemError) as caught:
        parse_gegevens_request(body)
    assert caught.value.status == 400


def test_period_ending_before_it_starts_is_a_422():
    request = GegevensRequest(date(2026, 3, 1), date(2026, 2, 1))
    with pytest.raises(ProblemError) as caught:
        resolve_period(request, today=date(2026, 4, 2))
    assert caught.value.status == 422
    assert "vóór" in caught.value.detail


@pytest.mark.parametrize(
    ("today", "kind", "expected"),
    [
        (date(2026, 4, 2), "kwartaal", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 1, 1), "kwartaal", (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 12, 31), "kwartaal", (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 3, 15), "maand", (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 1, 5), "maand", (date(2025, 12, 1), date(2025, 12, 31))),
    ],
)
def test_last_completed_reporting_period(today, kind, expected):
    assert last_completed_period(today, kind) == expected
    assert resolve_period(GegevensRequest(), today=today, kind=kind) == expected


def test_one_date_given_the_other_from_the_default_period():
    today = date(2026, 4, 2)
    start_only = GegevensRequest(aanleverperiode_startdatum=date(2025, 7, 1))
    assert resolve_period(start_only, today=today) == (date(2025, 7, 1), date(2026, 3, 31))


# --- pagination -------------------------------------------------------------------------------


@given(
    total=st.integers(0, 500_000),
    page=st.none() | st.integers(1, 100),
    size=st.none() | st.integers(1, 200_000),
)
def test_pages_cover_every_signal_once_and_stay_within_the_limit(total, page, size):
    request = GegevensRequest(page=page, page_size=size)
    plan = plan_page(total_records=total, request=request)
    assert 1 <= plan.page_size <= MAX_PAGE_SIZE
    assert plan.page_size == min(size or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    assert 1 <= plan.current_page <= plan.total_pages
    assert plan.total_pages * plan.page_size >= total > (plan.total_pages - 1) * plan.page_size or (
        total == 0 and plan.total_pages == 1
    )
    if page is not None and page <= plan.total_pages:
        assert plan.current_page == page
    else:
        assert plan.current_page == 1  # no page, or one that does not exist: the first
    if plan.total_pages > 1:
        assert plan.paginering() is not None
    pag = plan.paginering()
    if pag is not None:
        assert set(pag) == {"pageSize", "currentPage", "totalPages", "totalRecords"}
        assert pag["totalRecords"] == total
    assert plan.offset == (plan.current_page - 1) * plan.page_size


def test_all_pages_together_hold_every_record_once():
    total, seen = 123_457, []
    plan = plan_page(total_records=total, request=GegevensRequest())
    for page in range(1, plan.total_pages + 1):
        p = plan_page(total_records=total, request=GegevensRequest(page=page))
        seen.extend(range(p.offset, min(p.offset + p.limit, total)))
    assert seen == list(range(total)) and plan.total_pages == 3


def test_everything_fits_and_nothing_asked_means_no_paginering():
    plan = plan_page(total_records=10, request=GegevensRequest())
    assert plan.paginering() is None and plan.limit == MAX_PAGE_SIZE


# --- the bodies against the contract's own schemas --------------------------------------------


@pytest.mark.parametrize("status", [400, 422])
def test_problem_bodies_follow_problem_details(status, contract):
    body = problem_body(
        status=status,
        title="Ongeldig verzoek",
        detail="De parameter page moet 1 of groter zijn.",
        instance="/ddas/v1/gegevens",
    )
    parsed = json.loads(body)
    assert list(contract(PROBLEM).iter_errors(parsed)) == []
    assert parsed["status"] == status


def _levering(teller: int, signals: int) -> Levering:
    return Levering(
        teller=teller,
        gemeentecode="0363",
        aanleverende_organisatie=AanleverendeOrganisatie(naam="Gemeente Amsterdam"),
        vroegsignalen=tuple(
            Vroegsignaal(
                id=f"S{teller}-{n}",
                client=Client(postcode="1011AB", huisnummer=str(n)),
                signaalpartner=Signaalpartner(EnumSignaalpartner.HUUR),
            )
            for n in range(signals)
        ),
    )


@pytest.mark.parametrize("with_paginering", [True, False])
def test_response_body_follows_the_contract(contract, with_paginering):
    header = DocumentHeader(
        "Meldpunt 0.1.0", date(2026, 1, 1), date(2026, 3, 31), datetime(2026, 4, 2, tzinfo=UTC)
    )
    plan = plan_page(
        total_records=3, request=GegevensRequest(page_size=2 if with_paginering else None)
    )
    body = b"".join(
        iter_gegevens_response(
            header, [_levering(1, 2), _levering(2, 1)], paginering=plan.paginering(), chunk_size=64
        )
    )
    parsed = json.loads(body)
    assert list(contract(RESPONSE_200).iter_errors(parsed)) == []
    assert ("paginering" in parsed) is with_paginering
    broken = dict(parsed, paginering={"pageSize": 2})
    assert list(contract(RESPONSE_200).iter_errors(broken)), "all four fields are required"
    no_document = dict(parsed, gegevens={"leveringen": []})
    assert list(contract(RESPONSE_200).iter_errors(no_document)), "gegevens is the Uitwisselmodel"
