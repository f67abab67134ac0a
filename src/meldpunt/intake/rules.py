"""The intake's decision rules, pure: plain facts in, a decision with its row code out.

Like ``safeguards/rules.py``: no database, no clock, no Django. The engine (``pipeline.py``)
gathers the facts, calls these functions and writes what they decide; docs/architecture.md maps
the covenant's articles to them. Every row code is a test (tests/test_intake_rule_rows.py).

- Voortraject (Besluit Wgs art. 2; covenant art. 5): V1–V3
- Target group (covenant art. 4): T1–T7
- Register outcome (triage, domain.md step 5): G1–G3
- Repeat signal (domain.md step 4; the person's history with this landlord): R1–R3
- Case: join an open case or open one (domain.md step 4): M1–M3
- First track and routing (covenant art. 1.5, 1.11; domain.md step 5): F1–F3
- Natural persons only (a contract in a company's name is refused): N1–N2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from meldpunt.core.names import looks_like_organisation

# DDAS EnumSignaalstatus values the rules decide (cases.vocabulary.SignalStatus spells them).
NOT_YET_PICKED_UP = "Nog niet opgepakt"
UNJUSTIFIED = "Niet opgepakt: onterecht signaal"
DECEASED = "Inwoner is overleden"
NOT_A_RESIDENT = "Persoon is geen inwoner (meer) in de gemeente"
REPEAT = "Niet opgepakt: herhaalde melding"

C = TypeVar("C")  # whatever stands for a case: an id in the tests, a reference in the engine

GEREGELDE_BETALING = "geregelde-betaling"
VROEG_EROPAF = "vroeg-eropaf"


@dataclass(frozen=True)
class Thresholds:
    """The numbers functioneel beheer sets (intake.IntakeConfiguration; art. 3.3)."""

    months_of_arrears: Decimal = Decimal(2)
    minimum_amount: Decimal = Decimal(75)
    repeat_window_days: int = 92


@dataclass(frozen=True)
class Decision:
    """What a rule decided: its row, the signal status it gives ("" = go on) and why."""

    row: str
    status: str = ""
    reason: str = ""

    @property
    def stops(self) -> bool:
        """The signal is not taken up: it gets ``status`` and no case."""
        return bool(self.status) and self.status != NOT_YET_PICKED_UP


# The rows that decide nothing but "go on": one shared (immutable) decision each, as the
# intake asks these rules for every row of a file.
_GO_ON = {row: Decision(row) for row in ("T2", "T3", "T4", "T5", "T6", "G3", "R1", "R3")}


# --- voortraject --------------------------------------------------------------------------

VOORTRAJECT_STEPS = {
    "poging_persoonlijk_contact": "Poging tot persoonlijk contact",
    "gewezen_op_schuldhulp": "Gewezen op schuldhulpverlening",
    "schriftelijke_herinnering": "Schriftelijke herinnering",
    "informatieplicht_voldaan": "Huurder geïnformeerd over doorgeven",
}


# Steps some kinds of signal partner must show besides the four above: a health insurer first
# offers a payment plan (Zorgverzekeringswet art. 18a).
EXTRA_STEPS: dict[str, dict[str, str]] = {
    "Zorg": {"aanbod_betalingsregeling": "Betalingsregeling aangeboden"},
}


_STEP_LABELS: dict[str, tuple[tuple[str, str], ...]] = {}


def voortraject(
    steps: Mapping[str, date | None],
    *,
    signal_date: date | None,
    objection: bool,
    partner_type: str = "Huur",
) -> dict[str, tuple[str, str]]:
    """Problems per field as (row, Dutch message); empty when the signal may be received.

    V1: every step of the voortraject has a date (for a health insurer also the offer of a
    payment plan). V2: no step lies after the signal date. V3: the tenant objected to passing on
    the data: the signal may not be received at all.
    """
    problems: dict[str, tuple[str, str]] = {}
    labels = _STEP_LABELS.get(partner_type)
    if labels is None:  # once per kind of partner: the intake asks this for every row
        labels = _STEP_LABELS[partner_type] = tuple(
            {**VOORTRAJECT_STEPS, **EXTRA_STEPS.get(partner_type, {})}.items()
        )
    for name, label in labels:
        step = steps.get(name)
        if step is None:
            problems[name] = ("V1", f"{label} is verplicht.")
        elif signal_date is not None and step > signal_date:
            problems[name] = ("V2", f"{label} ligt na de signaaldatum.")
    if objection:
        problems["bezwaar_huurder"] = (
            "V3",
            "De huurder heeft bezwaar gemaakt tegen het doorgeven van gegevens; "
            "dit signaal mag niet worden ontvangen (Besluit Wgs art. 2).",
        )
    return problems


# --- target group -------------------------------------------------------------------------


def target_group(
    *,
    amount: Decimal,
    months: Decimal | None,
    unreachable: bool,
    multiple_problems: bool,
    crisis: bool,
    thresholds: Thresholds,
) -> Decision:
    """Art. 4: arrears that lead to the bailiff without help, and a reason to act.

    ``months``: how many months in arrears — for rent the amount divided by the monthly rent,
    for other partners the months they deliver; None when unknown.

    T1 below the minimum amount: not taken up. Above it, any of: T2 a crisis signal, T3 the
    tenant does not respond in the collection process, T4 several debts or other problems, T5
    the months are unknown (they cannot be judged), T6 at least N months in arrears. T7 none of
    those: not taken up.
    """
    if amount < thresholds.minimum_amount:
        return Decision(
            "T1",
            UNJUSTIFIED,
            f"doelgroep: achterstand onder het minimumbedrag van € {thresholds.minimum_amount}",
        )
    if crisis:
        return _GO_ON["T2"]
    if unreachable:
        return _GO_ON["T3"]
    if multiple_problems:
        return _GO_ON["T4"]
    if months is None:
        return _GO_ON["T5"]
    if months >= thresholds.months_of_arrears:
        return _GO_ON["T6"]
    return Decision(
        "T7",
        UNJUSTIFIED,
        f"doelgroep: minder dan {thresholds.months_of_arrears} maanden achterstand, "
        "bereikbaar en geen meerdere problemen",
    )


# --- register -----------------------------------------------------------------------------


def register_outcome(
    *, deceased: bool, not_resident: bool, source: str, unavailable: bool = False
) -> Decision:
    """G1 the register says the person died; G2 the person does not (or no longer) live in the
    municipality; G3 otherwise (found as a resident, or not found): go on. G4 the register could
    not be asked: the signal is received and waits for triage by regie (nothing is lost, nothing
    is routed automatically: whether the person lives here, or receives a benefit, is unknown).
    """
    if unavailable:
        return Decision("G4", NOT_YET_PICKED_UP, "register niet bereikbaar: wacht op triage")
    if deceased:
        return Decision("G1", DECEASED, f"register ({source}): overleden")
    if not_resident:
        return Decision("G2", NOT_A_RESIDENT, f"register ({source}): geen inwoner")
    return _GO_ON["G3"]


# --- repeat -------------------------------------------------------------------------------


def repeat(amount: Decimal, earlier: Iterable[Decimal], *, window_days: int) -> Decision:
    """Is this a repeat of a recent signal from the same landlord about the same person?

    ``earlier``: the amounts of this landlord's signals about this person received within the
    window (whatever case they are in: the person's history, not the address's).
    R1 none: a new signal. R2 one of them was as high or higher: closed as a repeat (fed back).
    R3 all were lower: the arrears rose, the signal is taken up.
    """
    amounts = list(earlier)
    if not amounts:
        return _GO_ON["R1"]
    if amount <= max(amounts):
        return Decision(
            "R2",
            REPEAT,
            "herhaalde melding: bedrag niet hoger dan een eerder signaal van deze verhuurder "
            f"binnen {window_days} dagen",
        )
    return _GO_ON["R3"]


# --- case ---------------------------------------------------------------------------------


def case_to_join(own_case: C | None, co_tenant_cases: Iterable[C | None]) -> tuple[str, C | None]:
    """Which open case the signal joins: (row, that case), or (row, None) for a new case.

    M1 the person is on an open case: that one. M2 a co-tenant named on the signal is on an open
    case: the first such case, in the order the signal names the co-tenants. M3 neither: a new
    case. Another person's open case at the same address is never joined: it is shown to regie
    and the provider as a hint, never merged.
    """
    if own_case is not None:
        return "M1", own_case
    for case in co_tenant_cases:
        if case is not None:
            return "M2", case
    return "M3", None


# --- track --------------------------------------------------------------------------------


def first_track(
    *, benefit_recipient: bool, auto_route: bool, district_provider: int | None
) -> tuple[str, str, int | None]:
    """(row, track, provider id) of a new case; track "" means it waits for triage by regie.

    F1 the person receives a Participatiewet benefit: Geregelde betaling by the municipality.
    F2 automatic routing is on and the district has a provider: Vroeg Eropaf by that provider.
    F3 otherwise: regie triages.
    """
    if benefit_recipient:
        return "F1", GEREGELDE_BETALING, None
    if auto_route and district_provider is not None:
        return "F2", VROEG_EROPAF, district_provider
    return "F3", "", None


# --- natural persons ----------------------------------------------------------------------


def natural_persons(
    *,
    surname: str,
    co_tenant_surname: str,
    co_tenant_birth_date: date | None,
    co_tenant_given: bool,
) -> dict[str, tuple[str, str]]:
    """Problems per field as (row, Dutch message): a signal is about people, never a company.

    N1 the tenant's surname names a company or institution (B.V., stichting, …): refused, with a
    message that says why. N2 a co-tenant is named without surname or birth date: refused, since
    without both the co-tenant cannot be recognised later (and would never be matched).
    """
    problems: dict[str, tuple[str, str]] = {}
    organisation = (
        "Dit huurcontract staat op naam van een bedrijf of instelling. Vroegsignalering is er "
        "voor personen en huishoudens: meld alleen huurders die natuurlijke personen zijn."
    )
    if looks_like_organisation(surname):
        problems["achternaam"] = ("N1", organisation)
    if looks_like_organisation(co_tenant_surname):
        problems["medehuurder_achternaam"] = ("N1", organisation)
    elif co_tenant_given and not co_tenant_surname:
        problems["medehuurder_achternaam"] = (
            "N2",
            "Vul de achternaam van de medehuurder in, of laat alle velden van de medehuurder leeg.",
        )
    if co_tenant_given and co_tenant_birth_date is None:
        problems["medehuurder_geboortedatum"] = (
            "N2",
            "Vul de geboortedatum van de medehuurder in: zonder kan het Meldpunt de medehuurder "
            "niet herkennen.",
        )
    return problems
