"""The selector turns the records of all participants into facts for the rules (issue #4)."""

from datetime import timedelta

import pytest

from meldpunt.accounts.services import user_create
from meldpunt.cases.models import Instrument, Track
from meldpunt.cases.services import (
    case_assign,
    contact_attempt_record,
    instrument_deploy,
    instrument_end,
    instrument_event_record,
    landlord_instrument_event_record,
    landlord_instrument_record,
)
from meldpunt.intake.services import signal_submit
from meldpunt.safeguards.models import RuleConfig
from meldpunt.safeguards.rules import bailiff_check
from meldpunt.safeguards.selectors import current_config, facts_for_household

from .conftest import PASSWORD, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(covenant, users):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    return signal


def facts(signal, covenant, today, landlord="eigen-haard"):
    return facts_for_household(household_index=signal.household_index,
                               landlord=covenant[landlord], today=today)  # fmt: skip


def test_payment_plan_is_kept_only_after_a_kept_event_and_until_broken(
    signal, users, covenant, today
):
    plan = landlord_instrument_record(
        signal_id=signal.pk, by=users["eigen-haard"],
        instrument=Instrument.objects.get(code="betalingsregeling-verhuurder"),
        deployed_on=today - timedelta(days=30),
    )  # fmt: skip
    [fact] = facts(signal, covenant, today).instruments
    assert fact.id == f"instrument:{plan.public_id}" and not fact.currently_kept
    assert fact.deployer == "Eigen Haard" and fact.deployer_type == "partner"
    landlord_instrument_event_record(deployment_id=plan.pk, by=users["eigen-haard"],
                                     kind="nagekomen", on=today - timedelta(days=10))  # fmt: skip
    assert facts(signal, covenant, today).instruments[0].currently_kept
    assert bailiff_check(facts(signal, covenant, today)).rows == ("B7",)
    landlord_instrument_event_record(deployment_id=plan.pk, by=users["eigen-haard"],
                                     kind="verbroken", on=today)  # fmt: skip
    current = facts(signal, covenant, today)
    assert not current.instruments[0].currently_kept
    assert [b.instrument_id for b in current.broken] == [fact.id]
    assert bailiff_check(current).rows == ("B2",)


def test_geregelde_betaling_is_kept_while_running(covenant, users, today):
    consultant = user_create(email="i@test.example", organisation=covenant["gemeente-amsterdam"],
                             roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=None, track=Track.GEREGELDE_BETALING,
                by=users["regie"])  # fmt: skip
    gb = instrument_deploy(case_id=signal.case_id, by=consultant,
                           instrument=Instrument.objects.get(code="geregelde-betaling"),
                           deployed_on=today - timedelta(days=60), monthly_amount="500")  # fmt: skip
    assert facts(signal, covenant, today).instruments[0].currently_kept
    instrument_end(deployment_id=gb.pk, by=consultant, on=today)
    assert not facts(signal, covenant, today).instruments[0].currently_kept


def test_attempts_refusals_and_tenancy_come_from_every_participant(signal, users, covenant, today):
    contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind="Huisbezoek",
                           reached=False, on=today, part_of_day="Middag")  # fmt: skip
    instrument_event_record(case_id=signal.case_id, by=users["centram"], kind="geweigerd",
                            on=today)  # fmt: skip
    own = facts(signal, covenant, today)
    assert own.is_landlords_tenant and own.has_signal
    assert [a.kind for a in own.attempts] == ["Huisbezoek"]
    assert [r.recorded_by for r in own.refusals] == ["CentraM"]
    assert not facts(signal, covenant, today, landlord="ymere").is_landlords_tenant


def test_configuration_is_append_only_history_and_newest_wins(users):
    assert current_config().min_attempts == 3
    RuleConfig.objects.create(min_attempts=4, changed_by=users["beheer"])
    RuleConfig.objects.create(min_attempts=5, changed_by=users["beheer"])
    assert current_config().min_attempts == 5
    assert RuleConfig.objects.count() == 2


def test_functioneel_beheer_changes_the_rules_on_screen(clients, users):
    from django.urls import reverse

    url = reverse("safeguards:rule-config")
    assert clients["regie"].get(url).status_code == 403
    assert clients["eigen-haard"].get(url).status_code == 403
    assert clients["beheer"].get(url).status_code == 200
    values = {"max_age_months": 12, "min_attempts": 2, "min_days": 3, "min_home_visits": 1,
              "min_refusals": 1}  # fmt: skip
    response = clients["beheer"].post(url, values)
    assert response.status_code == 400
    assert "niet meer dagen" in response.content.decode()
    assert not RuleConfig.objects.exists()
    response = clients["beheer"].post(url, {**values, "min_attempts": 4, "min_days": 3})
    assert response.status_code == 302
    row = RuleConfig.objects.get()
    assert row.changed_by == users["beheer"] and current_config().min_attempts == 4
