"""The Sluitende Aanpak decision table, row by row, positive and negative (issue #4).

Pure facts in, answer out: no database. Row codes are those of sluitende-aanpak.md.
"""

from datetime import date, timedelta

from meldpunt.safeguards.rules import (
    ALLOWED,
    NOT_ALLOWED,
    REFUSED,
    AttemptFact,
    Config,
    EventFact,
    Facts,
    InstrumentFact,
    bailiff_check,
    eviction_check,
    months_before,
)

TODAY = date(2026, 11, 26)


def day(n: int) -> date:
    return TODAY - timedelta(days=n)


def instrument(
    id="i1", deployer_type="partner", on=None, kept=False, name="Betalingsregeling", **kw
):
    """By default a demonstrable plan: terms recorded, first due date two weeks after it."""
    on = on or day(30)
    return InstrumentFact(
        id=id,
        name=name,
        category="betalingsregeling",
        deployer_type=deployer_type,
        deployed_on=on,
        currently_kept=kept,
        has_agreements=kw.get("has_agreements", True),
        first_due_on=kw.get("first_due_on", on + timedelta(days=14)),
        terms_recorded=kw.get("terms_recorded", True),
        ended=kw.get("ended", False),
    )


def attempts(*kinds_days, reached=False):
    return tuple(
        AttemptFact(id=f"a{n}", kind=kind, on=day(d), reached=reached)
        for n, (kind, d) in enumerate(kinds_days)
    )


OUTREACH_MET = attempts(("Telefoon", 20), ("Brief", 15), ("Huisbezoek", 10))


