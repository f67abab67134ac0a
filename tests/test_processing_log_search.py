"""The privacy officer searches the processing log per person and per user; that is logged (issue #5)."""

import uuid

import pytest
from django.urls import reverse

from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.services import Processing, processing_log_record_many

pytestmark = pytest.mark.django_db

SUBJECT = str(uuid.uuid4())
OTHER = str(uuid.uuid4())


@pytest.fixture
def logged(users):
    processing_log_record_many(
        actor=users["centram"],
        activity="outreach",
        action="read",
        name="case.view",
        items=[Processing(SUBJECT, "case", i) for i in range(60)],
    )
    processing_log_record_many(
        actor=users["regie"],
        activity="triage",
        action="read",
        name="case.view",
        items=[Processing(OTHER, "case", "x")],
    )


def _search(client, **params):
    return client.get(reverse("privacy:log-search"), params)


def test_search_per_subject_is_paginated_and_shows_only_that_subject(clients, logged):
    response = _search(clients["privacy"], betrokkene=SUBJECT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "60 regels gevonden" in html and OTHER not in html
    assert "Pagina 1 van 2" in html and "betrokkene=" in html and "pagina=2" in html
    second = _search(clients["privacy"], betrokkene=SUBJECT, pagina=2).content.decode()
    assert "Pagina 2 van 2" in second


def test_search_per_user(clients, users, logged):
    html = _search(clients["privacy"], gebruiker=users["regie"].pk).content.decode()
    assert "1 regel gevonden" in html and OTHER in html and SUBJECT not in html


def test_reading_the_log_about_a_person_is_logged(clients, users, logged):
    before = ProcessingLogEntry.objects.count()
    _search(clients["privacy"], betrokkene=SUBJECT)
    entry = ProcessingLogEntry.objects.order_by("sequence").last()
    assert ProcessingLogEntry.objects.count() == before + 1
    assert entry.processing_activity.code == "privacy"
    assert (entry.action, entry.name) == ("read", "processing_log.search")
    assert entry.data_subject_id == SUBJECT and entry.actor == users["privacy"]


def test_a_search_per_user_logs_each_person_shown(clients, users, logged):
    before = ProcessingLogEntry.objects.count()
    _search(clients["privacy"], gebruiker=users["regie"].pk)
    new = ProcessingLogEntry.objects.filter(sequence__gt=before)
    assert [e.data_subject_id for e in new] == [OTHER]
    assert new[0].processing_activity.code == "privacy"


def test_an_empty_search_asks_for_a_criterion_and_logs_nothing(clients, logged):
    before = ProcessingLogEntry.objects.count()
    assert _search(clients["privacy"]).status_code == 200
    response = _search(clients["privacy"], betrokkene="")
    assert response.status_code == 400 and "Vul een betrokkene in" in response.content.decode()
    assert ProcessingLogEntry.objects.count() == before


@pytest.mark.parametrize("role", ["regie", "beleid", "beheer", "centram", "eigen-haard"])
def test_only_users_with_view_processing_log_may_search(role, clients, logged):
    before = ProcessingLogEntry.objects.count()
    assert _search(clients[role], betrokkene=SUBJECT).status_code == 403
    assert ProcessingLogEntry.objects.count() == before
