"""Every row of the intake's decision rules (meldpunt/intake/rules.py), positive and negative.

Pure functions: no database. The same rules run in the engine (tests/test_intake_rules.py
follows them through the form, files and API).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from meldpunt.intake import rules

TODAY = date(2026, 12, 1)
STEPS = {
    "poging_persoonlijk_contact": date(2026, 10, 1),
    "gewezen_op_schuldhulp": date(2026, 10, 5),
    "schriftelijke_herinnering": date(2026, 10, 10),
    "informatieplicht_voldaan": date(2026, 10, 10),
}
T = rules.Thresholds()


# --- voortraject: V1–V3 --------------------------------------------------------------------


def test_complete_voortraject_has_no_problems():
    assert rules.voortraject(STEPS, signal_date=TODAY, objection=False) == {}


@pytest.mark.parametrize("missing", list(STEPS))
def test_v1_every_step_needs_a_date(missing):
    problems = rules.voortraject({**STEPS, missing: None}, signal_date=TODAY, objection=False)
    assert problems[missing][0] == "V1" and "verplicht" in problems[missing][1]
    assert set(problems) == {missing}


def test_v2_no_step_after_the_signal_date():
    problems = rules.voortraject(STEPS, signal_date=date(2026, 10, 7), objection=False)
    assert {name: row for name, (row, _m) in problems.items()} == {
        "schriftelijke_herinnering": "V2",
        "informatieplicht_voldaan": "V2",
    }
    assert rules.voortraject(STEPS, signal_date=None, objection=False) == {}


def test_v1_a_health_insurer_also_shows_its_offer_of_a_payment_plan():
    problems = rules.voortraject(STEPS, signal_date=TODAY, objection=False, partner_type="Zorg")
    assert problems["aanbod_betalingsregeling"][0] == "V1"
    offered = {**STEPS, "aanbod_betalingsregeling": date(2026, 10, 2)}
    assert rules.voortraject(offered, signal_date=TODAY, objection=False, partner_type="Zorg") == {}
    assert (
        rules.voortraject(STEPS, signal_date=TODAY, objection=False, partner_type="Energie") == {}
    )


def test_v3_an_objection_means_the_signal_may_not_be_received():
    problems = rules.voortraject(STEPS, signal_date=TODAY, objection=True)
    assert (
        problems["bezwaar_huurder"][0] == "V3"
        and "Besluit Wgs art. 2" in problems["bezwaar_huurder"][1]
    )


# --- target group: T1–T7 -------------------------------------------------------------------


def group(amount="1500", rent="700", **flags):
    """Rent: the months are the amount divided by the monthly rent (as the engine does)."""
    months = Decimal(amount) / Decimal(rent) if rent is not None else None
    return rules.target_group(
        amount=Decimal(amount),
        months=flags.get("months", months),
        unreachable=flags.get("unreachable", False),
        multiple_problems=flags.get("multiple", False),
        crisis=flags.get("crisis", False),
        thresholds=flags.get("thresholds", T),
    )


def test_t1_below_the_minimum_amount_is_not_taken_up_whatever_else():
    decision = group("74.99", crisis=True, unreachable=True, multiple=True)
    assert decision.row == "T1" and decision.status == rules.UNJUSTIFIED and decision.stops
    assert "€ 75" in decision.reason
    assert group("75.00", crisis=True).row == "T2"


@pytest.mark.parametrize(
    ("flags", "row"),
    [({"crisis": True}, "T2"), ({"unreachable": True}, "T3"), ({"multiple": True}, "T4")],
)
def test_t2_t4_a_reason_to_act_puts_small_arrears_in_the_group(flags, row):
    decision = group("100", "700", **flags)
    assert decision.row == row and not decision.stops and decision.reason == ""


def test_t5_unknown_rent_or_months_is_in_the_group():
    assert group("100", None).row == "T5"


def test_t6_other_partners_deliver_their_months():
    assert group("200", None, months=Decimal("2")).row == "T6"
    assert group("200", None, months=Decimal("1.5")).row == "T7"
    one = rules.Thresholds(months_of_arrears=Decimal(1))
    assert group("200", None, months=Decimal("1.5"), thresholds=one).row == "T6"


def test_t6_two_months_of_rent_is_in_the_group_and_the_months_are_configuration():
    assert group("1400", "700").row == "T6"
    assert group("1399.99", "700").row == "T7"
    three = rules.Thresholds(months_of_arrears=Decimal(3))
    assert group("1400", "700", thresholds=three).row == "T7"
    assert group("2100", "700", thresholds=three).row == "T6"


def test_t7_less_than_the_months_without_another_reason_is_not_taken_up():
    decision = group("800", "700")
    assert decision.row == "T7" and decision.status == rules.UNJUSTIFIED
    assert "minder dan 2 maanden" in decision.reason


# --- register: G1–G3 -----------------------------------------------------------------------


def test_g1_deceased():
    d = rules.register_outcome(deceased=True, not_resident=True, source="BRP")
    assert (d.row, d.status, d.reason) == ("G1", rules.DECEASED, "register (BRP): overleden")


def test_g2_not_a_resident():
    d = rules.register_outcome(deceased=False, not_resident=True, source="BRP")
    assert (d.row, d.status) == ("G2", rules.NOT_A_RESIDENT)


def test_g3_a_resident_or_not_found_goes_on():
    d = rules.register_outcome(deceased=False, not_resident=False, source="niet gevonden")
    assert d.row == "G3" and not d.stops


# --- repeat: R1–R3 -------------------------------------------------------------------------


def test_r1_no_earlier_signal_from_this_landlord_about_this_person():
    assert rules.repeat(Decimal("500"), [], window_days=92).row == "R1"


def test_r2_not_higher_than_an_earlier_signal_is_a_repeat():
    d = rules.repeat(Decimal("500"), [Decimal("400"), Decimal("500")], window_days=92)
    assert d.row == "R2" and d.status == rules.REPEAT and "92 dagen" in d.reason


def test_r3_higher_than_every_earlier_signal_is_taken_up():
    d = rules.repeat(Decimal("500.01"), [Decimal("500")], window_days=92)
    assert d.row == "R3" and not d.stops


# --- case: M1–M3 ---------------------------------------------------------------------------


def test_m1_the_persons_own_open_case_wins():
    assert rules.case_to_join(7, [3]) == ("M1", 7)


def test_m2_a_co_tenants_open_case():
    assert rules.case_to_join(None, [None, 9, 4]) == ("M2", 9)


def test_m3_otherwise_a_new_case():
    assert rules.case_to_join(None, [None]) == ("M3", None)


# --- track: F1–F3 --------------------------------------------------------------------------


def test_f1_benefit_recipient_goes_to_geregelde_betaling_even_with_a_provider():
    assert rules.first_track(benefit_recipient=True, auto_route=True, district_provider=5) == (
        "F1",
        rules.GEREGELDE_BETALING,
        None,
    )


def test_f2_automatic_routing_to_the_districts_provider():
    assert rules.first_track(benefit_recipient=False, auto_route=True, district_provider=5) == (
        "F2",
        rules.VROEG_EROPAF,
        5,
    )


@pytest.mark.parametrize(("auto", "provider"), [(False, 5), (True, None)])
def test_f3_otherwise_regie_triages(auto, provider):
    assert rules.first_track(
        benefit_recipient=False, auto_route=auto, district_provider=provider
    ) == ("F3", "", None)


# --- natural persons: N1–N2 ----------------------------------------------------------------


def persons(surname="Jansen", co="", born=None, given=False):
    return rules.natural_persons(
        surname=surname, co_tenant_surname=co, co_tenant_birth_date=born, co_tenant_given=given
    )


def test_n1_a_contract_in_a_companys_name_is_refused_with_a_clear_message():
    problems = persons("Jansen Beheer B.V.")
    assert (
        problems["achternaam"][0] == "N1" and "bedrijf of instelling" in problems["achternaam"][1]
    )
    assert persons("Jansen") == {}
    assert (
        persons(co="Stichting Thuis", born=TODAY, given=True)["medehuurder_achternaam"][0] == "N1"
    )


def test_n2_a_co_tenant_needs_surname_and_birth_date():
    assert set(persons(given=True)) == {"medehuurder_achternaam", "medehuurder_geboortedatum"}
    assert persons(co="Visser", born=date(1980, 1, 1), given=True) == {}
