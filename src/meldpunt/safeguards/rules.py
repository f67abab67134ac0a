"""The Sluitende Aanpak decision rules (covenant art. 1.13), exactly as in sluitende-aanpak.md.

Pure: plain facts in, an answer out. No database, no clock, no Django. The selector
(``selectors.facts_for_tenancy``) gathers the facts of ONE tenancy (landlord + tenant);
``services`` records every check. Row codes (B1–B7, E1–E8) are those of the decision table;
B8 and E9 make "aantoonbaar" (art. 1.13.1) exact (docs/adr/0009-demonstrable-facts.md):

- B8 a landlord's own instrument with agreements counts only with its terms and its first due
  date recorded (setting ``landlord_needs_terms``);
- B7 also holds while an agreement's first due date has not passed yet: nothing can have been
  missed, so the agreement is running (setting ``pending_until_first_due``);
- E9 an agreement counts as broken only when the event was recorded on or after a due date that
  falls after the agreement (setting ``broken_needs_missed_due``).

Every answer names who recorded each fact by the kind of participant only — the landlord
itself, the municipality, a provider — never which provider (domain.md step 9).
Each row is a test (tests/test_safeguard_rules.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

ALLOWED = "toegestaan"
NOT_ALLOWED = "niet-toegestaan"
REFUSED = "geweigerd"

HOME_VISIT = "Huisbezoek"  # DDAS EnumContactsoort
PARTNER = "partner"  # OrganisationType of a landlord
MUNICIPALITY = "gemeente"
PROVIDER = "uitvoerder"
# How the answer and the verklaring name who recorded a fact (never an organisation's name).
RECORDED_BY = {PARTNER: "de verhuurder", MUNICIPALITY: "de gemeente", PROVIDER: "een uitvoerder"}


def recorded_by(organisation_type: str) -> str:
    return RECORDED_BY.get(organisation_type, "een deelnemer")


WEIGHTY_GROUNDS = {"woonfraude": "woonfraude", "overlast": "langdurige overlast"}


@dataclass(frozen=True)
class Config:
    max_age_months: int = 12
    min_attempts: int = 3
    min_days: int = 3
    min_home_visits: int = 1
    min_refusals: int = 1
    landlord_needs_terms: bool = True
    pending_until_first_due: bool = True
    broken_needs_missed_due: bool = True


@dataclass(frozen=True)
class InstrumentFact:
    id: str
    name: str
    category: str
    deployer_type: str  # gemeente / partner / uitvoerder
    deployed_on: date
    currently_kept: bool = False  # the latest compliance event says kept, or it runs (GB)
    has_agreements: bool = False
    first_due_on: date | None = None
    terms_recorded: bool = True
    ended: bool = False  # ended on or before the day of the check

    @property
    def by(self) -> str:
        return recorded_by(self.deployer_type)


@dataclass(frozen=True)
class AttemptFact:
    id: str
    kind: str  # DDAS EnumContactsoort
    on: date
    reached: bool
    part_of_day: str = ""


@dataclass(frozen=True)
class EventFact:
    """A refusal to cooperate (instrument_id empty allowed) or a broken agreement."""

    id: str
    on: date
    recorder_type: str  # gemeente / partner / uitvoerder
    instrument_id: str = ""
    instrument_name: str = ""
    due_on: date | None = None  # the instrument's first due date (for a broken agreement)

    @property
    def by(self) -> str:
        return recorded_by(self.recorder_type)


@dataclass(frozen=True)
class Facts:
    today: date
    is_landlords_tenant: bool
    has_signal: bool = False
    instruments: tuple[InstrumentFact, ...] = ()
    attempts: tuple[AttemptFact, ...] = ()
    refusals: tuple[EventFact, ...] = ()
    broken: tuple[EventFact, ...] = ()
    weighty_ground: str = ""
    justification: str = ""


@dataclass(frozen=True)
class Listed:
    """One line of what the answer (and the verklaring) lists: never notes, never amounts."""

    kind: str  # instrument / outreach / attempt / refusal / broken / weighty-ground
    label: str
    on: date | None
    by: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "on": self.on.isoformat() if self.on else None,
            "by": self.by,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    outcome: str
    rows: tuple[str, ...]
    explanation: str
    fact_ids: tuple[str, ...] = ()
    listed: tuple[Listed, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome == ALLOWED


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _d(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class Outreach:
    met: bool
    attempts: int
    days: int
    home_visits: int
    reached: bool
    met_on: date | None
    used: tuple[AttemptFact, ...] = field(default=())


def outreach(facts: Facts, config: Config) -> Outreach:
    """Is the outreach minimum met: N attempts on N different days including N home visits?"""
    earliest = months_before(facts.today, config.max_age_months)
    attempts = sorted(
        (a for a in facts.attempts if earliest <= a.on <= facts.today), key=lambda a: (a.on, a.id)
    )
    met_on = None
    days: set[date] = set()
    visits = 0
    for n, attempt in enumerate(attempts, start=1):
        days.add(attempt.on)
        visits += attempt.kind == HOME_VISIT
        if (
            met_on is None
            and n >= config.min_attempts
            and len(days) >= config.min_days
            and visits >= config.min_home_visits
        ):
            met_on = attempt.on
    return Outreach(
        met=met_on is not None,
        attempts=len(attempts),
        days=len(days),
        home_visits=visits,
        reached=any(a.reached for a in facts.attempts),
        met_on=met_on,
        used=tuple(attempts),
    )


def _not_own_tenant(question: str) -> Answer:
    return Answer(
        question=question,
        outcome=REFUSED,
        rows=("E8",),
        explanation=(
            "Geen antwoord: deze huurder komt in geen enkel signaal of instrument van uw "
            "organisatie voor. Een verhuurder mag alleen vragen naar de eigen huurders."
        ),
    )


def _instrument_line(i: InstrumentFact) -> Listed:
    return Listed("instrument", i.name, i.deployed_on, i.by)


def counts(i: InstrumentFact, config: Config) -> bool:
    """B8: a landlord's own agreement counts only with its terms and first due date recorded."""
    demonstrable = i.terms_recorded and i.first_due_on is not None
    return demonstrable or not (
        config.landlord_needs_terms and i.deployer_type == PARTNER and i.has_agreements
    )


