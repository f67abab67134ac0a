"""A year of demo history, so the dashboards show something worth looking at.

Twenty-four households a month over the past twelve months, signalled by the Amsterdam landlords
in every district with a provider and worked by that provider: contact attempts, reached or not,
an instrument for some, closed with a DDAS end result when old enough, and a few households that
come back with a new signal after closing (recurrence), and what the landlords registered as
the outcome for some of them (arrears paid, bailiff, eviction). Everything goes through the services (the
intake, case work), then the dates are moved into the past; the status history keeps the day the
demo was loaded. Deterministic (a fixed random seed) and loaded once.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from meldpunt.accounts.demo import require_demo_mode
from meldpunt.cases.models import Case, Instrument, Signal
from meldpunt.cases.services import case_close, contact_attempt_record, instrument_deploy
from meldpunt.intake.pipeline import IntakeRun
from meldpunt.organisations.models import District, Organisation, PartnerType
from meldpunt.reporting.figures import add_months, figures_refresh
from meldpunt.safeguards.models import (
    VERKLARING_QUESTION,
    Attestation,
    OutcomeKind,
    SafeguardCheck,
)
from meldpunt.safeguards.services import safeguard_check_ask, tenancy_outcome_record

PREFIX = "HIST-"
PER_MONTH = 24
MONTHS = 12
SURNAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "Yilmaz", "El Idrissi", "Kaya",
    "Pinas", "Nunes", "Tahiri", "Boateng", "Sedney", "Ramdin", "Nguyen",
]  # fmt: skip
END_RESULTS = [
    ("Vervolghulp en/of verwijzing financieel", 30),
    ("(Budget)advies en/of quick fix", 20),
    ("Inwoner heeft zelf al betaald/betalingsregeling getroffen", 15),
    ("Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering", 10),
    ("Definitief geen contact kunnen krijgen", 10),
    ("Geen reactie na eerder contact", 5),
    ("Inwoner heeft al een ander lopend traject", 5),
    ("Vervolghulp en/of verwijzing niet financieel", 5),
]
# What the landlords register afterwards for some closed cases (ADR 0106), with weights.
OUTCOMES = [
    (OutcomeKind.ARREARS_SETTLED, 40), (OutcomeKind.PAYMENT_PLAN, 30), (OutcomeKind.BAILIFF, 15),
    (OutcomeKind.TENANT_LEFT, 5), (OutcomeKind.EVICTION_ANNOUNCED, 5),
    (OutcomeKind.EVICTION_EXECUTED, 5),
]  # fmt: skip
INSTRUMENTS = ["budgetadvies", "bemiddelde-betalingsregeling", "budgetbeheer", "budgetcoaching",
               "schuldhulpverlening", "inkomenscheck"]  # fmt: skip


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 30))


def _raw(rng: random.Random, n: int, postcode: str, today: date) -> dict:
    surname = SURNAMES[n % len(SURNAMES)]
    prefix, _sep, name = surname.rpartition(" ")
    return {
        "partner_referentie": f"{PREFIX}{n:05d}",
        "voorletters": f"{'ABCDEFGHJKLMNPRSTW'[n % 18]}.",
        "tussenvoegsel": prefix,
        "achternaam": name,
        "geboortedatum": f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "straat": "Voorbeeldstraat",
        "huisnummer": str(1 + n % 400),
        "huisletter": "ABCD"[n // 400 % 4] if n >= 400 else "",
        "postcode": postcode,
        "woonplaats": "Amsterdam",
        "achterstand_bedrag": f"{rng.randint(900, 4200)},00",
        "maandhuur": f"{rng.randint(550, 1100)},00",
        "onbereikbaar_in_incasso": True,
        "signaaldatum": today,
        "crisissignaal": rng.random() < 0.05,
        "poging_persoonlijk_contact": today - timedelta(days=40),
        "gewezen_op_schuldhulp": today - timedelta(days=35),
        "schriftelijke_herinnering": today - timedelta(days=30),
        "informatieplicht_voldaan": today - timedelta(days=30),
    }


def _postcodes() -> list[str]:
    """A postcode in each Amsterdam district that has a provider."""
    codes = []
    for district in District.objects.filter(
        provider__isnull=False, municipality__code="0363"
    ).prefetch_related("ranges"):
        first = district.ranges.order_by("start").first()
        if first is not None:
            codes.append(f"{first.start}AB")
    return sorted(codes)


@transaction.atomic
def demo_history_ensure(*, per_month: int = PER_MONTH, today: date | None = None) -> int:
    """Load the history once; returns the number of signals it made."""
    require_demo_mode()
    if Signal.objects.filter(partner_reference__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    landlords = list(
        Organisation.objects.filter(partner_type=PartnerType.HUUR, municipalities__code="0363")
        .exclude(users=None)
        .order_by("slug")
    )
    postcodes = _postcodes()
    if not landlords or not postcodes:
        return 0
    plan: list[tuple[int, date, Organisation, dict]] = []
    n = 0
    for months_ago in range(MONTHS, 0, -1):
        month = add_months(today.replace(day=1), -months_ago)
        for _i in range(per_month):
            n += 1
            received = month + timedelta(days=rng.randint(0, 27))
            raw = _raw(rng, n, rng.choice(postcodes), today)
            plan.append((n, received, rng.choice(landlords), raw))
    made = _intake(plan)
    closed: list[tuple[int, date, dict, Organisation]] = []
    for number, received, partner, raw in plan:
        signal = made.get(number)
        if signal is None or signal.case_id is None:
            continue
        Signal.objects.filter(pk=signal.pk).update(received_at=_at(received))
        Case.objects.filter(pk=signal.case_id).update(opened_at=_at(received))
        closed_on = _work(rng, signal.case_id, received, today)
        if closed_on is not None:
            closed.append((number, closed_on, raw, partner))
    # Some households come back: a new signal a few months after their case was closed.
    again = []
    for number, closed_on, raw, partner in closed:
        later = closed_on + timedelta(days=rng.randint(40, 300))
        if rng.random() < 0.15 and later < today - timedelta(days=7):
            again.append((100000 + number, later, partner,
                          {**raw, "partner_referentie": f"{raw['partner_referentie']}-2"}))  # fmt: skip
    for number, signal in _intake(again).items():
        received = next(p[1] for p in again if p[0] == number)
        Signal.objects.filter(pk=signal.pk).update(received_at=_at(received))
        if signal.case_id:
            Case.objects.filter(pk=signal.case_id, opened_at__gt=_at(received)).update(
                opened_at=_at(received)
            )
    _outcomes(rng, [(made[number], closed_on, partner) for number, closed_on, _r, partner in closed],
              today)  # fmt: skip
    figures_refresh(months=None, today=today)
    return len(made)


def _outcomes(rng: random.Random, closed, today: date) -> None:
    """Half of the closed cases' landlords register what followed; before a bailiff or an
    eviction most ask the check first, and an allowed check's verklaring is dated before it."""
    kinds, weights = zip(*OUTCOMES, strict=True)
    for signal, closed_on, partner in closed:
        on = closed_on + timedelta(days=rng.randint(10, 90))
        landlord = partner.users.first()
        if rng.random() < 0.5 or on >= today or landlord is None or signal.tenancy_id is None:
            continue
        kind = rng.choices(kinds, weights)[0]
        question = VERKLARING_QUESTION.get(kind)
        if question and rng.random() < 0.7:
            check = safeguard_check_ask(tenancy_id=signal.tenancy_id, by=landlord,
                                        question=question)  # fmt: skip
            asked = on - timedelta(days=rng.randint(5, 60))
            SafeguardCheck.objects.filter(pk=check.pk).update(asked_on=asked, asked_at=_at(asked))
            Attestation.objects.filter(check_record=check).update(issued_at=_at(asked))
        tenancy_outcome_record(by=landlord, tenancy_id=signal.tenancy_id, kind=kind, occurred_on=on)


