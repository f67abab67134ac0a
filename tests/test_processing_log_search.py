"""The privacy officer searches the processing log per person and per user; that is logged (issue #5).

Issue #12 (ADR 0117): also by period, action and processing activity, by a person found by
surname + birth date through the blind index (posted; the URL carries only a token), and the
result as a CSV export that is itself logged.
"""

import csv
import io
import uuid
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.services import Processing, processing_log_record_many

from .conftest import ROLE_USERS, signal_data
from .test_accessibility import check_page

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
    assert response.status_code == 400
    assert "Geef ten minste één zoekvraag" in response.content.decode()
    assert ProcessingLogEntry.objects.count() == before


@pytest.mark.parametrize("role", ["regie", "beleid", "beheer", "centram", "eigen-haard"])
def test_only_users_with_view_processing_log_may_search(role, clients, logged):
    before = ProcessingLogEntry.objects.count()
    assert _search(clients[role], betrokkene=SUBJECT).status_code == 403
    assert ProcessingLogEntry.objects.count() == before


# --- period, action, activity -----------------------------------------------------------------

SEARCH = reverse("privacy:log-search")
PERSON_SEARCH = reverse("dataprotection:log-person-search")
EXPORT = reverse("privacy:log-export")


def _at(day: str):
    """A moment at noon, Dutch time, on an ISO day."""
    return time_machine.travel(
        timezone.make_aware(datetime.fromisoformat(f"{day}T12:00:00")), tick=False
    )


@pytest.fixture
def days(users):
    """One record a day from 1 to 3 March, of different actions and activities."""
    for day, activity, action in (
        ("2026-03-01", "outreach", "read"),
        ("2026-03-02", "triage", "update"),
        ("2026-03-03", "outreach", "export"),
    ):
        with _at(day):
            processing_log_record_many(
                actor=users["regie"], activity=activity, action=action, name="case.view",
                items=[Processing(f"subject-{day}", "case", day)],
            )  # fmt: skip


def _subjects(response) -> set[str]:
    html = response.content.decode()
    return {day for day in ("2026-03-01", "2026-03-02", "2026-03-03") if f"subject-{day}" in html}


def test_search_by_period_takes_whole_days_in_dutch_time(clients, days):
    client = clients["privacy"]
    assert _subjects(_search(client, van="2026-03-02")) == {"2026-03-02", "2026-03-03"}
    assert _subjects(_search(client, tot="2026-03-02")) == {"2026-03-01", "2026-03-02"}
    one_day = _search(client, van="2026-03-02", tot="2026-03-02")
    assert _subjects(one_day) == {"2026-03-02"} and "1 regel gevonden" in one_day.content.decode()
    check_page(one_day.content.decode())


def test_search_by_action_and_by_activity_and_combined(clients, days):
    client = clients["privacy"]
    assert _subjects(_search(client, handeling="update")) == {"2026-03-02"}
    assert _subjects(_search(client, verwerking="outreach")) == {"2026-03-01", "2026-03-03"}
    both = _search(client, verwerking="outreach", handeling="export", van="2026-03-01")
    assert _subjects(both) == {"2026-03-03"}
    assert _subjects(_search(client, verwerking="outreach", handeling="update")) == set()


def test_a_period_that_ends_before_it_starts_is_a_clear_error(clients, days):
    before = ProcessingLogEntry.objects.count()
    response = _search(clients["privacy"], van="2026-03-03", tot="2026-03-01")
    html = response.content.decode()
    assert response.status_code == 400 and 'id="foutmeldingen"' in html
    assert "Tot en met" in html and "ligt vóór de datum bij ‘Van’" in html
    check_page(html)
    bad = _search(clients["privacy"], van="3 maart", handeling="weggooien")
    assert bad.status_code == 400 and "Van" in bad.content.decode()
    assert ProcessingLogEntry.objects.count() == before


# --- by person: surname + birth date, through the blind index ---------------------------------


@pytest.fixture
def persons(covenant, users):
    """Anna (two signals, one case), Bob in another household, and Dirk, known only in Diemen
    (another municipality: not the privacy officer's)."""

    def submit(partner, user, **over):
        return signal_submit(
            partner=covenant[partner], submitted_by=users[user], raw=signal_data(**over)
        )

    anna = [
        submit("eigen-haard", "eigen-haard", partner_referentie="EH-A1", achternaam="Aalberts",
               geboortedatum="1970-01-02"),
        submit("eigen-haard", "eigen-haard", partner_referentie="EH-A2", achternaam="Aalberts",
               geboortedatum="1970-01-02", achterstand_bedrag="3.000,00"),
    ]  # fmt: skip
    bob = submit("eigen-haard", "eigen-haard", partner_referentie="EH-B1", achternaam="Bakkers",
                 geboortedatum="1985-05-06", postcode="1021 AB", huisnummer="3")  # fmt: skip
    diemen = submit("woonstichting-diemen-demo", "diemen-verhuurder", partner_referentie="DI-D1",
                    achternaam="Diemenaar", geboortedatum="1960-07-08", postcode="1111 AB")  # fmt: skip
    for signal in anna:
        signal.refresh_from_db()
    return {"anna": anna, "bob": bob, "diemen": diemen}


def _anna_subjects(persons) -> set[str]:
    anna = persons["anna"]
    return {str(anna[0].person.subject_id), str(anna[0].case.subject_id)} | {
        str(s.subject_id) for s in anna
    }


def _find(client, surname="aalberts", born="1970-01-02", **filters):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(filters)
    return client.post(
        PERSON_SEARCH,
        {"achternaam": surname, "geboortedatum": born, "filters": query.urlencode()},
    )


