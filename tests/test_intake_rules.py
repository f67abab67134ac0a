"""Intake rules: exactly once, target group, registers, matching and repeats (issue #3)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from meldpunt.cases.models import Case, Signal, Track
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.models import ConfigurationChange
from meldpunt.intake.models import IntakeConfiguration
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import Municipality
from meldpunt.privacy.keys import person_key
from meldpunt.registries.models import LocalRegistryRecord

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def amsterdam_rent() -> IntakeConfiguration:
    """The thresholds Amsterdam set for landlords (the kind of partner Huur)."""
    return IntakeConfiguration.current(Municipality.objects.get(code="0363").pk, "Huur")


def submit(covenant, partner="eigen-haard", **overrides):
    return signal_submit(partner=covenant[partner], submitted_by=None, raw=signal_data(**overrides))


# --- exactly once --------------------------------------------------------------------------


def test_the_same_signal_twice_is_stored_once(covenant):
    first = submit(covenant)
    second = submit(covenant)
    assert first.pk == second.pk
    assert Signal.objects.count() == 1


def test_same_reference_with_another_amount_is_a_new_signal(covenant):
    submit(covenant)
    submit(covenant, achterstand_bedrag="2000")
    assert Signal.objects.count() == 2


def test_two_landlords_may_use_the_same_reference(covenant):
    submit(covenant, partner="eigen-haard")
    submit(covenant, partner="ymere", postcode="1021 JK")
    assert Signal.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_submissions_create_one_signal(covenant):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(submit(covenant).public_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Signal.objects.count() == 1
    assert Case.objects.count() == 1


# --- target group (art. 4) -----------------------------------------------------------------


def test_below_the_minimum_amount_is_not_taken_up(covenant):
    signal = submit(covenant, achterstand_bedrag="50,00")
    assert signal.status == SignalStatus.UNJUSTIFIED and signal.case is None


def test_less_than_two_months_without_other_reason_is_not_taken_up(covenant):
    signal = submit(
        covenant, achterstand_bedrag="1000", maandhuur="750", onbereikbaar_in_incasso="nee"
    )
    assert signal.status == SignalStatus.UNJUSTIFIED


@pytest.mark.parametrize(
    "overrides",
    [
        {"achterstand_bedrag": "1500", "maandhuur": "750", "onbereikbaar_in_incasso": "nee"},
        {"achterstand_bedrag": "300", "maandhuur": "750", "onbereikbaar_in_incasso": "ja"},
        {
            "achterstand_bedrag": "300",
            "maandhuur": "750",
            "onbereikbaar_in_incasso": "nee",
            "meerdere_problemen": "ja",
        },
        {"achterstand_bedrag": "300", "maandhuur": "", "onbereikbaar_in_incasso": "nee"},
    ],
)
def test_in_the_target_group(covenant, overrides):
    signal = submit(covenant, **overrides)
    assert signal.status == SignalStatus.NOT_YET_PICKED_UP and signal.case is not None


def test_thresholds_are_configuration(covenant):
    config = amsterdam_rent()
    config.minimum_amount = Decimal("2000")
    config.save()
    assert submit(covenant).status == SignalStatus.UNJUSTIFIED


# --- registers and triage ------------------------------------------------------------------


def _register(surname: str, birth: str, **fields):
    LocalRegistryRecord.objects.create(
        person_index=person_key(surname, "", date.fromisoformat(birth)), **fields
    )


def test_deceased_person_is_not_taken_up(covenant):
    _register("Testpersoon", "1980-05-17", status="overleden")
    signal = submit(covenant)
    assert signal.status == SignalStatus.DECEASED and signal.case is None


def test_person_who_left_the_municipality_is_not_taken_up(covenant):
    _register("testpersoon", "1980-05-17", status="vertrokken")
    assert submit(covenant).status == SignalStatus.NOT_A_RESIDENT


def test_benefit_recipient_goes_to_geregelde_betaling(covenant):
    _register("Testpersoon", "1980-05-17", benefit_recipient=True)
    case = submit(covenant).case
    assert case.track == Track.GEREGELDE_BETALING and case.provider is None
    assert case.status == CaseStatus.ASSIGNED and "Geregelde betaling" in case.routing_reason


@pytest.mark.parametrize("benefit_first", [True, False])
def test_one_batch_with_geregelde_betaling_and_routed_cases_keeps_each_case_its_own(
    covenant, benefit_first
):
    """New cases of one batch differ in which columns they set; none may borrow another's."""
    from meldpunt.intake.pipeline import IntakeRun

    _register("Uitkering", "1970-01-01", benefit_recipient=True)
    benefit = signal_data(partner_referentie="GB-1", achternaam="Uitkering",
                          geboortedatum="1970-01-01", huisnummer="1")  # fmt: skip
    routed = [
        signal_data(
            partner_referentie=f"R-{n}", achternaam=f"Routed{'abc'[n]}", huisnummer=str(10 + n)
        )
        for n in range(3)
    ]
    rows = [benefit, *routed] if benefit_first else [*routed, benefit]
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    outcomes = run.process(list(enumerate(rows, start=1)))
    assert [o.status for o in outcomes] == ["accepted"] * 4
    gb = Case.objects.get(track=Track.GEREGELDE_BETALING)
    assert gb.provider is None and gb.status == CaseStatus.ASSIGNED
    others = Case.objects.exclude(pk=gb.pk)
    assert others.count() == 3
    for case in others:
        assert case.track == Track.VROEG_EROPAF and case.provider == covenant["centram"]
        assert case.status == CaseStatus.ASSIGNED and case.assigned_at is not None


