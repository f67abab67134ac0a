"""Cost shares (art. 8.1): the costs of handling the signals divided among the signal partners.

The participants finance the costs of handling the signals; the municipality chooses the key
(``CostKey``): in proportion to each partner's signals, to its cases (a case with signals of two
partners counts for both), or fixed percentages. A statement covers whole months; the yearly
costs are prorated by months. Counts come from the figures (not suppressed: a partner's own
count on its own statement is not a publication, and the totals are what the shares need).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from meldpunt.core.models import ConfigurationChange
from meldpunt.organisations.models import Municipality, Organisation, OrganisationType

from .figures import months_between
from .kpis import signals_per_partner
from .models import CostKey, CostMethod, CostShare

CENT = Decimal("0.01")


@dataclass(frozen=True)
class StatementLine:
    partner: Organisation
    signals: int
    cases: int
    share: Decimal  # a fraction, 0..1
    amount: Decimal

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).quantize(CENT)


@dataclass(frozen=True)
class Statement:
    """Kostenoverzicht: one municipality, one period, every participant's share."""

    municipality: Municipality
    start: date
    end: date
    method: str
    amount: Decimal
    lines: list[StatementLine]

    @property
    def method_label(self) -> str:
        return str(CostMethod(self.method).label)

    @property
    def signals(self) -> int:
        return sum(line.signals for line in self.lines)

    @property
    def cases(self) -> int:
        return sum(line.cases for line in self.lines)

    def line_for(self, partner_id: int) -> StatementLine:
        return next(line for line in self.lines if line.partner.pk == partner_id)


def partners_of(municipality: Municipality) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            type=OrganisationType.PARTNER, municipalities=municipality
        ).order_by("name")
    )


def cost_key_get(municipality: Municipality) -> CostKey:
    key, _created = CostKey.objects.get_or_create(municipality=municipality)
    return key


def _require(by: Any, municipality: Municipality, permission: str) -> None:
    if not getattr(by, "is_authenticated", False) or not by.has_perm(permission):
        raise PermissionDenied
    if (
        not by.organisation.is_municipality
        or municipality.pk not in by.organisation.municipality_ids()
    ):
        raise PermissionDenied


@transaction.atomic
def cost_key_set(
    *,
    by: Any,
    municipality: Municipality,
    method: str,
    yearly_amount: Decimal,
    percentages: dict[int, Decimal] | None = None,
) -> CostKey:
    """Functioneel beheer sets its municipality's cost key. Fixed percentages must name only the
    municipality's own partners and add up to 100."""
    _require(by, municipality, "organisations.manage_configuration")
    errors: dict[str, str] = {}
    if method not in CostMethod.values:
        errors["method"] = "Kies een verdeelsleutel."
    if yearly_amount is None or yearly_amount < 0:
        errors["yearly_amount"] = "Vul de kosten per jaar in als een bedrag van 0 of meer."
    percentages = {p: v for p, v in (percentages or {}).items() if v}
    if method == CostMethod.FIXED:
        own = {p.pk for p in partners_of(municipality)}
        if set(percentages) - own:
            errors["percentages"] = (
                "Een vaste verdeling kan alleen partners van deze gemeente noemen."
            )
        elif any(v < 0 or v > 100 for v in percentages.values()):
            errors["percentages"] = "Een percentage ligt tussen 0 en 100."
        elif sum(percentages.values(), Decimal(0)) != 100:
            total = sum(percentages.values(), Decimal(0))
            errors["percentages"] = f"De percentages tellen op tot {total}, niet tot 100."
    if errors:
        raise ValidationError(errors)
    key = CostKey.objects.select_for_update().get(pk=cost_key_get(municipality).pk)
    old = _describe(key)
    key.method, key.yearly_amount = method, yearly_amount
    key.save()
    key.shares.all().delete()
    if method == CostMethod.FIXED:
        CostShare.objects.bulk_create(
            CostShare(cost_key=key, partner_id=p, percentage=v) for p, v in percentages.items()
        )
    new = _describe(key)
    if new != old:
        ConfigurationChange.objects.create(
            scope=municipality.code, setting="kostenverdeling", old_value=old[:200],
            new_value=new[:200], by=by,
        )  # fmt: skip
    return key


def _describe(key: CostKey) -> str:
    text = f"{key.get_method_display()}, € {key.yearly_amount} per jaar"
    shares = key.shares.select_related("partner").order_by("partner__name")
    if key.method == CostMethod.FIXED:
        text += "; " + ", ".join(f"{s.partner.name} {s.percentage}%" for s in shares)
    return text


def cost_statement(
    *, by: Any, municipality: Municipality, start: date, end: date, amount: Decimal | None = None
) -> Statement:
    """The statement of a period (whole months): each partner's signals, cases, share, amount.

    The amounts add up to the total exactly: cents left over by rounding go to the largest
    remainders (then by name), so no participant pays a cent more than its share rounds to.
    """
    _require(by, municipality, "cases.view_statistics")
    key = cost_key_get(municipality)
    months = len(months_between(start, end))
    if amount is None:
        amount = (Decimal(key.yearly_amount) * months / 12).quantize(CENT)
    counts = signals_per_partner((municipality.pk,), start, end)
    partners = partners_of(municipality)
    if key.method == CostMethod.FIXED:
        fixed = {s.partner_id: s.percentage / 100 for s in key.shares.all()}
        weights = {p.pk: fixed.get(p.pk, Decimal(0)) for p in partners}
    else:
        column = 0 if key.method == CostMethod.PER_SIGNAL else 1
        weights = {p.pk: Decimal(counts.get(p.pk, (0, 0))[column]) for p in partners}
    total_weight = sum(weights.values(), Decimal(0))
    shares = {p: (w / total_weight if total_weight else Decimal(0)) for p, w in weights.items()}
    exact = {p: amount * s for p, s in shares.items()}
    rounded = {p: v.quantize(CENT, rounding=ROUND_DOWN) for p, v in exact.items()}
    left = (
        int(((amount - sum(rounded.values(), Decimal(0))) / CENT).to_integral_value())
        if total_weight
        else 0
    )
    names = {p.pk: p.name for p in partners}
    for p in sorted(exact, key=lambda p: (-(exact[p] - rounded[p]), names[p]))[: max(left, 0)]:
        rounded[p] += CENT
    lines = [
        StatementLine(p, *counts.get(p.pk, (0, 0)), shares[p.pk], rounded[p.pk]) for p in partners
    ]
    return Statement(municipality, start, end, key.method, amount, lines)