def test_a_person_is_found_by_surname_and_birth_date_and_never_in_the_url(clients, persons):
    client = clients["privacy"]
    response = _find(client, surname="AALBERTS ", handeling="create")
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(SEARCH + "?") and "persoon=" in url and "handeling=create" in url
    for term in ("alberts", "1970", "02-01", "achternaam", "geboortedatum"):
        assert term not in url.lower(), term
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Gezocht op 1 persoon" in html
    check_page(html)
    shown = {
        e.data_subject_id for e in ProcessingLogEntry.objects.all() if e.data_subject_id in html
    }
    assert shown and shown <= _anna_subjects(persons)
    assert str(persons["anna"][0].subject_id) in html and str(persons["anna"][1].subject_id) in html
    for other in (persons["bob"], persons["diemen"]):
        assert str(other.subject_id) not in html
        assert str(other.case.subject_id) not in html
    # the links of the page (pagination, export, filters) carry the token, never the terms
    assert "Aalberts" not in html and "1970-01-02" not in html


def test_finding_a_person_and_reading_their_log_is_logged(clients, users, persons):
    client = clients["privacy"]
    before = ProcessingLogEntry.objects.order_by("sequence").last().sequence
    url = _find(client)["Location"]
    client.get(url)
    new = ProcessingLogEntry.objects.filter(sequence__gt=before)
    found = new.filter(name="processing_log.find_person")
    assert [e.data_subject_id for e in found] == [str(persons["anna"][0].person.subject_id)]
    read = new.filter(name="processing_log.search")
    assert {e.data_subject_id for e in read} == _anna_subjects(persons)
    assert all(e.actor == users["privacy"] and e.processing_activity.code == "privacy" for e in new)
    assert "Aalberts" not in str(list(new.values_list("fields", "object_id")))


def test_nobody_found_says_so_and_an_expired_token_asks_to_search_again(clients, persons):
    client = clients["privacy"]
    page = client.get(_find(client, surname="Niemand")["Location"])
    html = page.content.decode()
    assert "Niemand gevonden met deze achternaam en geboortedatum" in html
    assert "Geen regels gevonden" in html
    # a person known only in another municipality is not found by this municipality's officer
    page = client.get(_find(client, surname="Diemenaar", born="1960-07-08")["Location"])
    assert "Niemand gevonden" in page.content.decode()
    assert str(persons["diemen"].subject_id) not in page.content.decode()
    expired = client.get(SEARCH, {"persoon": "verlopen"})
    assert "Die zoekopdracht is verlopen" in expired.content.decode()


def test_a_person_search_without_a_birth_date_is_a_clear_error_and_logs_nothing(clients, persons):
    before = ProcessingLogEntry.objects.count()
    response = _find(clients["privacy"], born="", verwerking="outreach")
    html = response.content.decode()
    assert response.status_code == 400 and 'id="foutmeldingen"' in html
    assert "Geboortedatum" in html
    assert 'value="outreach" selected' in html  # the filters stay as they were
    check_page(html)
    assert _find(clients["privacy"], born="31-02-1970").status_code == 400
    assert ProcessingLogEntry.objects.count() == before


# --- the export ---------------------------------------------------------------------------


def _rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_export_has_the_entries_of_that_person_only_and_is_logged(clients, users, persons):
    client = clients["privacy"]
    url = _find(client)["Location"]
    query = url.split("?", 1)[1]
    client.get(url)
    before = ProcessingLogEntry.objects.order_by("sequence").last().sequence
    response = client.post(f"{EXPORT}?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="verwerkingslog-')
    rows = _rows(response)
    anna = _anna_subjects(persons)
    expected = ProcessingLogEntry.objects.filter(
        data_subject_id__in=anna, sequence__lte=before
    ).count()
    assert len(rows) == expected > 0
    assert {r["betrokkene"] for r in rows} <= anna
    assert {"signal.receive" in r["naam"] for r in rows} == {True, False}
    assert rows[0]["tijdstip"][2] == "-" and rows[0]["gebruiker"]  # dd-mm-jjjj uu:mm:ss
    # the export is itself logged: one export record per person's pseudonym in the file, and
    # the file does not hold its own record
    exports = ProcessingLogEntry.objects.filter(sequence__gt=before)
    assert {(e.action, e.name) for e in exports} == {("export", "processing_log.export.csv")}
    assert {e.data_subject_id for e in exports} == {r["betrokkene"] for r in rows}
    assert all(e.actor == users["privacy"] for e in exports)


def test_the_export_follows_the_filters(clients, days):
    response = clients["privacy"].post(f"{EXPORT}?handeling=update")
    assert [r["betrokkene"] for r in _rows(response)] == ["subject-2026-03-02"]
    page = _search(clients["privacy"], handeling="update").content.decode()
    assert f'action="{EXPORT}?handeling=update"' in page  # the page's export button


def test_an_export_without_criteria_exports_nothing(clients, days):
    before = ProcessingLogEntry.objects.count()
    response = clients["privacy"].post(EXPORT)
    assert (
        response.status_code == 400 and "Geef eerst een zoekvraag op" in response.content.decode()
    )
    assert clients["privacy"].get(f"{EXPORT}?handeling=update").status_code == 405
    assert ProcessingLogEntry.objects.count() == before


@pytest.mark.parametrize("role", sorted(set(ROLE_USERS) - {"privacy"}))
def test_nobody_but_the_privacy_officer_finds_a_person_or_exports(role, clients, persons):
    client = clients[role]
    before = ProcessingLogEntry.objects.count()
    found = _find(client)
    assert found.status_code == 403 and b"Aalberts" not in found.content
    exported = client.post(f"{EXPORT}?handeling=create")
    assert exported.status_code == 403
    assert ProcessingLogEntry.objects.count() == before
