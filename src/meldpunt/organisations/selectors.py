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


class RoutingTable:
    """The postcode → district → provider table, read once (per intake run or per request)."""

    def __init__(self) -> None:
        districts = {d.pk: d for d in District.objects.select_related("provider", "municipality")}
        self._districts = districts
        self.exceptions = {
            e.postcode: districts[e.district_id] for e in PostcodeException.objects.all()
        }
        self.ranges = [
            (r.start, r.end, districts[r.district_id]) for r in PostcodeRange.objects.all()
        ]

    def all_districts(self) -> list[District]:
        return list(self._districts.values())

    def district(self, postcode: str) -> tuple[District | None, str]:
        """District of a normalised six-character postcode, and why; (None, "") outside."""
        if postcode in self.exceptions:
            return self.exceptions[postcode], f"uitzondering voor postcode {postcode}"
        number = int(postcode[:4])
        for start, end, district in self.ranges:
            if start <= number <= end:
                return district, f"postcodereeks {start}–{end} ({district.name})"
        return None, ""


def route_postcode(postcode: str) -> Routing:
    """Which district and provider a six-character postcode belongs to, and why."""
    code = normalise_postcode(postcode)
    district, reason = RoutingTable().district(code)
    if district is None:
        return Routing(None, None, f"postcode {code[:4]} valt buiten de gemeente")
    return Routing(district, district.provider, reason)
