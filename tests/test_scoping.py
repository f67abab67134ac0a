"""Every role sees only what its organisation may see; a foreign object answers 403/404 (issue #2)."""

import pytest
from django.urls import reverse

from meldpunt.intake.services import signal_submit

from .conftest import ROLE_USERS, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(covenant, users):
    centrum = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-1", achternaam="Eigenhaardhuurder"),
    )
    assert centrum.case.provider == covenant["centram"]  # routed automatically by district
    # Westpoort has no provider configured: this case waits for manual triage.
    noord = signal_submit(
        partner=covenant["ymere"],
        submitted_by=users["ymere"],
        raw=signal_data(partner_referentie="YM-1", achternaam="Ymerehuurder", postcode="1043AB"),
    )
    assert noord.case.provider is None
    return {"centrum": centrum, "noord": noord}


PAGE_ACCESS = {
    # role: (signal-list, signal-create, triage, case-list)
    "regie": (403, 403, 200, 200),
    "beleid": (403, 403, 403, 403),
    "beheer": (403, 403, 403, 403),
    "privacy": (403, 403, 403, 403),
    "eigen-haard": (200, 200, 403, 403),
    "ymere": (200, 200, 403, 403),
    "centram": (403, 403, 403, 200),
    "centram-teamleider": (403, 403, 403, 200),
    "doras": (403, 403, 403, 200),
    "energie": (200, 200, 403, 403),
    "water": (200, 200, 403, 403),
    "zorg": (200, 200, 403, 403),
    "diemen-regie": (403, 403, 200, 200),
    "diemen-verhuurder": (200, 200, 403, 403),
    "diemen-hulpverlener": (403, 403, 403, 200),
}
CASE_DETAIL = {
    # role: (Centrum case assigned to CentraM, Noord case not yet assigned)
    "regie": (200, 200),
    "beleid": (403, 403),
    "beheer": (403, 403),
    "privacy": (403, 403),
    "eigen-haard": (403, 403),
    "ymere": (403, 403),
    "centram": (200, 404),
    "centram-teamleider": (200, 404),
    "doras": (404, 404),
    "energie": (403, 403),
    "water": (403, 403),
    "zorg": (403, 403),
    # Another municipality's staff: the Amsterdam cases do not exist for them.
    "diemen-regie": (404, 404),
    "diemen-verhuurder": (403, 403),
    "diemen-hulpverlener": (404, 404),
}


def test_matrix_covers_every_role():
    assert set(PAGE_ACCESS) == set(ROLE_USERS) == set(CASE_DETAIL)


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_pages_per_role(role, clients, world):
    client = clients[role]
    names = ["intake:signal-list", "intake:signal-create", "intake:triage", "cases:case-list"]
    got = tuple(client.get(reverse(name)).status_code for name in names)
    assert got == PAGE_ACCESS[role]


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_direct_url_to_a_case_per_role(role, clients, world):
    client = clients[role]
    got = tuple(
        client.get(reverse("cases:case-detail", args=[world[key].case.public_id])).status_code
        for key in ("centrum", "noord")
    )
    assert got == CASE_DETAIL[role]


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_only_regie_can_assign(role, clients, world, covenant):
    case = world["noord"].case
    response = clients[role].post(
        reverse("cases:case-assign", args=[case.public_id]),
        {
            "track": "vroeg-eropaf",
            "provider": covenant["doras"].pk,
            "reason": "geen uitvoerder in Westpoort",
        },
    )
    # Diemen's regie may assign, but not Amsterdam's case: it does not exist for it (404).
    expected = {"regie": 302, "diemen-regie": 404}.get(role, 403)
    assert response.status_code == expected
    case.refresh_from_db()
    assert (case.provider_id == covenant["doras"].pk) == (role == "regie")


def test_partner_sees_only_its_own_signals(clients, world):
    own = clients["eigen-haard"].get(reverse("intake:signal-list")).content.decode()
    assert "EH-1" in own and "YM-1" not in own
    other = clients["ymere"].get(reverse("intake:signal-list")).content.decode()
    assert "YM-1" in other and "EH-1" not in other


def test_provider_case_list_holds_only_its_assigned_cases(clients, world):
    centrum, noord = (world[k].case.reference for k in ("centrum", "noord"))
    centram = clients["centram"].get(reverse("cases:case-list")).content.decode()
    assert centrum in centram and noord not in centram
    doras = clients["doras"].get(reverse("cases:case-list")).content.decode()
    assert centrum not in doras and noord not in doras
    regie = clients["regie"].get(reverse("cases:case-list")).content.decode()
    assert centrum in regie and noord in regie


@pytest.mark.parametrize("role", ["beleid", "beheer"])
def test_roles_without_personal_data_never_see_any(role, clients, world):
    for name in ["home", "intake:signal-list", "intake:triage", "cases:case-list"]:
        html = clients[role].get(reverse(name)).content.decode()
        assert "Eigenhaardhuurder" not in html and "Ymerehuurder" not in html


def test_selectors_are_empty_for_anonymous_and_orgless_users(world):
    from django.contrib.auth.models import AnonymousUser

    from meldpunt.cases.models import Case, Signal

    assert not Case.objects.for_user(AnonymousUser()).exists()
    assert not Signal.objects.for_user(AnonymousUser()).exists()


def test_anonymous_user_is_sent_to_login(client, world):
    response = client.get(reverse("cases:case-detail", args=[world["centrum"].case.public_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
