"""One feedback contract for every partner (domain.md step 9, issue #13).

Everything a partner sees about a signal — the signal list, the feedback page, both APIs, the
check's explanation and the verklaring — comes from ``cases.feedback``; a partner whose signal
lands in a case that another partner's signal opened learns nothing about that case.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from meldpunt.accounts.services import api_token_create
from meldpunt.cases.feedback import signal_feedback
from meldpunt.cases.models import Instrument, Signal, Track
from meldpunt.cases.services import (
    case_assign,
    case_close,
    case_pick_up,
    contact_attempt_record,
    instrument_deploy,
    instrument_event_record,
)
from meldpunt.intake.services import signal_submit
from meldpunt.safeguards import rules
from meldpunt.safeguards.models import Attestation

from .conftest import shows, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_case(covenant, users, today):
    """Eigen Haard's tenant: a case picked up by CentraM, budget management deployed, a refusal
    and a broken agreement recorded, a home visit; Eigen Haard asked both checks."""
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(partner_referentie="EH-1"))  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=users["centram"], on=today - timedelta(days=20))
    contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind="Huisbezoek",
                           reached=True, on=today - timedelta(days=19), part_of_day="Middag")  # fmt: skip
    deployment = instrument_deploy(
        case_id=signal.case_id, by=users["centram"],
        instrument=Instrument.objects.get(code="budgetcoaching"),
        deployed_on=today - timedelta(days=15),
    )  # fmt: skip
    instrument_event_record(case_id=signal.case_id, by=users["centram"], kind="geweigerd",
                            on=today - timedelta(days=5), deployment_id=deployment.pk)  # fmt: skip
    return Signal.objects.get(pk=signal.pk)


def _probe(covenant, users, **overrides):
    """Ymere signals the same address (the probe of issue #13)."""
    return signal_submit(partner=covenant["ymere"], submitted_by=users["ymere"],
                         raw=signal_data(partner_referentie="YM-PROBE", **overrides))  # fmt: skip


# The other case's organisations, instrument (name and category), attempt, refusal and reference.
SECRETS = ("Eigen Haard", "CentraM", "Budgetcoaching", "-coaching en -beheer", "Huisbezoek", "EH-1",
           "Weigert medewerking", "geweigerd")  # fmt: skip


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if shows(text, s)]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="same-person"),
        pytest.param({"achternaam": "Anderpersoon", "voorletters": "Z."}, id="other-person"),
    ],
)
def test_the_shared_address_probe_reveals_nothing(first_case, covenant, users, clients, overrides):
    probe = _probe(covenant, users, **overrides)
    ymere = clients["ymere"]
    assert signal_feedback(probe).stage == "Ontvangen"

    pages = {
        "signal list": ymere.get(reverse("intake:signal-list")),
        "feedback page": ymere.get(reverse("cases:landlord-signal", args=[probe.public_id])),
    }
    if probe.tenancy_id:
        pages["tenancy"] = ymere.get(reverse("safeguards:tenancy", args=[probe.tenancy.public_id]))
        for question in ("deurwaarder", "ontruiming"):
            pages[f"check {question}"] = ymere.post(
                reverse("safeguards:check-ask", args=[probe.public_id, question]), follow=True
            )
    _token, key = api_token_create(organisation=covenant["ymere"], name="probe")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    pages["api detail"] = ymere.get(reverse("api-v1:signal-detail", args=[probe.public_id]), **auth)
    pages["api feedback"] = ymere.get(
        reverse("api-v1:signal-feedback", args=[probe.public_id]), **auth
    )
    for question in ("deurwaarder", "ontruiming"):
        pages[f"api check {question}"] = ymere.post(
            reverse("api-v1:safeguard-check", args=[probe.public_id, question]),
            data={},
            content_type="application/json",
            **auth,
        )
    for name, response in pages.items():
        assert response.status_code in (200, 201), (name, response.status_code)
        assert _leaks(response.content.decode()) == [], name
    assert pages["api detail"].json()["status"] == "Ontvangen"
    assert pages["api feedback"].json()["stand"] == "Ontvangen"
    assert pages["api feedback"].json()["opgepakt"] is None
    # No verklaring rests on the other case's instruments or refusals.
    assert not Attestation.objects.filter(check_record__organisation=covenant["ymere"]).exists()


def test_the_first_partner_still_sees_its_own_case(first_case, covenant, users, clients):
    _probe(covenant, users)
    feedback = signal_feedback(first_case)
    assert feedback.stage == "Instrument ingezet"
    assert [c for c, _on in feedback.instruments] == ["Budgetadvies, -coaching en -beheer"]
    page = clients["eigen-haard"].get(reverse("intake:signal-list")).content.decode()
    assert shows(page, "Instrument ingezet")


def test_the_signal_list_follows_the_case_to_closed(first_case, covenant, users, clients, today):
    case_close(case_id=first_case.case_id, by=users["centram"],
               end_result="Vervolghulp en/of verwijzing financieel")  # fmt: skip
    page = clients["eigen-haard"].get(reverse("intake:signal-list")).content.decode()
    assert shows(page, "Afgesloten")
    assert not shows(page, "Nog niet opgepakt")
    # The end result itself is the provider's finding, never fed back.
    assert not shows(page, "Vervolghulp en/of verwijzing financieel")


def test_check_and_verklaring_name_categories_never_instruments_or_providers(
    first_case, covenant, users, clients
):
    landlord = clients["eigen-haard"]
    response = landlord.post(
        reverse("safeguards:check-ask", args=[first_case.public_id, "deurwaarder"]), follow=True
    )
    text = response.content.decode()
    assert response.status_code == 200 and shows(text, "Toegestaan")
    assert shows(text, "-coaching en -beheer")
    assert not shows(text, "Budgetcoaching") and not shows(text, "CentraM")
    attestation = Attestation.objects.get(check_record__organisation=covenant["eigen-haard"])
    verklaring = landlord.get(
        reverse("safeguards:attestation", args=[attestation.check_record.public_id])
    ).content.decode()
    assert shows(verklaring, "-coaching en -beheer")
    assert not shows(verklaring, "Budgetcoaching") and not shows(verklaring, "CentraM")


def test_a_broken_agreement_is_listed_without_who_recorded_it(today):
    broken = rules.EventFact(id="event:x", on=today, recorder_type="uitvoerder",
                             instrument_id="instrument:y", instrument_name="Budget",
                             due_on=today - timedelta(days=10))  # fmt: skip
    plan = rules.InstrumentFact(id="instrument:y", name="Budget", category="Budget",
                                deployer_type="uitvoerder", deployed_on=today - timedelta(days=40),
                                has_agreements=True, first_due_on=today - timedelta(days=10))  # fmt: skip
    facts = rules.Facts(today=today, is_landlords_tenant=True, has_signal=True, broken=(broken,),
                        instruments=(plan,))  # fmt: skip
    answer = rules.eviction_check(facts)
    assert answer.outcome == rules.ALLOWED
    assert [line.by for line in answer.listed if line.kind == "broken"] == [""]
