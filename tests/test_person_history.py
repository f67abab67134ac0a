"""Who may know of a person's other cases (issue #12, docs/adr/0117): the case page's "earlier
and other cases" is scoped per role, and every case shown there, also as a hint, is logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from meldpunt.cases.models import Case, Signal, Track
from meldpunt.cases.selectors import person_history
from meldpunt.cases.services import case_assign, case_close
from meldpunt.cases.vocabulary import NO_CONTACT
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db

PERSON = {"achternaam": "Herhaler", "geboortedatum": "1966-06-06"}


def _submit(covenant, users, partner, **overrides) -> Signal:
    user = users[partner]
    return signal_submit(
        partner=user.organisation, submitted_by=user, raw=signal_data(**PERSON, **overrides)
    )


def _assign(users, case: Case, provider) -> Case:
    return case_assign(
        case_id=case.pk, provider=provider, track=Track.VROEG_EROPAF, by=users["regie"],
        reason="test",
    )  # fmt: skip


@pytest.fixture
def cases(covenant, users):
    """Case A (Doras, closed), then case B (Centram) of the same person in Amsterdam, and a
    case C of the same person in Diemen."""
    a = _submit(covenant, users, "eigen-haard", partner_referentie="EH-H1").case
    _assign(users, a, covenant["doras"])
    case_close(case_id=a.pk, by=users["doras"], end_result=NO_CONTACT)
    b = _submit(covenant, users, "ymere", partner_referentie="YM-H1").case
    _assign(users, b, covenant["centram"])
    c = _submit(covenant, users, "diemen-verhuurder", partner_referentie="WD-H1",
                postcode="1111 AA", woonplaats="Diemen", straat="Ouddiemerlaan").case  # fmt: skip
    assert len({a.pk, b.pk, c.pk}) == 3 and c.municipality_id != b.municipality_id
    people = {frozenset(x.members.values_list("person_id", flat=True)) for x in (a, b, c)}
    assert len(people) == 1  # one person, three cases
    return {"a": Case.objects.get(pk=a.pk), "b": Case.objects.get(pk=b.pk), "c": c}


def _new_log(before: int):
    return list(ProcessingLogEntry.objects.filter(sequence__gt=before, name="case.person_history"))


def _head() -> int:
    last = ProcessingLogEntry.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def test_regie_sees_the_municipalitys_earlier_case_whole_and_it_is_logged(cases, users):
    before = _head()
    history = person_history(cases["b"], users["regie"])
    assert [h["case"].pk for h in history] == [cases["a"].pk] and history[0]["visible"]
    (entry,) = _new_log(before)
    assert entry.data_subject_id == str(cases["a"].subject_id)
    assert entry.actor == users["regie"] and entry.object_id == str(cases["a"].public_id)
    assert "end_result" in entry.fields


def test_a_provider_gets_only_a_hint_of_another_providers_case(cases, users, clients):
    history = person_history(cases["b"], users["centram"])
    assert history == [{"visible": False, "opened": history[0]["opened"]}]
    assert history[0]["opened"].day == 1  # the month only
    before = _head()
    html = (
        clients["centram"]
        .get(reverse("cases:case-detail", args=[cases["b"].public_id]))
        .content.decode()
    )
    assert "Er is een zaak bij een andere organisatie" in html
    assert cases["a"].reference not in html and str(cases["a"].public_id) not in html
    (entry,) = _new_log(before)
    assert entry.data_subject_id == str(cases["a"].subject_id) and entry.fields == ["opened_at"]


def test_the_provider_of_the_earlier_case_sees_its_own_case_whole(cases, users, covenant):
    _assign(users, cases["b"], covenant["doras"])
    history = person_history(cases["b"], users["doras"])
    assert history[0]["visible"] and history[0]["case"].pk == cases["a"].pk


def test_another_municipalitys_cases_are_not_mentioned_at_all(cases, users):
    assert cases["c"].pk not in [h["case"].pk for h in person_history(cases["b"], users["regie"])]
    before = _head()
    assert person_history(cases["c"], users["diemen-regie"]) == []
    assert _new_log(before) == []


def test_a_person_without_other_cases_logs_nothing(cases, users):
    before = _head()
    assert person_history(cases["c"], users["diemen-hulpverlener"]) == []
    assert _new_log(before) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_the_history_is_found_from_the_persons_not_by_walking_the_municipality(cases, users):
    """Without statistics (a database migrated empty, as every SQLite install starts) one
    statement with subqueries let SQLite walk every case of the municipality; each read of the
    history must search by a key it holds (issue 14: 0.7 s of the case page on 1M cases)."""
    seen: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert person_history(cases["b"], users["regie"])
    assert seen
    for sql, params in seen:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[-1] for row in cursor.fetchall()]
        walks = [s for s in steps if s.startswith("SCAN") or "(municipality_id=?)" in s]
        assert not walks, (sql, steps)
