"""Triage's two lists read their page from an index in the list's own order (issue 14).

On a million cases the waiting list (ontvangen: crisis first, oldest first) sorted every waiting
case of the municipality for each page: 212 ms of SQL on SQLite with 50,000 waiting, the
recently routed list 54 ms; with the partial indexes case_triage_waiting and case_triage_routed
the page reads 50 index entries (7 ms for the whole page's SQL; make bench, tests/bench/scale.py).
The order people see is checked on both engines; the plan is SQLite's EXPLAIN QUERY PLAN of the
statements the page runs, with the same parameters.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.models import Case
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.pipeline import IntakeRun

from .conftest import signal_data

NAMES = ("Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos")


@contextmanager
def ordered_case_reads():
    """The (sql, params) of every ordered read of the case table while the block runs."""
    seen: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        if 'FROM "cases_case"' in sql and "ORDER BY" in sql:
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.fixture
def triage_world(covenant):
    """Eight cases of one municipality: four waiting, four routed, one of each in crisis, with
    distinct times so that the order is known."""
    IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand").process(
        [
            (n, signal_data(partner_referentie=f"T-{n}", achternaam=name))
            for n, name in enumerate(NAMES, start=1)
        ]
    )
    cases = list(Case.objects.order_by("id"))
    assert len(cases) == len(NAMES)
    now = timezone.now()
    waiting, routed = cases[:4], cases[4:]
    for age, case in enumerate(waiting):
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.RECEIVED, opened_at=now - timedelta(days=10 - age),
            crisis=age == 2, assigned_at=None,
        )  # fmt: skip
    for age, case in enumerate(routed):
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.ASSIGNED, assigned_at=now - timedelta(days=1 + age),
            crisis=age == 3,
        )  # fmt: skip
    return waiting, routed


def references_in(html: str, cases: list[Case]) -> list[str]:
    """The cases' references in the order they appear on the page."""
    wanted = {case.reference for case in cases}
    return [ref for ref in re.findall(r"[Zz]aak ([0-9a-f]{8})", html) if ref in wanted]


@pytest.mark.django_db
def test_triage_lists_crisis_first_then_by_their_own_time(triage_world, clients):
    waiting, routed = triage_world
    html = clients["regie"].get(reverse("intake:triage")).content.decode()
    # Waiting: the crisis case, then the oldest first.
    assert references_in(html, waiting) == [
        waiting[2].reference, waiting[0].reference, waiting[1].reference, waiting[3].reference
    ]  # fmt: skip
    # Recently routed: the crisis case, then the newest first.
    assert references_in(html, routed) == [
        routed[3].reference, routed[0].reference, routed[1].reference, routed[2].reference
    ]  # fmt: skip


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
@pytest.mark.django_db
def test_triage_pages_are_read_from_their_index_without_sorting(triage_world, clients):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")  # statistics as after an upgrade
    with ordered_case_reads() as seen:
        assert clients["regie"].get(reverse("intake:triage")).status_code == 200
    used: set[str] = set()
    for sql, params in seen:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[-1] for row in cursor.fetchall()]
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), (sql, steps)
        used |= {
            name
            for name in ("case_triage_waiting", "case_triage_routed")
            if any(f"INDEX {name}" in step for step in steps)
        }
    assert used == {"case_triage_waiting", "case_triage_routed"}