def kept_now(i: InstrumentFact, today: date, config: Config) -> bool:
    """B7: the agreements are being kept, or cannot have been missed yet (first due date ahead)."""
    if i.ended or i.deployed_on > today:
        return False
    if i.currently_kept:
        return True
    return (
        config.pending_until_first_due
        and i.has_agreements
        and i.first_due_on is not None
        and today < i.first_due_on
    )


def broken_counts(event: EventFact, config: Config) -> bool:
    """E9: "broken" needs a due date after the agreement that had passed when it was recorded."""
    if not config.broken_needs_missed_due:
        return True
    return event.due_on is not None and event.due_on <= event.on


def bailiff_check(facts: Facts, config: Config | None = None) -> Answer:
    """Mag deze huurschuld naar de deurwaarder? (art. 1.13.2)"""
    config = config or Config()
    q = "deurwaarder"
    if not facts.is_landlords_tenant:
        return _not_own_tenant(q)
    earliest = months_before(facts.today, config.max_age_months)
    countable = [i for i in facts.instruments if counts(i, config)]
    without_terms = [i for i in facts.instruments if not counts(i, config)]
    # B7 first: agreements being kept right now (whatever the instrument's age).
    kept = [i for i in countable if kept_now(i, facts.today, config)]
    if kept:
        pending = [i for i in kept if not i.currently_kept]
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("B7",),
            explanation=(
                "Niet toegestaan zolang de afspraken worden nagekomen: "
                + ", ".join(
                    f"{i.name} (sinds {_d(i.deployed_on)}"
                    + (f"; eerste vervaldatum {_d(i.first_due_on)}" if i in pending else "")
                    + ")"
                    for i in kept
                )
                + ". De achterstand wordt opgelost; de deurwaarder zou alleen incassokosten "
                "toevoegen (convenant art. 2.2). Zodra vastgelegd is dat een afspraak niet is "
                "nagekomen, kan de vraag opnieuw worden gesteld."
            ),
            fact_ids=tuple(i.id for i in kept),
            listed=tuple(_instrument_line(i) for i in kept),
        )
    valid = [i for i in countable if earliest <= i.deployed_on <= facts.today]
    reach = outreach(facts, config)
    if valid or reach.met:
        rows = []
        if any(i.deployer_type == PARTNER for i in valid):
            rows.append("B2")
        if reach.met:
            rows.append("B4")
        if any(i.deployer_type != PARTNER for i in valid):
            rows.append("B5")
        listed = [_instrument_line(i) for i in valid]
        fact_ids = [i.id for i in valid]
        if reach.met:
            listed.append(
                Listed(
                    "outreach",
                    "Vroeg Eropaf-outreach: minimum contactpogingen gehaald",
                    reach.met_on,
                )
            )
            listed += [Listed("attempt", a.kind, a.on) for a in reach.used]
            fact_ids += [a.id for a in reach.used]
        parts = []
        if valid:
            parts.append(
                "aantoonbaar ingezet: "
                + ", ".join(f"{i.name} door {i.by} op {_d(i.deployed_on)}" for i in valid)
            )
        if reach.met:
            parts.append(
                f"de outreach is aantoonbaar gedaan: {reach.attempts} contactpogingen op "
                f"{reach.days} verschillende dagen, waarvan {reach.home_visits} huisbezoek(en)"
                + ("" if reach.reached else "; de huurder is niet bereikt")
            )
        return Answer(
            question=q,
            outcome=ALLOWED,
            rows=tuple(rows),
            explanation="Toegestaan: " + "; ".join(parts) + ".",
            fact_ids=tuple(fact_ids),
            listed=tuple(listed),
        )
    old = [i for i in countable if i.deployed_on < earliest]
    if without_terms and not old:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("B8",),
            explanation=(
                "Niet toegestaan: uw eigen "
                + ", ".join(i.name for i in without_terms)
                + " telt pas als de afspraken en de eerste vervaldatum zijn vastgelegd "
                "(aantoonbaar, convenant art. 1.13.1). Vul die aan bij het instrument."
            ),
            fact_ids=tuple(i.id for i in without_terms),
        )
    missing = []
    if reach.attempts < config.min_attempts:
        missing.append(f"{reach.attempts} van {config.min_attempts} contactpogingen")
    if reach.days < config.min_days:
        missing.append(f"op {reach.days} van {config.min_days} verschillende dagen")
    if reach.home_visits < config.min_home_visits:
        missing.append("huisbezoek ontbreekt")
    if reach.attempts:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("B3", *(("B6",) if old else ())),
            explanation=(
                "Niet toegestaan: de outreach is nog niet af ("
                + ", ".join(missing)
                + ") en er is geen instrument ingezet."
            ),
            fact_ids=tuple(a.id for a in reach.used) + tuple(i.id for i in old),
        )
    if old:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("B6",),
            explanation=(
                "Niet toegestaan: het laatst ingezette instrument ("
                + ", ".join(f"{i.name}, {_d(i.deployed_on)}" for i in old)
                + f") is ouder dan {config.max_age_months} maanden en telt niet meer."
            ),
            fact_ids=tuple(i.id for i in old),
        )
    advice = (
        "De uitvoerder heeft nog geen contactpogingen vastgelegd."
        if facts.has_signal
        else "Meld een signaal bij het Meldpunt of leg uw eigen instrument vast "
        "(bijvoorbeeld een betalingsregeling)."
    )
    return Answer(
        question=q,
        outcome=NOT_ALLOWED,
        rows=("B1",),
        explanation="Niet toegestaan: er is geen instrument ingezet. " + advice,
    )


