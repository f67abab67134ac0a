"""Caseworkers (issue #12, ADR 0108): a case is assigned to a provider and, within it, to a
caseworker — by the team lead or by the caseworker taking it up; every change is recorded; the
team lead sees caseload and overdue per caseworker and (re)assigns one or many."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.services import user_create
from meldpunt.cases.deadlines import add_working_days
from meldpunt.cases.models import AppendOnlyError, Case, CaseworkerAssignment, Track
from meldpunt.cases.services import (
    case_assign,
    case_caseworker_assign,
    case_take,
    contact_attempt_record,
)
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import PASSWORD, mfa_client, shows, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(covenant, users):
    made = []
    for i in range(4):
        signal = signal_submit(
            partner=covenant["eigen-haard"],
            submitted_by=users["eigen-haard"],
            raw=signal_data(
                partner_referentie=f"CW-{i}",
                achternaam=f"Werkvoorraadnaam{i}",
                geboortedatum=f"1975-02-{i + 1:02d}",
            ),
        )
        if signal.case.status == CaseStatus.RECEIVED:
            case_assign(
                case_id=signal.case_id,
                provider=covenant["centram"],
                track=Track.VROEG_EROPAF,
                by=users["regie"],
            )
        made.append(Case.objects.get(pk=signal.case_id))
    assert {c.provider for c in made} == {covenant["centram"]}
    return made


@pytest.fixture
def second_worker(covenant):
    return user_create(
        email="tweede@test.example",
        organisation=covenant["centram"],
        roles=["hulpverlener"],
        password=PASSWORD,
    )


def test_a_new_case_has_its_first_deadline(cases, today):
    for case in cases:
        received = timezone.localdate(case.opened_at)
        assert case.due_on == add_working_days(received, 5)


def test_the_deadline_moves_with_the_first_attempt_and_ends_with_contact(cases, users, today):
    case = cases[0]
    contact_attempt_record(case_id=case.pk, by=users["centram"], kind="Telefoon",
                           reached=False, on=today, part_of_day="Ochtend")  # fmt: skip
    case.refresh_from_db()
    assert case.due_on == timezone.localdate(case.opened_at) + timedelta(days=28)
    contact_attempt_record(case_id=case.pk, by=users["centram"], kind="Telefoon",
                           reached=True, on=today, part_of_day="Middag")  # fmt: skip
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CONTACT and case.due_on is None


def test_picking_up_makes_the_caseworker_and_it_is_recorded(cases, users, today):
    case = cases[0]
    contact_attempt_record(case_id=case.pk, by=users["centram"], kind="Telefoon",
                           reached=False, on=today, part_of_day="Ochtend")  # fmt: skip
    case.refresh_from_db()
    assert case.caseworker == users["centram"]
    [row] = CaseworkerAssignment.objects.filter(case=case)
    assert (
        row.caseworker == users["centram"] and row.previous is None and row.by == users["centram"]
    )
    with pytest.raises(AppendOnlyError):
        row.save()


def test_team_lead_assigns_many_and_reassigns(cases, users, second_worker):
    lead = users["centram-teamleider"]
    ids = [c.pk for c in cases[:3]]
    assert case_caseworker_assign(case_ids=ids, caseworker=users["centram"], by=lead) == 3
    assert set(Case.objects.filter(pk__in=ids).values_list("caseworker", flat=True)) == {
        users["centram"].pk
    }
    # Reassigning one: the history keeps who had it.
    case_caseworker_assign(case_ids=[ids[0]], caseworker=second_worker, by=lead, reason="verlof")
    last = CaseworkerAssignment.objects.filter(case_id=ids[0]).last()
    assert last.previous == users["centram"] and last.caseworker == second_worker
    assert "verlof" in last.reason
    logged = ProcessingLogEntry.objects.filter(name="case.assign_caseworker")
    assert logged.count() == 4


def test_only_the_team_lead_distributes_and_only_to_own_colleagues(cases, users, covenant):
    with pytest.raises(PermissionDenied):
        case_caseworker_assign(case_ids=[cases[0].pk], caseworker=users["centram"],
                               by=users["centram"])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        case_caseworker_assign(case_ids=[cases[0].pk], caseworker=users["doras"],
                               by=users["centram-teamleider"])  # fmt: skip
    assert "eigen organisatie" in str(exc.value)
    assert Case.objects.get(pk=cases[0].pk).caseworker is None


def test_self_assign_only_when_nobody_has_it(cases, users, second_worker):
    case = cases[1]
    case_take(case_id=case.pk, by=users["centram"])
    with pytest.raises(ValidationError, match="collega"):
        case_take(case_id=case.pk, by=second_worker)
    # A provider that does not work the case cannot take it at all.
    with pytest.raises(PermissionDenied):
        case_take(case_id=case.pk, by=users["doras"])


def test_team_screen_shows_caseload_and_assigns_by_ticking(cases, users, clients, second_worker):
    lead = clients["centram-teamleider"]
    Case.objects.filter(pk=cases[0].pk).update(due_on=timezone.localdate() - timedelta(days=3))
    html = lead.get(reverse("cases:team")).content.decode()
    assert "Werkvoorraad per casemanager" in html and "Nog niet toegewezen" in html
    for i in range(4):
        assert not shows(html, f"Werkvoorraadnaam{i}")
    assert "te laat" in html
    response = lead.post(
        reverse("cases:team"),
        {"van": "geen", "cases": [str(c.public_id) for c in cases[:2]],
         "caseworker": second_worker.pk, "reason": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert Case.objects.filter(caseworker=second_worker).count() == 2
    # Nothing ticked: a clear message, nothing changed.
    response = lead.post(reverse("cases:team"), {"van": "geen", "caseworker": second_worker.pk})
    assert response.status_code == 400
    assert "Kies de zaken die u wilt toewijzen." in response.content.decode()
    # A foreign or malformed case number is ignored, never a crash.
    response = lead.post(reverse("cases:team"), {"van": "geen", "cases": ["nonsense"],
                                                 "caseworker": second_worker.pk})  # fmt: skip
    assert response.status_code == 400
    # A caseworker has no team screen.
    assert clients["centram"].get(reverse("cases:team")).status_code == 403


def test_caseworker_sees_my_cases_on_the_home_screen(cases, users, clients):
    case_caseworker_assign(case_ids=[cases[0].pk, cases[1].pk], caseworker=users["centram"],
                           by=users["centram-teamleider"])  # fmt: skip
    Case.objects.filter(pk=cases[0].pk).update(due_on=timezone.localdate() - timedelta(days=1))
    html = clients["centram"].get(reverse("home")).content.decode()
    assert 'data-panel="my-cases"' in html
    assert f"Zaak {cases[0].reference}" in html and f"Zaak {cases[1].reference}" in html
    # Overdue first.
    assert html.index(f"Zaak {cases[0].reference}") < html.index(f"Zaak {cases[1].reference}")
    lead = clients["centram-teamleider"].get(reverse("home")).content.decode()
    assert 'data-panel="team"' in lead


def test_caseworker_contact_details_on_the_user(users):
    worker = users["centram"]
    worker.direct_phone, worker.contact_email = "020 123 45 67", "c.werker@centram.example"
    worker.full_clean(exclude=["password"])
    worker.save()
    mfa_client(worker)
