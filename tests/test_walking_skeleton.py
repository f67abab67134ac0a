"""The main flow through the web UI: partner → triage and routing → provider (issue #2, #3)."""

import pytest
from django.urls import reverse

from meldpunt.cases.models import Case, Signal
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def short(case: Case) -> str:
    return case.reference


def test_signal_travels_from_landlord_to_the_provider_of_the_district(clients, covenant):
    # A clerk of Eigen Haard reports a tenant in Centrum (1012).
    response = clients["eigen-haard"].post(reverse("intake:signal-create"), signal_data())
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.partner == covenant["eigen-haard"]
    assert signal.status == SignalStatus.NOT_YET_PICKED_UP
    case = signal.case
    assert case.district.name == "Centrum"
    # Routed by the postcode → district → provider table, and the decision recorded.
    assert case.status == CaseStatus.ASSIGNED and case.provider == covenant["centram"]
    assert "1011–1018" in case.routing_reason and "CentraM" in case.routing_reason
    assert [h.to_status for h in case.history.all()] == ["ontvangen", "toegewezen"]

    # The landlord sees its signal with feedback, without personal data.
    page = clients["eigen-haard"].get(reverse("intake:signal-list")).content.decode()
    assert "HC-000123" in page and "Ontvangen" in page
    assert "Testpersoon" not in page

    # Regie sees it in the triage list and can open it.
    triage = clients["regie"].get(reverse("intake:triage")).content.decode()
    assert short(case) in triage and "CentraM" in triage
    detail = clients["regie"].get(reverse("cases:case-detail", args=[case.public_id]))
    assert "Testpersoon" in detail.content.decode()

    # The caseworker of CentraM sees the case; Doras does not; Ymere does not see the signal.
    assert short(case) in clients["centram"].get(reverse("cases:case-list")).content.decode()
    assert (
        clients["centram"].get(reverse("cases:case-detail", args=[case.public_id])).status_code
        == 200
    )
    assert short(case) not in clients["doras"].get(reverse("cases:case-list")).content.decode()
    assert (
        clients["doras"].get(reverse("cases:case-detail", args=[case.public_id])).status_code == 404
    )
    assert "HC-000123" not in clients["ymere"].get(reverse("intake:signal-list")).content.decode()


def test_without_a_district_provider_regie_triages_by_hand(clients, covenant):
    clients["ymere"].post(reverse("intake:signal-create"), signal_data(postcode="1043 AB"))
    case = Case.objects.get()
    assert case.status == CaseStatus.RECEIVED and case.district.name == "Westpoort"
    triage = clients["regie"].get(reverse("intake:triage")).content.decode()
    assert short(case) in triage.split("Recent automatisch toegewezen")[0]
    assert short(case) not in clients["doras"].get(reverse("cases:case-list")).content.decode()
    response = clients["regie"].post(
        reverse("cases:case-assign", args=[case.public_id]),
        {"track": "vroeg-eropaf", "provider": covenant["doras"].pk, "reason": "Westpoort: Doras"},
    )
    assert response.status_code == 302
    assert short(case) in clients["doras"].get(reverse("cases:case-list")).content.decode()


def test_override_of_the_routed_provider_needs_a_reason(clients, covenant):
    clients["eigen-haard"].post(reverse("intake:signal-create"), signal_data())
    case = Case.objects.get()
    url = reverse("cases:case-assign", args=[case.public_id])
    response = clients["regie"].post(
        url, {"track": "vroeg-eropaf", "provider": covenant["doras"].pk}
    )
    assert response.status_code == 400
    assert "Geef een reden" in response.content.decode()
    case.refresh_from_db()
    assert case.provider == covenant["centram"]
    response = clients["regie"].post(
        url,
        {
            "track": "vroeg-eropaf",
            "provider": covenant["doras"].pk,
            "reason": "huurder woont tijdelijk in Noord",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.provider == covenant["doras"]
    assert "handmatig" in case.routing_reason
    assert [h.to_status for h in case.history.all()] == ["ontvangen", "toegewezen", "toegewezen"]


def test_second_signal_for_the_same_household_joins_the_open_case(clients):
    clients["eigen-haard"].post(reverse("intake:signal-create"), signal_data())
    clients["eigen-haard"].post(
        reverse("intake:signal-create"),
        signal_data(partner_referentie="HC-000124", postcode="1012lg", achterstand_bedrag="2000"),
    )
    assert Signal.objects.count() == 2
    assert Case.objects.count() == 1


def test_crisis_signal_is_shown_first_in_triage(clients):
    clients["eigen-haard"].post(reverse("intake:signal-create"), signal_data(postcode="1043 AA"))
    clients["eigen-haard"].post(
        reverse("intake:signal-create"),
        signal_data(
            partner_referentie="HC-9",
            achternaam="Crisispersoon",
            postcode="1044 AA",
            huisnummer="3",
            crisissignaal="on",
        ),
    )
    crisis = Case.objects.get(crisis=True)
    page = clients["regie"].get(reverse("intake:triage")).content.decode()
    assert page.index(short(crisis)) < page.index(short(Case.objects.get(crisis=False)))