def eviction_check(facts: Facts, config: Config | None = None) -> Answer:
    """Mag deze huurder om huurschuld ontruimd worden? (art. 1.13.3)"""
    config = config or Config()
    q = "ontruiming"
    if not facts.is_landlords_tenant:
        return _not_own_tenant(q)
    # E6 / E7: a weighty ground stated by the landlord.
    ground = WEIGHTY_GROUNDS.get(facts.weighty_ground)
    if ground and facts.justification.strip():
        return Answer(
            question=q,
            outcome=ALLOWED,
            rows=("E6",),
            explanation=(
                f"Toegestaan op grond van zwaarwegende gronden ({ground}), gesteld door de "
                "verhuurder. Dit antwoord berust op de verklaring van de verhuurder, niet op "
                "feiten in het Meldpunt."
            ),
            listed=(Listed("weighty-ground", f"Zwaarwegende grond: {ground}", facts.today),),
        )
    earliest = months_before(facts.today, config.max_age_months)
    refusals = [r for r in facts.refusals if earliest <= r.on <= facts.today]
    recent_broken = [b for b in facts.broken if earliest <= b.on <= facts.today]
    broken = [b for b in recent_broken if broken_counts(b, config)]
    too_early = [b for b in recent_broken if not broken_counts(b, config)]
    grounds_rows = []
    if len(refusals) >= config.min_refusals:
        grounds_rows.append("E3")
    if broken:
        grounds_rows.append("E4")
    if grounds_rows:
        used = (refusals if "E3" in grounds_rows else []) + broken
        latest = max(e.on for e in used)
        later_kept = [
            i
            for i in facts.instruments
            if counts(i, config) and kept_now(i, facts.today, config) and latest < i.deployed_on
        ]
        if later_kept:
            return Answer(
                question=q,
                outcome=NOT_ALLOWED,
                rows=("E5",),
                explanation=(
                    "Niet toegestaan: na de weigering of het niet nakomen van afspraken is een "
                    "nieuw instrument ingezet waarvan de afspraken worden nagekomen: "
                    + ", ".join(f"{i.name} (sinds {_d(i.deployed_on)})" for i in later_kept)
                    + "."
                ),
                fact_ids=tuple(e.id for e in used) + tuple(i.id for i in later_kept),
            )
        listed = [
            Listed("refusal", "Weigert medewerking", r.on, r.by)
            for r in (refusals if "E3" in grounds_rows else [])
        ] + [
            # Not by whom: that would tell the landlord which participant works with the tenant.
            Listed("broken", f"Afspraken niet nagekomen: {b.instrument_name}", b.on)
            for b in broken
        ]
        parts = []
        if "E3" in grounds_rows:
            parts.append(f"weigering van medewerking vastgelegd ({len(refusals)} keer)")
        if "E4" in grounds_rows:
            parts.append("afspraken binnen een instrument zijn niet nagekomen")
        return Answer(
            question=q,
            outcome=ALLOWED,
            rows=tuple(grounds_rows),
            explanation="Toegestaan: " + " en ".join(parts) + " (convenant art. 1.13.3).",
            fact_ids=tuple(e.id for e in used)
            + tuple(dict.fromkeys(b.instrument_id for b in broken if b.instrument_id)),
            listed=tuple(listed),
        )
    if too_early:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("E9",),
            explanation=(
                "Niet toegestaan: een afspraak is als niet nagekomen vastgelegd voordat er een "
                "vervaldatum na de afspraak was verstreken ("
                + ", ".join(
                    f"{b.instrument_name}, vastgelegd {_d(b.on)}"
                    + (f", eerste vervaldatum {_d(b.due_on)}" if b.due_on else ", geen vervaldatum")
                    for b in too_early
                )
                + "). Niet nakomen kan pas blijken na een gemiste vervaldatum."
            ),
            fact_ids=tuple(b.id for b in too_early),
        )
    if ground:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("E7",),
            explanation=(
                f"Niet toegestaan: u noemt een zwaarwegende grond ({ground}) maar de "
                "schriftelijke onderbouwing ontbreekt."
            ),
        )
    reach = outreach(facts, config)
    if reach.met and not reach.reached:
        return Answer(
            question=q,
            outcome=NOT_ALLOWED,
            rows=("E2",),
            explanation=(
                "Niet toegestaan: de huurder is niet bereikt, maar onbereikbaarheid is geen "
                "weigering. De route naar de deurwaarder (B4) staat wel open."
            ),
            fact_ids=tuple(a.id for a in reach.used),
        )
    return Answer(
        question=q,
        outcome=NOT_ALLOWED,
        rows=("E1",),
        explanation=(
            "Niet toegestaan: er is geen weigering van medewerking, geen niet-nagekomen afspraak "
            "en geen zwaarwegende grond vastgelegd; geen uitzondering van art. 1.13.3 is van "
            "toepassing."
        ),
    )


CHECKS = {"deurwaarder": bailiff_check, "ontruiming": eviction_check}