def facts(**kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("is_landlords_tenant", True)
    kw.setdefault("has_signal", True)
    return Facts(**kw)


# --- bailiff ------------------------------------------------------------------------------


def test_b1_nothing_at_all_is_not_allowed():
    answer = bailiff_check(facts(has_signal=False))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B1",)
    assert "Meld een signaal" in answer.explanation


def test_b1_negative_any_instrument_lifts_it():
    assert bailiff_check(facts(instruments=(instrument(),))).outcome == ALLOWED


def test_b2_landlords_own_payment_plan_allows():
    answer = bailiff_check(facts(instruments=(instrument(),)))
    assert answer.outcome == ALLOWED and answer.rows == ("B2",)
    assert answer.fact_ids == ("i1",)
    assert answer.listed[0].label == "Betalingsregeling"


def test_b2_negative_plan_of_13_months_ago_does_not_count():
    old = instrument(on=months_before(TODAY, 13))
    assert bailiff_check(facts(instruments=(old,))).outcome == NOT_ALLOWED


def test_b2_plan_dated_in_the_future_does_not_count():
    assert bailiff_check(facts(instruments=(instrument(on=day(-3)),))).outcome == NOT_ALLOWED


def test_b3_two_attempts_is_not_allowed_and_says_what_is_missing():
    answer = bailiff_check(facts(attempts=attempts(("Telefoon", 5), ("Brief", 3))))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B3",)
    assert "2 van 3 contactpogingen" in answer.explanation
    assert "huisbezoek ontbreekt" in answer.explanation


def test_b3_negative_three_attempts_on_one_day_is_still_not_enough():
    same_day = attempts(("Telefoon", 5), ("Huisbezoek", 5), ("Kaartje", 5))
    answer = bailiff_check(facts(attempts=same_day))
    assert answer.rows == ("B3",) and "op 1 van 3 verschillende dagen" in answer.explanation


def test_b3_three_days_without_home_visit_is_not_enough():
    answer = bailiff_check(facts(attempts=attempts(("Telefoon", 5), ("Brief", 4), ("Mail", 3))))
    assert answer.outcome == NOT_ALLOWED and "huisbezoek ontbreekt" in answer.explanation


def test_b4_outreach_met_without_reaching_allows_and_lists_attempts():
    answer = bailiff_check(facts(attempts=OUTREACH_MET))
    assert answer.outcome == ALLOWED and answer.rows == ("B4",)
    assert set(answer.fact_ids) == {"a0", "a1", "a2"}
    assert [x.label for x in answer.listed if x.kind == "attempt"] == [
        "Telefoon",
        "Brief",
        "Huisbezoek",
    ]


def test_b4_negative_config_demands_more_attempts():
    answer = bailiff_check(facts(attempts=OUTREACH_MET), Config(min_attempts=4))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B3",)


def test_b5_provider_instrument_allows():
    answer = bailiff_check(facts(instruments=(instrument(deployer_type="uitvoerder"),)))
    assert answer.outcome == ALLOWED and answer.rows == ("B5",)
    assert "door een uitvoerder op" in answer.explanation  # its kind, never its name
    assert answer.listed[0].by == "een uitvoerder"


def test_b5_negative_provider_instrument_too_old():
    old = instrument(deployer_type="uitvoerder", on=months_before(TODAY, 12) - timedelta(days=1))
    answer = bailiff_check(facts(instruments=(old,)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B6",)


def test_b6_only_old_instrument_is_not_allowed():
    answer = bailiff_check(facts(instruments=(instrument(on=day(400)),)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B6",)
    assert "ouder dan 12 maanden" in answer.explanation


def test_b6_negative_exactly_12_months_still_counts():
    answer = bailiff_check(facts(instruments=(instrument(on=months_before(TODAY, 12)),)))
    assert answer.outcome == ALLOWED


def test_b6_config_of_24_months_makes_it_count():
    answer = bailiff_check(facts(instruments=(instrument(on=day(400)),)), Config(max_age_months=24))
    assert answer.outcome == ALLOWED


def test_b7_kept_agreement_blocks_bailiff_before_b2_b5():
    plan = instrument(kept=True)
    other = instrument(id="i2", deployer_type="uitvoerder")
    answer = bailiff_check(facts(instruments=(plan, other), attempts=OUTREACH_MET))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B7",)
    assert "art. 2.2" in answer.explanation and answer.fact_ids == ("i1",)


def test_b7_negative_once_broken_it_is_allowed_again():
    answer = bailiff_check(facts(instruments=(instrument(kept=False),)))
    assert answer.outcome == ALLOWED


# --- eviction ------------------------------------------------------------------------------


def test_e1_nothing_recorded_is_not_allowed():
    answer = eviction_check(facts(instruments=(instrument(),)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E1",)


def test_e1_negative_a_refusal_changes_it():
    refusal = EventFact(id="r1", on=day(3), recorder_type="uitvoerder")
    assert eviction_check(facts(refusals=(refusal,))).rows == ("E3",)


def test_e2_only_unreachable_is_not_allowed():
    answer = eviction_check(facts(attempts=OUTREACH_MET))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E2",)
    assert "onbereikbaarheid is geen weigering" in answer.explanation
    assert bailiff_check(facts(attempts=OUTREACH_MET)).outcome == ALLOWED  # B4 is open


def test_e2_negative_reached_tenant_is_plain_e1():
    answer = eviction_check(
        facts(attempts=attempts(("Telefoon", 20), ("Brief", 15), ("Huisbezoek", 10), reached=True))
    )
    assert answer.rows == ("E1",)


def test_e3_refusal_allows_and_lists_it():
    refusal = EventFact(id="r1", on=day(3), recorder_type="uitvoerder")
    answer = eviction_check(facts(refusals=(refusal,)))
    assert answer.outcome == ALLOWED and answer.rows == ("E3",) and answer.fact_ids == ("r1",)
    assert answer.listed[0].by == "een uitvoerder"


def test_e3_negative_config_asks_two_refusals():
    refusal = EventFact(id="r1", on=day(3), recorder_type="uitvoerder")
    answer = eviction_check(facts(refusals=(refusal,)), Config(min_refusals=2))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E1",)


def test_e4_broken_agreement_allows():
    broken = EventFact(
        id="e1",
        on=day(5),
        recorder_type="partner",
        instrument_id="i1",
        instrument_name="Betalingsregeling",
        due_on=day(46),
    )
    answer = eviction_check(facts(instruments=(instrument(on=day(60)),), broken=(broken,)))
    assert answer.outcome == ALLOWED and answer.rows == ("E4",)
    assert set(answer.fact_ids) == {"e1", "i1"}


def test_e4_negative_broken_long_ago_does_not_count():
    broken = EventFact(id="e1", on=day(500), recorder_type="partner", instrument_id="i1",
                       due_on=day(520))  # fmt: skip
    assert eviction_check(facts(broken=(broken,))).outcome == NOT_ALLOWED


def test_e5_later_kept_instrument_blocks_eviction():
    broken = EventFact(id="e1", on=day(40), recorder_type="partner", instrument_id="i1",
                       due_on=day(45))  # fmt: skip
    later = instrument(id="i2", deployer_type="gemeente", on=day(20), kept=True)
    answer = eviction_check(facts(instruments=(later,), broken=(broken,)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E5",)


def test_e5_negative_kept_instrument_from_before_the_breach_does_not_block():
    broken = EventFact(id="e1", on=day(10), recorder_type="partner", instrument_id="i1",
                       due_on=day(15))  # fmt: skip
    earlier = instrument(id="i2", deployer_type="gemeente", on=day(20), kept=True)
    answer = eviction_check(facts(instruments=(earlier,), broken=(broken,)))
    assert answer.outcome == ALLOWED and answer.rows == ("E4",)


def test_e6_weighty_ground_with_justification_allows():
    answer = eviction_check(facts(weighty_ground="woonfraude", justification="Zie rapport"))
    assert answer.outcome == ALLOWED and answer.rows == ("E6",)
    assert "gesteld door de verhuurder" in answer.explanation


def test_e6_negative_unknown_ground_is_not_a_weighty_ground():
    answer = eviction_check(facts(weighty_ground="huurschuld", justification="veel schuld"))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E1",)


def test_e7_weighty_ground_without_justification_is_not_allowed():
    answer = eviction_check(facts(weighty_ground="overlast", justification="   "))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E7",)
    assert "onderbouwing ontbreekt" in answer.explanation


def test_e7_negative_with_justification_it_is_e6():
    answer = eviction_check(facts(weighty_ground="overlast", justification="3 jaar meldingen"))
    assert answer.rows == ("E6",)


def test_e8_not_the_landlords_tenant_is_refused_for_both_questions():
    for check in (bailiff_check, eviction_check):
        answer = check(
            facts(
                is_landlords_tenant=False,
                instruments=(instrument(),),
                weighty_ground="woonfraude",
                justification="x",
            )
        )
        assert answer.outcome == REFUSED and answer.rows == ("E8",)
        assert answer.fact_ids == () and answer.listed == ()


def test_e8_negative_own_tenant_is_answered():
    assert eviction_check(facts(is_landlords_tenant=True)).outcome == NOT_ALLOWED


# --- demonstrable facts (docs/adr/0009): B8, B7 before the first due date, E9 --------------


def test_b8_own_plan_without_terms_does_not_count():
    answer = bailiff_check(facts(instruments=(instrument(terms_recorded=False),)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B8",)
    assert "eerste vervaldatum" in answer.explanation


def test_b8_own_plan_without_first_due_date_does_not_count():
    answer = bailiff_check(facts(instruments=(instrument(first_due_on=None),)))
    assert answer.rows == ("B8",)


def test_b8_negative_with_terms_and_due_date_it_counts_and_config_can_switch_it_off():
    assert bailiff_check(facts(instruments=(instrument(),))).rows == ("B2",)
    lenient = Config(landlord_needs_terms=False)
    assert bailiff_check(facts(instruments=(instrument(first_due_on=None),)), lenient).rows == (
        "B2",
    )


def test_b8_negative_a_providers_instrument_needs_no_landlord_terms():
    provider = instrument(deployer_type="uitvoerder", terms_recorded=False)
    assert bailiff_check(facts(instruments=(provider,))).rows == ("B5",)


def test_b7_a_plan_just_recorded_runs_until_its_first_due_date():
    """Tried as a landlord: a plan recorded today gave a verklaring one click later."""
    fresh = instrument(on=TODAY, first_due_on=TODAY + timedelta(days=14))
    answer = bailiff_check(facts(instruments=(fresh,)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("B7",)
    assert "eerste vervaldatum" in answer.explanation


def test_b7_negative_once_the_first_due_date_passed_without_news_b2_applies():
    passed = instrument(on=day(20), first_due_on=day(6))
    assert bailiff_check(facts(instruments=(passed,))).rows == ("B2",)
    ended = instrument(on=TODAY, first_due_on=TODAY + timedelta(days=14), ended=True)
    assert bailiff_check(facts(instruments=(ended,))).rows == ("B2",)
    off = Config(pending_until_first_due=False)
    fresh = instrument(on=TODAY, first_due_on=TODAY + timedelta(days=14))
    assert bailiff_check(facts(instruments=(fresh,)), off).rows == ("B2",)


def test_e9_broken_on_the_day_of_deployment_does_not_allow_eviction():
    """Tried as a landlord: eviction was allowed the day a plan was deployed and marked broken."""
    plan = instrument(on=TODAY, first_due_on=TODAY + timedelta(days=14))
    broken = EventFact(id="e1", on=TODAY, recorder_type="partner", instrument_id="i1",
                       instrument_name="Betalingsregeling", due_on=plan.first_due_on)  # fmt: skip
    answer = eviction_check(facts(instruments=(plan,), broken=(broken,)))
    assert answer.outcome == NOT_ALLOWED and answer.rows == ("E9",)
    assert "gemiste vervaldatum" in answer.explanation


def test_e9_broken_without_any_due_date_does_not_count():
    broken = EventFact(id="e1", on=day(5), recorder_type="uitvoerder", instrument_id="i1")
    assert eviction_check(facts(broken=(broken,))).rows == ("E9",)


def test_e9_negative_broken_on_the_due_date_counts_and_config_can_switch_it_off():
    on_due = EventFact(id="e1", on=day(5), recorder_type="partner", instrument_id="i1",
                       due_on=day(5))  # fmt: skip
    assert eviction_check(facts(broken=(on_due,))).rows == ("E4",)
    early = EventFact(id="e2", on=day(5), recorder_type="partner", instrument_id="i1")
    assert eviction_check(facts(broken=(early,)), Config(broken_needs_missed_due=False)).rows == (
        "E4",
    )


def test_answers_name_the_kind_of_participant_never_an_organisation():
    refusal = EventFact(id="r1", on=day(3), recorder_type="uitvoerder")
    plan = instrument(id="i2", deployer_type="gemeente", on=day(90))
    for answer in (
        eviction_check(facts(refusals=(refusal,))),
        bailiff_check(facts(instruments=(plan,))),
    ):
        assert {line.by for line in answer.listed} <= {"de verhuurder", "de gemeente",
                                                         "een uitvoerder", ""}  # fmt: skip


def test_months_before_handles_month_ends():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
