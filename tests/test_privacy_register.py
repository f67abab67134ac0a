"""The register of processing activities is data, versioned, edited by the privacy officer (issue #5)."""

import uuid

import pytest
from django.urls import reverse

from meldpunt.privacy.models import ProcessingActivity, ProcessingLogEntry
from meldpunt.privacy.services import processing_activity_revise, processing_log_record

pytestmark = pytest.mark.django_db


def _values(activity: ProcessingActivity, **changes) -> dict:
    values = {
        "name": activity.name,
        "purpose": activity.purpose,
        "legal_basis": activity.legal_basis,
        "data_categories": activity.data_categories,
        "retention": activity.retention,
    }
    values.update(changes)
    return values


def _log(actor) -> ProcessingLogEntry:
    return processing_log_record(
        actor=actor,
        activity="outreach",
        action="read",
        name="case.view",
        subject_id=str(uuid.uuid4()),
        object_type="case",
        object_id="1",
    )


def test_a_change_makes_a_new_version_and_keeps_the_old_one(users):
    before = _log(users["centram"])
    v1 = ProcessingActivity.objects.get(code="outreach", is_current=True)
    v2 = processing_activity_revise(
        code="outreach", by=users["privacy"], **_values(v1, retention="24 maanden")
    )
    assert (v2.version, v2.is_current, v2.changed_by) == (2, True, users["privacy"])
    v1.refresh_from_db()
    assert v1.is_current is False and v1.retention != "24 maanden"
    after = _log(users["centram"])
    before.refresh_from_db()
    assert before.processing_activity_id == v1.pk  # keeps the version in force when written
    assert after.processing_activity_id == v2.pk
    assert ProcessingActivity.objects.filter(code="outreach", is_current=True).count() == 1


def test_an_unchanged_save_makes_no_version(users):
    v1 = ProcessingActivity.objects.get(code="intake", is_current=True)
    assert processing_activity_revise(code="intake", by=users["privacy"], **_values(v1)) == v1
    assert ProcessingActivity.objects.filter(code="intake").count() == 1


def test_privacy_officer_edits_the_register_through_the_screen(clients):
    client = clients["privacy"]
    listing = client.get(reverse("privacy:register-list"))
    assert listing.status_code == 200
    assert "Toets Sluitende Aanpak" in listing.content.decode()
    url = reverse("privacy:register-edit", args=["feedback"])
    page = client.get(url)
    assert page.status_code == 200 and 'id="id_purpose"' in page.content.decode()
    current = ProcessingActivity.objects.get(code="feedback", is_current=True)
    response = client.post(url, _values(current, legal_basis="Wgs art. 3; convenant art. 9.2"))
    assert response.status_code == 302
    versions = ProcessingActivity.objects.filter(code="feedback").order_by("version")
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[1].legal_basis == "Wgs art. 3; convenant art. 9.2"
    history = client.get(url).content.decode()
    assert "geldend" in history and history.count('<tr class="utrecht-table__row">') == 3


def test_an_invalid_edit_shows_the_error_summary_and_saves_nothing(clients):
    url = reverse("privacy:register-edit", args=["intake"])
    current = ProcessingActivity.objects.get(code="intake", is_current=True)
    response = clients["privacy"].post(url, _values(current, purpose=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="foutmeldingen"' in html and 'href="#id_purpose"' in html
    assert 'aria-invalid="true"' in html
    assert ProcessingActivity.objects.filter(code="intake").count() == 1


@pytest.mark.parametrize("role", ["regie", "beleid", "beheer", "centram", "eigen-haard"])
def test_other_roles_cannot_see_or_edit_the_register(role, clients):
    client = clients[role]
    assert client.get(reverse("privacy:register-list")).status_code == 403
    url = reverse("privacy:register-edit", args=["intake"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x", "purpose": "x", "legal_basis": "x"}).status_code == 403
    assert ProcessingActivity.objects.filter(code="intake").count() == 1


def test_an_unknown_register_entry_is_404(clients):
    assert (
        clients["privacy"].get(reverse("privacy:register-edit", args=["bestaat-niet"])).status_code
        == 404
    )


def test_the_privacy_screens_pass_the_page_accessibility_checks(clients, users):
    """The same checks as tests/test_accessibility.py: landmarks, one h1, labels, table headers."""
    from .test_accessibility import check_page

    client = clients["privacy"]
    url = reverse("privacy:register-edit", args=["intake"])
    current = ProcessingActivity.objects.get(code="intake", is_current=True)
    pages = [
        client.get(reverse("privacy:register-list")),
        client.get(url),
        client.post(url, _values(current, purpose="")),  # with the error summary
        client.get(reverse("privacy:log-search")),
        client.get(reverse("privacy:log-search"), {"betrokkene": "abc"}),  # logs one record
        client.get(reverse("privacy:log-search"), {"gebruiker": users["privacy"].pk}),
        client.get(reverse("privacy:log-search"), {"betrokkene": ""}),  # with the error summary
    ]
    assert "1 regel gevonden" in pages[5].content.decode()  # a results table is checked too
    for response in pages:
        check_page(response.content.decode())
