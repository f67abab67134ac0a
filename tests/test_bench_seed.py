"""The bench's seeder (tests/bench/seed.py) writes a case file the product can work with: the
same keys the intake would make, statuses along the workflow, and screens that render for it.
The million-case run itself is `make bench`; here a few hundred cases."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from meldpunt.cases.models import (
    Case,
    CaseMember,
    CaseStatusChange,
    ContactAttempt,
    InstrumentDeployment,
    Signal,
)
from meldpunt.cases.workflow import TRANSITIONS, CaseStatus
from meldpunt.intake.pipeline import delivery_key
from meldpunt.privacy.keys import household_key, person_key
from meldpunt.reporting.figures import figures_refresh
from tests.bench.seed import fill

CASES = 200


@pytest.fixture
def seeded(users) -> dict[str, int]:
    return fill(CASES)


def test_the_seed_follows_the_case_file_rules(seeded):
    assert seeded["Case"] == CASES
    assert seeded["Signal"] >= CASES
    cases = {c.pk: c for c in Case.objects.all()}
    tenants = dict(CaseMember.objects.filter(role="huurder").values_list("case_id", "person_id"))
    assert set(tenants) == set(cases)
    statuses = set(CaseStatus.values)
    history: dict[int, list[tuple[str, str]]] = {}
    for case_id, source, target in CaseStatusChange.objects.order_by("at", "id").values_list(
        "case_id", "from_status", "to_status"
    ):
        history.setdefault(case_id, []).append((source, target))
    for case in cases.values():
        assert case.status in statuses
        steps = history[case.pk]
        # The history is a walk through the transition table from receipt to the status now.
        assert steps[0] == ("", CaseStatus.RECEIVED)
        for (_s, previous), (source, target) in pairwise(steps):
            assert source == previous and target in TRANSITIONS[source], (case.pk, steps)
        assert steps[-1][1] == case.status
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at and case.end_result and case.due_on is None
        elif case.status in (CaseStatus.RECEIVED, CaseStatus.ASSIGNED, CaseStatus.PICKED_UP):
            assert case.due_on is not None
        if case.status != CaseStatus.RECEIVED and case.status != CaseStatus.CLOSED:
            assert case.provider_id is not None
    for attempt in ContactAttempt.objects.all():
        assert attempt.on >= cases[attempt.case_id].opened_at.date()
    assert InstrumentDeployment.objects.exists()
    # Keys made as the intake makes them, from the encrypted details.
    for signal in Signal.objects.select_related("tenancy", "person", "partner"):
        p = signal.person_details
        born = date.fromisoformat(p["geboortedatum"])
        assert signal.person_index == person_key(p["achternaam"], p["tussenvoegsel"], born)
        assert signal.person.name_key == signal.person_index
        assert signal.household_index == household_key(
            p["postcode"], p["huisnummer"], p["huisletter"], p["huisnummertoevoeging"]
        )
        assert signal.tenancy.person_id == signal.person_id
        assert signal.tenancy.partner_id == signal.partner_id
        if signal.case_id is not None:
            case = cases[signal.case_id]
            assert case.municipality_id == signal.municipality_id
            assert signal.person_id in CaseMember.objects.filter(case=case).values_list(
                "person_id", flat=True
            )
        values = {
            **p,
            "partner_referentie": signal.partner_reference,
            "achterstand_bedrag": signal.arrears["achterstand_bedrag"],
            "signaaldatum": signal.signal_date,
            "achterstand_sinds": date.fromisoformat(signal.arrears["achterstand_sinds"]),
            "geboortedatum": born,
        }
        assert signal.intake_key == delivery_key(values)


def test_the_screens_render_for_the_seeded_case_file(seeded, clients):
    figures_refresh(months=None)
    page = clients["centram"].get("/zaken")
    assert page.status_code == 200
    case = Case.objects.filter(provider__slug="centram").exclude(status="afgesloten").first()
    assert clients["centram"].get(f"/zaken/{case.public_id}").status_code == 200
    assert clients["regie"].get("/triage").status_code == 200
    assert clients["regie"].get("/zaken").status_code == 200
    dashboard = clients["beleid"].get("/cijfers/")
    assert dashboard.status_code == 200
