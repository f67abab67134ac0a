"""The assessment frame (afwegingskader): ordered rules on a new case's signal facts that put
it in a named work queue (werkbak) with a first action. Pure: the facts come in, the first rule
that matches decides; no rule matches → the default queue. Functioneel beheer edits the rules
(``AssessmentFrame``, append-only versions); ``services.frame_place_cases`` applies them.
"""

from __future__ import annotations

from collections.abc import Callable
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


class Facts(NamedTuple):
    """What the rules look at, gathered from a case's signals. A named tuple, not a frozen
    dataclass: ``Placer.one`` makes one for every row of a file, and a frozen dataclass costs
    eight ``object.__setattr__`` calls each."""

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
    if len(signals) == 1:  # most new cases: the same facts as below, without the bookkeeping
        signal = signals[0]
        arrears = signal.arrears
        owed = _decimal(arrears.get("achterstand_bedrag")) or Decimal(0)
        month = _decimal(arrears.get("maanden_achterstand"))
        rent = _decimal(arrears.get("maandhuur"))
        if month is None and rent:
            month = owed / rent
        first = signal.person_details.get("geboortedatum")
        return Facts(
            partner_types=frozenset((signal.partner_type,)),
            amount=Decimal(0) + owed,
            months=max(Decimal(0), month or Decimal(0)),
            creditors=1,
            crisis=bool(signal.crisis),
            age=age_on(first, today) if first else None,
            warm_handover=bool(signal.warm_handover),
            repeat=False,
        )
    return _facts_of_many(signals, today)


def _facts_of_many(signals: list[Any], today: date) -> Facts:
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


Test = Callable[[Facts], bool]


def conditions(rule: dict[str, Any]) -> tuple[Test, ...]:
    """The conditions a rule sets, each a test on the facts (the rule's values read once)."""
    tests: list[Test] = []
    kind = rule.get("partner_type")
    if kind:
        tests.append(lambda facts: kind in facts.partner_types)
    least_amount = _decimal(rule.get("min_amount"))
    if least_amount is not None:
        tests.append(lambda facts: not facts.amount < least_amount)
    least_months = _decimal(rule.get("min_months"))
    if least_months is not None:
        tests.append(lambda facts: not facts.months < least_months)
    if rule.get("several_creditors"):
        tests.append(lambda facts: facts.creditors >= 2)
    if rule.get("crisis"):
        tests.append(lambda facts: bool(facts.crisis))
    if rule.get("under_27"):
        tests.append(lambda facts: facts.age is not None and facts.age < YOUNG_BELOW)
    if rule.get("warm_handover"):
        tests.append(lambda facts: bool(facts.warm_handover))
    if rule.get("repeat"):
        tests.append(lambda facts: bool(facts.repeat))
    return tuple(tests)


def matches(rule: dict[str, Any], facts: Facts) -> bool:
    """All conditions a rule sets must hold; a rule without conditions matches every case."""
    return all(test(facts) for test in conditions(rule))


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


class Placer:
    """``placement`` of many cases by one frame on one day: each rule's conditions and label
    are made once (the intake places thousands of cases a batch)."""

    def __init__(self, rules: list[dict[str, Any]], today: date) -> None:
        self.rules, self.today = rules, today
        # Each rule's placement made once: every case it places shares the one tuple.
        self._rules = [
            (conditions(rule), (rule["queue"][:80], rule.get("action") or DEFAULT_ACTION,
                                rule_label(rules, number)))
            for number, rule in enumerate(rules, start=1)
        ]  # fmt: skip
        self._otherwise = (DEFAULT_QUEUE[:80], DEFAULT_ACTION, rule_label(rules, None))

    def __call__(self, signals: list[Any]) -> tuple[str, str, str]:
        """As ``place`` on ``facts_of`` decides, in the form the case stores it."""
        return self._placed(facts_of(signals, self.today))

    def one(
        self,
        *,
        partner_type: str,
        crisis: bool,
        warm_handover: bool,
        amount: Decimal | None,
        months: Decimal | None,
        rent: Decimal | None,
        born: date | None,
    ) -> tuple[str, str, str]:
        """A case with one signal, from the values the intake parsed (numbers as Decimal, the
        birth date as a date) instead of their stored text: what ``self([signal])`` gives for
        the signal they are stored as (the intake's preparing process places every row so)."""
        owed = amount or Decimal(0)
        if months is None and rent:
            months = owed / rent
        if born is None:
            age = None
        else:
            today = self.today
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return self._placed(
            Facts(
                frozenset((partner_type,)),
                Decimal(0) + owed,
                max(Decimal(0), months or Decimal(0)),
                1,
                bool(crisis),
                age,
                bool(warm_handover),
                False,
            )
        )

    def _placed(self, facts: Facts) -> tuple[str, str, str]:
        for tests, placed in self._rules:
            for test in tests:  # all of them hold (a loop: no generator per rule and case)
                if not test(facts):
                    break
            else:
                return placed
        return self._otherwise


def placement(rules: list[dict[str, Any]], signals: list[Any], today: date) -> tuple[str, str, str]:
    """(queue, first action, rule label) of a new case with these signals (oldest first),
    in the form the case stores them."""
    queue, action, number = place(rules, facts_of(signals, today))
    return queue[:80], action, rule_label(rules, number)
