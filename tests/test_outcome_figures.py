"""Bailiff hand-overs and evictions on the dashboard, with and without a valid verklaring, per
year and per landlord, on a small hand-checked data set (issue #11, ADR 0106).

Amsterdam, registered by the landlords (one tenancy per line):

    landlord     tenant  outcome                      date        valid verklaring that day
    Eigen Haard  A       deurwaarder                  2025-04-01  yes (issued 2025-03-01)
    Eigen Haard  A       ontruiming-uitgevoerd        2026-02-10  no (the verklaring was a bailiff one)
    Eigen Haard  B       deurwaarder                  2026-03-05  no
    Eigen Haard  B       deurwaarder                  2026-03-06  no — withdrawn, so not counted
    Ymere        C       ontruiming-aangezegd         2025-08-01  no — announced, not counted
    Ymere        C       ontruiming-uitgevoerd        2025-09-15  no
    Ymere        D       deurwaarder                  2026-01-20  no
    Diemen       E       ontruiming-uitgevoerd        2026-05-01  no — another municipality

Known answers for Amsterdam, January 2025 up to now (bailiff with / without, eviction with /
without): 2025 → 1, 0, 0, 1 (2); 2026 → 0, 2, 0, 1 (3); all → 1, 2, 0, 2 (5); Eigen Haard
1, 1, 0, 1 (3); Ymere 0, 1, 0, 1 (2). Headline: 2 evictions, both without a valid verklaring;
2 bailiff hand-overs without one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.models import Instrument
from meldpunt.cases.services import landlord_instrument_record
from meldpunt.intake.services import signal_submit
from meldpunt.reporting.figures import figures_refresh
from meldpunt.reporting.kpis import dashboard
from meldpunt.safeguards.models import Attestation
from meldpunt.safeguards.services import (
    safeguard_check_ask,
    tenancy_outcome_record,
    tenancy_outcome_withdraw,
)

from .conftest import signal_data

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)
COLUMNS = ["deurwaarder:met", "deurwaarder:zonder", "ontruiming-uitgevoerd:met",
           "ontruiming-uitgevoerd:zonder"]  # fmt: skip


def tenant(covenant, users, landlord, user, n, postcode="1012 LG"):
    return signal_submit(
        partner=covenant[landlord], submitted_by=users[user],
        raw=signal_data(partner_referentie=f"UIT-{n}", achternaam=f"Huurder{'ABCDE'[n]}",
                        huisnummer=str(20 + n), postcode=postcode),
    )  # fmt: skip


def outcome(users, user, signal, kind, on):
    return tenancy_outcome_record(by=users[user], tenancy_id=signal.tenancy_id, kind=kind,
                                  occurred_on=on)  # fmt: skip


@pytest.fixture
def outcomes(covenant, users):
    a = tenant(covenant, users, "eigen-haard", "eigen-haard", 0)
    b = tenant(covenant, users, "eigen-haard", "eigen-haard", 1)
    c = tenant(covenant, users, "ymere", "ymere", 2, postcode="1021 JK")
    d = tenant(covenant, users, "ymere", "ymere", 3, postcode="1021 JK")
    e = tenant(covenant, users, "woonstichting-diemen-demo", "diemen-verhuurder", 4,
               postcode="1111 AB")  # fmt: skip
    today = timezone.localdate()
    landlord_instrument_record(
        tenancy_id=a.tenancy_id, by=users["eigen-haard"],
        instrument=Instrument.objects.get(code="betalingsregeling-verhuurder"),
        deployed_on=today - timedelta(days=30), first_due_on=today - timedelta(days=15),
        agreements="5 termijnen",
    )  # fmt: skip
    check = safeguard_check_ask(tenancy_id=a.tenancy_id, by=users["eigen-haard"],
                                question="deurwaarder")  # fmt: skip
    assert check.allowed
    Attestation.objects.filter(pk=check.attestation.pk).update(
        issued_at=timezone.make_aware(timezone.datetime(2025, 3, 1, 12))
    )
    recorded = [
        outcome(users, "eigen-haard", a, "deurwaarder", date(2025, 4, 1)),
        outcome(users, "eigen-haard", a, "ontruiming-uitgevoerd", date(2026, 2, 10)),
        outcome(users, "eigen-haard", b, "deurwaarder", date(2026, 3, 5)),
        outcome(users, "eigen-haard", b, "deurwaarder", date(2026, 3, 6)),
        outcome(users, "ymere", c, "ontruiming-aangezegd", date(2025, 8, 1)),
        outcome(users, "ymere", c, "ontruiming-uitgevoerd", date(2025, 9, 15)),
        outcome(users, "ymere", d, "deurwaarder", date(2026, 1, 20)),
        outcome(users, "diemen-verhuurder", e, "ontruiming-uitgevoerd", date(2026, 5, 1)),
    ]
    assert [o.verklaring_valid for o in recorded] == [True] + [False] * 7
    tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=b.tenancy_id,
                             outcome_id=recorded[3].public_id, reason="vergissing")  # fmt: skip
    figures_refresh(months=24, today=today)
    return recorded


def cells_by_row(table):
    """{row key: [cells in COLUMNS order]}, checking the columns are the expected ones."""
    assert len(table.columns) == len(COLUMNS)
    return {key: cells for key, cells in zip(table.row_keys, table.cells, strict=True)}


def test_per_year_and_per_landlord_with_known_answers(outcomes, users, covenant, settings):
    settings.MELDPUNT_SUPPRESSION_K = 1  # the hand-checked figures, unsuppressed
    today = timezone.localdate()
    result = dashboard(users["beleid"], start=START, end=today, breakdown="partner")
    per_year = result.table("uitkomsten-per-jaar")
    assert cells_by_row(per_year) == {2025: [1, 0, 0, 1], 2026: [0, 2, 0, 1]}
    assert per_year.row_totals == [2, 3] and per_year.total == 5
    per_landlord = result.table("uitkomsten")
    by_partner = cells_by_row(per_landlord)
    assert by_partner == {
        covenant["eigen-haard"].pk: [1, 1, 0, 1],
        covenant["ymere"].pk: [0, 1, 0, 1],
    }
    assert per_landlord.column_totals == [1, 2, 0, 2] and per_landlord.total == 5
    assert set(per_landlord.rows) == {covenant["eigen-haard"].name, covenant["ymere"].name}
    assert result.headline["evictions"] == 2
    assert result.headline["evictions_without_verklaring"] == 2
    assert result.headline["bailiff_without_verklaring"] == 2
    # A single year: only that year's outcomes.
    only_2025 = dashboard(users["beleid"], start=START, end=date(2025, 12, 31))
    assert only_2025.table("uitkomsten").column_totals == [1, 0, 0, 1]


def test_each_landlord_sees_its_own_and_a_provider_none(outcomes, users, settings):
    settings.MELDPUNT_SUPPRESSION_K = 1
    today = timezone.localdate()
    own = dashboard(users["eigen-haard"], start=START, end=today)
    assert own.table("uitkomsten").column_totals == [1, 1, 0, 1]
    assert cells_by_row(own.table("uitkomsten-per-jaar")) == {2025: [1, 0, 0, 0],
                                                             2026: [0, 1, 0, 1]}  # fmt: skip
    assert dashboard(users["ymere"], start=START, end=today).headline["evictions"] == 1
    provider = dashboard(users["centram"], start=START, end=today)
    assert all(not t.slug.startswith("uitkomsten") for t in provider.tables)
    assert "evictions" not in provider.headline


def test_small_counts_are_suppressed_on_the_dashboard(outcomes, users, settings):
    settings.MELDPUNT_SUPPRESSION_K = 10
    result = dashboard(users["beleid"], start=START, end=timezone.localdate(), breakdown="partner")
    table = result.table("uitkomsten")
    assert all(c in (0, None) for row in table.cells for c in row)
    assert result.headline["evictions_without_verklaring"] is None


def test_dashboard_page_shows_the_table_and_the_headline(outcomes, clients, settings):
    settings.MELDPUNT_SUPPRESSION_K = 1
    response = clients["beleid"].get(reverse("reporting:dashboard"), {"start": "2025-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deurwaarder en ontruimingen, met en zonder geldige verklaring" in html
    assert "Ontruimingen zonder geldige verklaring Sluitende Aanpak" in html
    download = clients["beleid"].get(
        reverse("reporting:table-download", args=["uitkomsten-per-jaar", "csv"]),
        {"start": "2025-01"},
    )
    assert download.status_code == 200
    lines = b"".join(download.streaming_content if download.streaming else [download.content])
    assert b"2025" in lines and b"2026" in lines
