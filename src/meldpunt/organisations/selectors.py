"""Reads of the routing table."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.nl import postcode as nl_postcode

from .models import District, Organisation, PostcodeException, PostcodeRange


@dataclass(frozen=True)
class Routing:
    district: District | None
    provider: Organisation | None
    reason: str


def normalise_postcode(value: str) -> str:
    """'1012 ab' → '1012AB'. Raises stdnum's ValidationError for anything else."""
    return nl_postcode.validate(value).replace(" ", "")


def route_postcode(postcode: str) -> Routing:
    """Which district and provider a six-character postcode belongs to, and why."""
    code = normalise_postcode(postcode)
    exception = (
        PostcodeException.objects.select_related("district__provider").filter(postcode=code).first()
    )
    if exception:
        district = exception.district
        return Routing(district, district.provider, f"uitzondering voor postcode {code}")
    number = int(code[:4])
    match = (
        PostcodeRange.objects.select_related("district__provider")
        .filter(start__lte=number, end__gte=number)
        .first()
    )
    if match:
        district = match.district
        return Routing(
            district, district.provider, f"postcodereeks {match.start}–{match.end} ({district})"
        )
    return Routing(None, None, f"postcode {code[:4]} valt buiten de gemeente")
