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
        # Each range's reason made once: the intake routes every row of a file by this table.
        self._ranges = [
            (r.start, r.end, district, f"postcodereeks {r.start}–{r.end} ({district.name})")
            for r in PostcodeRange.objects.all()
            for district in (districts[r.district_id],)
        ]
        self.ranges = [(start, end, district) for start, end, district, _ in self._ranges]

    def all_districts(self) -> list[District]:
        return list(self._districts.values())

    def district(self, postcode: str) -> tuple[District | None, str]:
        """District of a normalised six-character postcode, and why; (None, "") outside."""
        if postcode in self.exceptions:
            return self.exceptions[postcode], f"uitzondering voor postcode {postcode}"
        number = int(postcode[:4])
        for start, end, district, reason in self._ranges:
            if start <= number <= end:
                return district, reason
        return None, ""


def route_postcode(postcode: str) -> Routing:
    """Which district and provider a six-character postcode belongs to, and why."""
    code = normalise_postcode(postcode)
    district, reason = RoutingTable().district(code)
    if district is None:
        return Routing(None, None, f"postcode {code[:4]} valt buiten de gemeente")
    return Routing(district, district.provider, reason)
