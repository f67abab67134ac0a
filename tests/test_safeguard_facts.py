"""The selector turns the records of all participants into facts for the rules (issue #4)."""

from datetime import timedelta

import pytest
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from meldpunt.safeguards.rules import bailiff_check, eviction_check
from meldpunt.safeguards.selectors import current_config, facts_for_tenancy

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
    return facts_for_tenancy(tenancy=signal.tenancy, landlord=covenant[landlord], today=today)


def test_payment_plan_is_kept_only_after_a_kept_event_and_until_broken(
    signal, users, covenant, today
):
    plan = landlord_instrument_record(
        tenancy_id=signal.tenancy_id, by=users["eigen-haard"],
        instrument=Instrument.objects.get(code="betalingsregeling-verhuurder"),
        deployed_on=today - timedelta(days=30), first_due_on=today - timedelta(days=16),
        agreements="6 termijnen van 200 euro",
    )  # fmt: skip
    [fact] = facts(signal, covenant, today).instruments
    assert fact.id == f"instrument:{plan.public_id}" and not fact.currently_kept
    assert fact.deployer_type == "partner" and fact.by == "de verhuurder"
    assert fact.terms_recorded and fact.first_due_on == today - timedelta(days=16)
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
    assert [r.by for r in own.refusals] == ["een uitvoerder"]
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


# --- facts per tenancy: a property ----------------------------------------------------------

A_EVENTS = ["refusal", "attempt", "home_visit", "provider_plan", "landlord_plan", "broken", "kept"]


def _apply(kind: str, signal, users, today, n: int) -> None:
    """One event in the history of the tenant of ``signal``, by whoever records it."""
    from meldpunt.cases.models import InstrumentDeployment

    centram, landlord = users["centram"], users["eigen-haard"]
    if kind == "refusal":
        instrument_event_record(case_id=signal.case_id, by=centram, kind="geweigerd", on=today)
    elif kind in ("attempt", "home_visit"):
        contact_attempt_record(
            case_id=signal.case_id, by=centram, on=today - timedelta(days=n % 5),
            kind="Huisbezoek" if kind == "home_visit" else "Telefoon", reached=False,
            part_of_day="Middag",
        )  # fmt: skip
    elif kind == "provider_plan":
        instrument_deploy(case_id=signal.case_id, by=centram,
                          instrument=Instrument.objects.get(code="budgetbeheer"),
                          deployed_on=today - timedelta(days=20),
                          first_due_on=today - timedelta(days=10))  # fmt: skip
    elif kind == "landlord_plan":
        landlord_instrument_record(
            tenancy_id=signal.tenancy_id, by=landlord,
            instrument=Instrument.objects.get(code="betalingsregeling-verhuurder"),
            deployed_on=today - timedelta(days=30), first_due_on=today - timedelta(days=15),
            agreements="5 termijnen",
        )  # fmt: skip
    else:  # broken / kept: on the tenant's latest instrument, by whoever deployed it
        latest = (
            InstrumentDeployment.objects.filter(
                models.Q(case_id=signal.case_id) | models.Q(tenancy_id=signal.tenancy_id)
            )
            .select_related("organisation")
            .order_by("-id")
            .first()
        )
        if latest is None:
            return
        what = "verbroken" if kind == "broken" else "nagekomen"
        if latest.organisation.is_partner:
            landlord_instrument_event_record(deployment_id=latest.pk, by=landlord, kind=what,
                                             on=today)  # fmt: skip
        else:
            instrument_event_record(case_id=signal.case_id, by=centram, kind=what, on=today,
                                    deployment_id=latest.pk)  # fmt: skip


def _answers(signal, covenant, today):
    current = facts(signal, covenant, today)
    return [
        (a.outcome, a.rows, a.fact_ids, a.listed)
        for a in (bailiff_check(current), eviction_check(current))
    ]


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    a_events=st.lists(st.sampled_from(A_EVENTS), min_size=1, max_size=6),
    b_events=st.lists(st.sampled_from(A_EVENTS), max_size=4),
)
def test_tenant_bs_answers_never_change_with_tenant_as_events(
    covenant, users, today, a_events, b_events
):
    """Two tenants at one address (the previous and the next, or two households): whatever is
    recorded for A, the answers for B stay exactly what B's own history gives."""
    with transaction.atomic():
        a = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                          raw=signal_data(partner_referentie="A", achternaam="Eerstehuurder",
                                          geboortedatum="1950-01-01"))  # fmt: skip
        b = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                          raw=signal_data(partner_referentie="B", achternaam="Tweedehuurder",
                                          geboortedatum="1999-01-01"))  # fmt: skip
        assert a.household_index == b.household_index and a.case_id != b.case_id
        for n, kind in enumerate(b_events):
            _apply(kind, b, users, today, n)
        before = _answers(b, covenant, today)
        for n, kind in enumerate(a_events):
            _apply(kind, a, users, today, n)
        assert _answers(b, covenant, today) == before
        transaction.set_rollback(True)
