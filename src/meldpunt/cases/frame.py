"""The assessment frame (afwegingskader): ordered rules on a new case's signal facts that put
it in a named work queue (werkbak) with a first action. Pure: the facts come in, the first rule
that matches decides; no rule matches → the default queue. Functioneel beheer edits the rules
(``AssessmentFrame``, append-only versions); ``services.frame_place_cases`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

# The first actions a queue can start with (DDAS contact kinds).
ACTIONS = ("Brief", "Telefoon", "Huisbezoek", "Kaartje")
DEFAULT_QUEUE, DEFAULT_ACTION = "Algemeen", "Brief"
YOUNG_BELOW = 27

DEFAULT_RULES: list[dict[str, Any]] = [
    {"queue": "Crisis", "action": "Huisbezoek", "crisis": True},
    {"queue": "Jongeren tot 27", "action": "Telefoon", "under_27": True},
    {"queue": "Meerdere schuldeisers", "action": "Huisbezoek", "several_creditors": True},
    {"queue": "Hoge achterstand", "action": "Huisbezoek", "min_amount": "2500"},
    {"queue": "Lage urgentie", "action": "Brief"},
]
CONDITIONS = ("partner_type", "min_amount", "min_months", "several_creditors", "crisis",
              "under_27", "warm_handover", "repeat")  # fmt: skip


@dataclass(frozen=True)
class Facts:
    """What the rules look at, gathered from a case's signals."""

    partner_types: frozenset[str]
    amount: Decimal
    months: Decimal
    creditors: int
    crisis: bool
    age: int | None
    warm_handover: bool
    repeat: bool


class FrameSignal(NamedTuple):
    """What ``facts_of`` reads of one signal, as the intake has it before the signal is
    written (the attributes of ``Signal`` with the same names)."""

    partner_id: int
    partner_type: str
    crisis: bool
    warm_handover: bool
    arrears: dict[str, Any]
    person_details: dict[str, Any]


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def age_on(birth: str, today: date) -> int | None:
    try:
        born = date.fromisoformat(str(birth)[:10])
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def facts_of(signals: list[Any], today: date) -> Facts:
    """Facts of one case from its signals (oldest first): each partner's latest amount counts."""
    latest: dict[int, Any] = {}
    per_partner: dict[int, int] = {}
    for signal in signals:
        latest[signal.partner_id] = signal
        per_partner[signal.partner_id] = per_partner.get(signal.partner_id, 0) + 1
    amount, months = Decimal(0), Decimal(0)
    for signal in latest.values():
        arrears = signal.arrears
        owed = _decimal(arrears.get("achterstand_bedrag")) or Decimal(0)
        amount += owed
        month = _decimal(arrears.get("maanden_achterstand"))
        rent = _decimal(arrears.get("maandhuur"))
        if month is None and rent:
            month = owed / rent
        months = max(months, month or Decimal(0))
    first = signals[0].person_details.get("geboortedatum") if signals else None
    return Facts(
        partner_types=frozenset(s.partner_type for s in signals),
        amount=amount,
        months=months,
        creditors=len(latest),
        crisis=any(s.crisis for s in signals),
        age=age_on(first, today) if first else None,
        warm_handover=any(s.warm_handover for s in signals),
        repeat=any(n > 1 for n in per_partner.values()),
    )


def matches(rule: dict[str, Any], facts: Facts) -> bool:
    """All conditions a rule sets must hold; a rule without conditions matches every case."""
    if rule.get("partner_type") and rule["partner_type"] not in facts.partner_types:
        return False
    minimum = _decimal(rule.get("min_amount"))
    if minimum is not None and facts.amount < minimum:
        return False
    minimum = _decimal(rule.get("min_months"))
    if minimum is not None and facts.months < minimum:
        return False
    if rule.get("several_creditors") and facts.creditors < 2:
        return False
    if rule.get("crisis") and not facts.crisis:
        return False
    if rule.get("under_27") and not (facts.age is not None and facts.age < YOUNG_BELOW):
        return False
    if rule.get("warm_handover") and not facts.warm_handover:
        return False
    return not (rule.get("repeat") and not facts.repeat)


def place(rules: list[dict[str, Any]], facts: Facts) -> tuple[str, str, int | None]:
    """(queue, first action, number of the rule that matched — 1-based — or None)."""
    for number, rule in enumerate(rules, start=1):
        if matches(rule, facts):
            return rule["queue"], rule.get("action") or DEFAULT_ACTION, number
    return DEFAULT_QUEUE, DEFAULT_ACTION, None


def rule_label(rules: list[dict[str, Any]], number: int | None) -> str:
    """How a case's queue rule is recorded: the rule's number and queue."""
    if number is None:
        return "geen regel van toepassing"
    return f"regel {number}: {rules[number - 1]['queue']}"[:120]


def placement(rules: list[dict[str, Any]], signals: list[Any], today: date) -> tuple[str, str, str]:
    """(queue, first action, rule label) of a new case with these signals (oldest first),
    in the form the case stores them."""
    queue, action, number = place(rules, facts_of(signals, today))
    return queue[:80], action, rule_label(rules, number)
