"""Home screens as work queues (issue #12, ADR 0108): each role's first screen shows its own
panels with counts, and nothing of another role's work or any personal data."""

import re

import pytest
from django.urls import reverse

from meldpunt.cases.models import Case, Track
from meldpunt.cases.services import case_assign
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.home import Entry, Panel, panels_for, register_panel
from meldpunt.intake.services import signal_submit

from .conftest import shows, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals(covenant, users):
    made = [
        signal_submit(
            partner=covenant["eigen-haard"],
            submitted_by=users["eigen-haard"],
            raw=signal_data(
                partner_referentie=f"EH-{i}",
                achternaam=f"Thuisschermnaam{i}",
                geboortedatum=f"1970-01-{i + 1:02d}",
            ),
        )
        for i in range(3)
    ]
    return made


def count_of(html: str, label: str) -> int:
    """The count shown before ``label`` in a panel line."""
    match = re.search(
        r'<span class="mp-count__n">(\d+)</span>\s*(?:<a[^>]*>|<span>)' + re.escape(label), html
    )
    assert match, label
    return int(match.group(1))


def panels(client) -> list[str]:
    html = client.get(reverse("home")).content.decode()
    return re.findall(r'data-panel="([a-z-]+)"', html)


def test_each_role_has_its_own_panels(clients, signals):
    assert panels(clients["regie"]) == ["triage", "regie-overdue", "frame-queues"]
    assert "partner-signals" in panels(clients["eigen-haard"])
    assert panels(clients["centram"]) == ["my-cases", "provider-cases", "frame-queues"]
    assert panels(clients["centram-teamleider"]) == [
        "my-cases",
        "team",
        "provider-cases",
        "frame-queues",
    ]
    assert panels(clients["beleid"]) == ["policy"]
    assert panels(clients["beheer"]) == ["configuration"]
    assert panels(clients["privacy"]) == ["privacy", "processing-log"]


def test_regie_sees_how_many_wait_for_triage_and_the_provider_what_to_pick_up(
    clients, signals, covenant, users
):
    waiting = Case.objects.filter(status=CaseStatus.RECEIVED).count()
    html = clients["regie"].get(reverse("home")).content.decode()
    assert count_of(html, "Zaken wachten op triage") == waiting
    for signal in signals:
        if signal.case.status == CaseStatus.RECEIVED:
            case_assign(
                case_id=signal.case_id,
                provider=covenant["centram"],
                track=Track.VROEG_EROPAF,
                by=users["regie"],
            )
    html = clients["regie"].get(reverse("home")).content.decode()
    assert count_of(html, "Zaken wachten op triage") == 0
    to_pick_up = Case.objects.filter(provider=covenant["centram"], status=CaseStatus.ASSIGNED)
    html = clients["centram"].get(reverse("home")).content.decode()
    assert count_of(html, "Op te pakken") == to_pick_up.count() > 0
    # Another provider has nothing to pick up from these.
    html = clients["doras"].get(reverse("home")).content.decode()
    assert count_of(html, "Op te pakken") == 0


def test_home_screens_show_no_personal_data(clients, signals):
    for key in ("regie", "centram", "beleid", "beheer", "privacy", "eigen-haard"):
        html = clients[key].get(reverse("home")).content.decode()
        for i in range(3):
            assert not shows(html, f"Thuisschermnaam{i}"), key


def test_the_partner_sees_its_own_signals_counted(clients, signals):
    html = clients["eigen-haard"].get(reverse("home")).content.decode()
    total = sum(
        count_of(html, label) for label in ("Signalen nog niet opgepakt", "Signalen opgepakt")
    )
    assert total == 3
    other = clients["ymere"].get(reverse("home")).content.decode()
    assert count_of(other, "Signalen nog niet opgepakt") == 0


def test_an_app_can_plug_in_a_panel(rf, users):
    def extra(request):
        if request.user.has_perm("privacy.view_processing_log"):
            return Panel(key="extra", title="Extra", order=1, entries=(Entry("x", count=2),))
        return None

    register_panel(extra)
    try:
        request = rf.get("/")
        request.user = users["privacy"]
        assert panels_for(request)[0].key == "extra"
        request.user = users["regie"]
        assert "extra" not in [p.key for p in panels_for(request)]
    finally:
        from meldpunt.core import home

        home._providers.remove(extra)