def test_automatic_routing_can_be_switched_off(covenant):
    config = amsterdam_rent()
    config.auto_route = False
    config.save()
    case = submit(covenant).case
    assert case.status == CaseStatus.RECEIVED and case.provider is None


def test_postcode_exception_overrides_the_range(covenant):
    from meldpunt.organisations.models import District, PostcodeException

    PostcodeException.objects.create(postcode="1012LG", district=District.objects.get(name="Noord"))
    case = submit(covenant).case
    assert case.district.name == "Noord" and case.provider == covenant["doras"]
    assert "uitzondering" in case.routing_reason


# --- matching and repeats ------------------------------------------------------------------


def test_repeat_with_no_higher_amount_is_closed_as_repeat(covenant):
    first = submit(covenant, partner_referentie="A", achterstand_bedrag="1500")
    repeat = submit(covenant, partner_referentie="B", achterstand_bedrag="1500")
    assert repeat.status == SignalStatus.REPEAT and repeat.case == first.case
    lower = submit(covenant, partner_referentie="C", achterstand_bedrag="1400")
    assert lower.status == SignalStatus.REPEAT


def test_repeat_with_a_higher_amount_is_picked_up_in_the_same_case(covenant):
    first = submit(covenant, partner_referentie="A", achterstand_bedrag="1500")
    higher = submit(covenant, partner_referentie="B", achterstand_bedrag="1800")
    assert higher.status == SignalStatus.NOT_YET_PICKED_UP and higher.case == first.case
    assert Case.objects.count() == 1


def test_other_people_at_other_addresses_have_other_cases(covenant):
    a = submit(covenant)
    b = submit(covenant, partner_referentie="X", achternaam="Buurvrouw", huisnummer="14")
    c = submit(covenant, partner_referentie="Y", achternaam="Bovenbuur", huisnummertoevoeging="2")
    assert len({a.case_id, b.case_id, c.case_id}) == 3


def test_closed_case_is_not_reopened_by_a_new_signal(covenant):
    first = submit(covenant)
    Case.objects.filter(pk=first.case_id).update(status=CaseStatus.CLOSED)
    second = submit(covenant, partner_referentie="NEW", achterstand_bedrag="3000")
    assert second.case_id != first.case_id


def test_crisis_signal_marks_the_existing_case(covenant):
    first = submit(covenant)
    submit(covenant, partner_referentie="Z", achterstand_bedrag="2000", crisissignaal="ja")
    first.case.refresh_from_db()
    assert first.case.crisis


def test_every_decision_is_recorded_with_its_reason(covenant):
    assert "minimumbedrag" in submit(covenant, achterstand_bedrag="50").decision
    picked = submit(covenant, partner_referentie="P")
    assert "opgenomen in zaak" in picked.decision and "CentraM" in picked.decision
    repeat = submit(covenant, partner_referentie="Q")
    assert repeat.decision.startswith("herhaalde melding")
    _register("Testpersoon", "1980-05-17", status="overleden")
    assert "overleden" in submit(covenant, partner_referentie="R", huisnummer="99").decision


def test_functioneel_beheer_changes_thresholds_and_the_change_is_recorded(clients, users):
    from django.urls import reverse

    url = reverse("intake:configuration")
    assert clients["regie"].get(url).status_code == 403
    response = clients["beheer"].post(
        url,
        {
            "months_of_arrears": "3",
            "minimum_amount": "100",
            "repeat_window_days": "92",
            "auto_route": "on",
        },
    )
    assert response.status_code == 302
    config = amsterdam_rent()
    assert config.months_of_arrears == 3 and config.minimum_amount == 100
    changes = {
        c.setting: (c.old_value, c.new_value, c.by, c.scope)
        for c in ConfigurationChange.objects.all()
    }
    assert changes["Huur: minimum_amount"] == ("75.00", "100", users["beheer"], "0363")
    assert "Huur: repeat_window_days" not in changes
    bad = clients["beheer"].post(
        url, {"months_of_arrears": "-1", "minimum_amount": "x", "repeat_window_days": "0"}
    )
    assert bad.status_code == 400
    assert amsterdam_rent().minimum_amount == 100
