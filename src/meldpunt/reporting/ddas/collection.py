"""The CBS collection contract of DDAS-VS.yaml (v1.2, ``POST /gegevens``), as pure functions.

- :func:`parse_gegevens_request`: the request body (``GegevensRequest``), strictly: JSON object,
  only the five known keys, dates as ``YYYY-MM-DD``, ``page``/``pageSize`` integers ≥ 1.
  Malformed → 400; well-formed but not processable (period end before start) → 422.
- :func:`resolve_period`: the reporting period, with the defaults the contract describes when CBS
  leaves the dates out (the last completed reporting period).
- :func:`plan_page`: pagination over signals (records = vroegsignalen), at most 50,000 a page.
- :func:`problem_body`: RFC 9457 problem details as the yaml's ``ProblemDetails``.

Choices where the upstream texts disagree are in docs/adr/0103-ddas-delivery.md.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

MAX_PAGE_SIZE = 50_000  # vroegsignalen per message (DDAS non-functionals)
REQUEST_FIELDS = (
    "aanleverperiodeStartdatum",
    "aanleverperiodeEinddatum",
    "aanleverendeOrganisatie",
    "page",
    "pageSize",
)
MAX_REQUEST_BYTES = 16 * 1024  # five small fields; anything larger is not a GegevensRequest

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)

PeriodKind = Literal["maand", "kwartaal"]


@dataclass(frozen=True, slots=True)
class InvalidParam:
    name: str
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}


class ProblemError(Exception):
    """A request the contract answers with ``application/problem+json`` (400 or 422)."""

    def __init__(
        self, status: int, title: str, detail: str, invalid_params: list[InvalidParam] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.invalid_params = invalid_params or []


def bad_request(detail: str, params: list[InvalidParam] | None = None) -> ProblemError:
    return ProblemError(400, "Ongeldig verzoek", detail, params)


def unprocessable(detail: str, params: list[InvalidParam] | None = None) -> ProblemError:
    return ProblemError(422, "Verzoek niet verwerkbaar", detail, params)


def problem_body(
    *,
    status: int,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    invalid_params: list[InvalidParam] | None = None,
) -> bytes:
    """ProblemDetails (RFC 9457) as UTF-8 JSON: ``type``, ``title``, ``status`` always."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = [p.as_dict() for p in invalid_params]
    return json.dumps(body, ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class GegevensRequest:
    """What CBS asks for; every field is optional (``None`` = left out)."""

    aanleverperiode_startdatum: date | None = None
    aanleverperiode_einddatum: date | None = None
    aanleverende_organisatie: str | None = None
    page: int | None = None
    page_size: int | None = None


def parse_gegevens_request(body: bytes) -> GegevensRequest:
    """Parse and check the request body; raises :class:`ProblemError` (400/422)."""
    if len(body) > MAX_REQUEST_BYTES:
        raise bad_request("Het verzoek is te groot voor een GegevensRequest.")
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else None
    except UnicodeDecodeError:
        raise bad_request("Het verzoek is geen UTF-8.") from None
    except (json.JSONDecodeError, RecursionError):
        raise bad_request("Het verzoek is geen geldige JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("Het verzoek moet een JSON-object zijn (bijvoorbeeld {}).")
    problems: list[InvalidParam] = [
        InvalidParam(str(key), "Dit veld bestaat niet in GegevensRequest.", "unknown")
        for key in data
        if key not in REQUEST_FIELDS
    ]
    values: dict[str, Any] = {}
    for key in ("aanleverperiodeStartdatum", "aanleverperiodeEinddatum"):
        value = data.get(key)
        if value is None and key not in data:
            continue
        parsed = None
        if isinstance(value, str) and _DATE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            problems.append(InvalidParam(key, "Een datum als JJJJ-MM-DD verwacht.", "date"))
        values[key] = parsed
    organisation = data.get("aanleverendeOrganisatie")
    if "aanleverendeOrganisatie" in data and not isinstance(organisation, str):
        problems.append(InvalidParam("aanleverendeOrganisatie", "Tekst verwacht.", "string"))
    for key in ("page", "pageSize"):
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(InvalidParam(key, "Een geheel getal verwacht.", "integer"))
        elif value < 1:
            problems.append(InvalidParam(key, "Moet 1 of groter zijn.", "minimum"))
        values[key] = value
    if problems:
        raise bad_request("Een of meer velden van het verzoek zijn niet goed.", problems)
    return GegevensRequest(
        aanleverperiode_startdatum=values.get("aanleverperiodeStartdatum"),
        aanleverperiode_einddatum=values.get("aanleverperiodeEinddatum"),
        aanleverende_organisatie=organisation,
        page=values.get("page"),
        page_size=values.get("pageSize"),
    )


def last_completed_period(today: date, kind: PeriodKind = "kwartaal") -> tuple[date, date]:
    """The last reporting period that has ended before ``today`` (a month or a quarter)."""
    if kind == "maand":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    end = quarter_start - timedelta(days=1)
    return end.replace(month=end.month - 2, day=1), end


def resolve_period(
    request: GegevensRequest, *, today: date, kind: PeriodKind = "kwartaal"
) -> tuple[date, date]:
    """Start and end of the delivery; a date CBS leaves out comes from the last completed period."""
    default_start, default_end = last_completed_period(today, kind)
    start = request.aanleverperiode_startdatum or default_start
    end = request.aanleverperiode_einddatum or default_end
    if end < start:
        raise unprocessable(
            f"De aanleverperiode eindigt ({end.isoformat()}) vóór zij begint "
            f"({start.isoformat()}).",
            [InvalidParam("aanleverperiodeEinddatum", "Ligt vóór de startdatum.", "range")],
        )
    return start, end


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which signals go on the page, and the ``paginering`` object if one is sent."""

    page_size: int
    current_page: int
    total_pages: int
    total_records: int
    include_paginering: bool
    offset: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "offset", (self.current_page - 1) * self.page_size)

    @property
    def limit(self) -> int:
        return self.page_size

    def paginering(self) -> dict[str, int] | None:
        if not self.include_paginering:
            return None
        return {
            "pageSize": self.page_size,
            "currentPage": self.current_page,
            "totalPages": self.total_pages,
            "totalRecords": self.total_records,
        }


def plan_page(
    *, total_records: int, request: GegevensRequest, max_page_size: int = MAX_PAGE_SIZE
) -> PagePlan:
    """The page to answer with.

    - page size: CBS's ``pageSize``, but never more than ``max_page_size`` (a larger value is an
      upper bound we stay under, not an error);
    - a page that does not exist, or no page asked while paging is needed: page 1;
    - ``paginering`` is sent (all four fields) whenever there is more than one page, and whenever
      CBS asked with ``page`` or ``pageSize`` (so it sees how its request was read).
    """
    if total_records < 0:
        raise ValueError("total_records < 0")
    size = min(request.page_size or max_page_size, max_page_size)
    total_pages = max(1, math.ceil(total_records / size))
    page = request.page or 1
    if page > total_pages:
        page = 1
    asked = request.page is not None or request.page_size is not None
    return PagePlan(
        page_size=size,
        current_page=page,
        total_pages=total_pages,
        total_records=total_records,
        include_paginering=total_pages > 1 or asked,
    )
