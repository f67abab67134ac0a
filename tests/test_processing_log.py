"""Each view of a case's personal data is one processing-log record (issue #2)."""

import pytest
from django.urls import reverse

from meldpunt.cases.models import Track
from meldpunt.cases.services import case_assign
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(covenant, users):
    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    case_assign(
        case_id=signal.case_id,
        provider=covenant["centram"],
        track=Track.VROEG_EROPAF,
        by=users["regie"],
    )
    signal.case.refresh_from_db()
    return signal.case


@pytest.mark.parametrize("role", ["regie", "centram"])
def test_each_case_view_adds_one_complete_record(role, clients, users, case):
    before = ProcessingLogEntry.objects.count()
    url = reverse("cases:case-detail", args=[case.public_id])
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    clients[role].get(url, HTTP_TRACEPARENT=traceparent)
    clients[role].get(url)
    entries = list(ProcessingLogEntry.objects.order_by("id")[before:])
    assert len(entries) == 2
    entry = entries[0]
    assert entry.action == "read"
    assert entry.name == "case.view"
    assert entry.actor == users[role]
    assert entry.actor_organisation == users[role].organisation
    assert entry.data_subject_id == str(case.subject_id)
    assert entry.data_subject_type == "huurder"
    assert entry.object_type == "case" and entry.object_id == str(case.public_id)
    assert entry.processing_activity.code in {"triage", "outreach"}
    assert entry.processing_activity.legal_basis
    assert entry.trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert len(entry.span_id) == 16 and entry.span_id != entries[1].span_id
    assert entries[1].trace_id != entry.trace_id
    assert entry.start_time <= entry.end_time
    assert entry.status == "ok"


def test_a_refused_view_logs_nothing(clients, case):
    before = ProcessingLogEntry.objects.count()
    assert (
        clients["doras"].get(reverse("cases:case-detail", args=[case.public_id])).status_code == 404
    )
    assert ProcessingLogEntry.objects.count() == before


def test_lists_show_no_personal_data_and_log_nothing(clients, case):
    before = ProcessingLogEntry.objects.count()
    for role, name in [
        ("regie", "intake:triage"),
        ("eigen-haard", "intake:signal-list"),
    ]:
        html = clients[role].get(reverse(name)).content.decode()
        assert "Testpersoon" not in html
    assert ProcessingLogEntry.objects.count() == before


def test_the_case_list_names_tenants_and_logs_each_naming(clients, case):
    # Issue #12: cases are named by tenant and address for the roles that may see them; each
    # case named on a page is one read in the processing log (docs/adr/0108).
    for role in ("regie", "centram"):
        before = ProcessingLogEntry.objects.filter(name="case.list").count()
        html = clients[role].get(reverse("cases:case-list")).content.decode()
        assert "Testpersoon" in html
        assert ProcessingLogEntry.objects.filter(name="case.list").count() == before + 1


def test_intake_and_triage_are_logged_with_field_names_only(case):
    entries = ProcessingLogEntry.objects.order_by("id")
    assert [e.name for e in entries] == ["signal.receive.formulier", "case.assign"]
    submit = entries[0]
    assert "achternaam" in submit.fields
    assert "Testpersoon" not in str(submit.fields)


def test_str_of_personal_data_models_shows_no_personal_data(case, users):
    signal = case.signals.get()
    for obj in (
        signal,
        case,
        users["regie"],
        *ProcessingLogEntry.objects.all(),
        *case.history.all(),
    ):
        text = str(obj)
        assert "Testpersoon" not in text and "test.example" not in text and "0612345678" not in text