def _intake(plan) -> dict[int, Signal]:
    """Run the rows through the intake per landlord; {row number: signal}."""
    made: dict[int, Signal] = {}
    by_partner: dict[int, list] = {}
    for number, _received, partner, raw in plan:
        by_partner.setdefault(partner.pk, []).append((number, partner, raw))
    for rows in by_partner.values():
        partner = rows[0][1]
        run = IntakeRun(partner=partner, by=partner.users.first(), channel="bestand")
        outcomes = run.process([(number, raw) for number, _p, raw in rows])
        refs = {o.row: o.public_id for o in outcomes if o.public_id}
        signals = {s.public_id: s for s in Signal.objects.filter(public_id__in=refs.values())}
        made.update({row: signals[ref] for row, ref in refs.items() if ref in signals})
    return made


def _work(rng: random.Random, case_id: int, received: date, today: date) -> date | None:
    """The provider's work on one case; returns the day it was closed, if it was."""
    case = Case.objects.select_related("provider").get(pk=case_id)
    worker = case.provider.users.first() if case.provider else None
    if worker is None or rng.random() < 0.06:
        return None  # never picked up (yet)
    day = received + timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12]))
    reached = False
    for _attempt in range(rng.randint(1, 4)):
        if day >= today:
            break
        reached = rng.random() < 0.45
        contact_attempt_record(
            case_id=case_id, by=worker, kind=rng.choice(["Huisbezoek", "Telefoon", "Brief"]),
            reached=reached, on=day, part_of_day=rng.choice(["Ochtend", "Middag", "Avond"]),
        )  # fmt: skip
        if reached:
            break
        day += timedelta(days=rng.randint(2, 8))
    if reached and rng.random() < 0.7 and day + timedelta(days=7) < today:
        deployed = day + timedelta(days=rng.randint(1, 7))
        instrument_deploy(
            case_id=case_id, by=worker, deployed_on=deployed,
            instrument=Instrument.objects.get(code=rng.choice(INSTRUMENTS)),
            first_due_on=deployed + timedelta(days=30), agreements="Afspraken in het dossier.",
        )  # fmt: skip
    closed_on = received + timedelta(days=rng.randint(45, 120))
    if closed_on >= today - timedelta(days=3):
        return None
    if reached:
        results, weights = zip(*END_RESULTS, strict=True)
        end_result = rng.choices(results, weights)[0]
    else:
        end_result = "Definitief geen contact kunnen krijgen"
    case_close(case_id=case_id, by=worker, end_result=end_result)
    Case.objects.filter(pk=case_id).update(closed_at=_at(closed_on))
    return closed_on
