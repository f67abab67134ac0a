"""The KPIs of early detection on a small hand-checked data set (issue #11).

March 2026, Amsterdam: five signals of Eigen Haard and one of Ymere, each about another household,
every case assigned to Centram and opened on Monday 2 March (first attempt due within five working
days: on or before Monday 9 March).

    case  partner      first attempt   first contact   instrument      closed (March)
    1     Eigen Haard  3 Mar (+1)      5 Mar (+3)      budgetbeheer    yes, new signal in May
    2     Eigen Haard  4 Mar (+2)      4 Mar (+2)      budgetadvies    -
    3     Eigen Haard  12 Mar (+10)    -               -               -
    4     Eigen Haard  -               -               -               -
    5     Eigen Haard  3 Mar (+1)      -               -               -
    6     Ymere        2 Mar (+0)      2 Mar (+0)      schuldhulp      yes, no new signal

Known answers: 6 signals (5 / 1), 5 taken up (a first attempt picks a case up), 6 cases, 5 with an attempt, 3 reached (50 %); days to first
attempt 0, 1, 1, 2, 10 (median 1, p90 10), to first contact 0, 2, 3 (median 2, p90 3); on time
4 (1, 2, 5, 6), late 2 (3 after the deadline, 4 never tried); instruments budget 2, schuldhulp
1, budgetbeheer share 1/3; two cases closed in March, one with a new signal within 6 months:
recurrence 50 % of 2 followed (the 12-month horizon has passed for neither in November 2026).
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meldpunt.cases.models import (
    Case,
    ContactAttempt,
    Instrument,
    InstrumentDeployment,
    Signal,
    Track,
)
from meldpunt.cases.services import (
    case_assign,
    case_close,
    contact_attempt_record,
    instrument_deploy,
)
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.intake.services import signal_submit
from meldpunt.reporting.figures import figures_refresh
from meldpunt.reporting.kpis import dashboard
from meldpunt.reporting.models import Figure
from meldpunt.safeguards.models import Outcome, SafeguardCheck
from meldpunt.safeguards.services import safeguard_check_ask

from .conftest import signal_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
SURNAMES = ["Aalders", "Bakker", "Claassen", "Dijkstra", "Evers", "Fransen", "Gerritsen"]


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def submit(covenant, users, partner: str, n: int):
    raw = signal_data(
        partner_referentie=f"{partner[:2].upper()}-{n}", achternaam=SURNAMES[n], huisnummer=str(n + 10),
        email=f"huurder{n}@example.org",
    )  # fmt: skip
    return signal_submit(partner=covenant[partner], raw=raw, submitted_by=users[partner])


def attempt(case_id, users, on: date, reached: bool):
    contact_attempt_record(
        case_id=case_id, by=users["centram"], kind="Huisbezoek", reached=reached,
        on=timezone.localdate(), part_of_day="Middag",
    )  # fmt: skip
    latest = ContactAttempt.objects.filter(case_id=case_id).order_by("-pk").first()
    ContactAttempt.objects.filter(pk=latest.pk).update(on=on)


def deploy(case_id, users, code: str):
    instrument_deploy(
        case_id=case_id, by=users["centram"], instrument=Instrument.objects.get(code=code),
        deployed_on=timezone.localdate(), first_due_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    InstrumentDeployment.objects.filter(case_id=case_id).update(deployed_on=date(2026, 3, 10))


@pytest.fixture
def march(covenant, users):
    signals = [submit(covenant, users, "eigen-haard", n) for n in range(1, 6)]
    signals.append(submit(covenant, users, "ymere", 6))
    cases = []
    for signal in signals:
        assert signal.case_id, signal.decision
        case_assign(
            case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
            by=users["regie"],
        )  # fmt: skip
        cases.append(signal.case_id)
    c1, c2, c3, c4, c5, c6 = cases
    attempt(c1, users, date(2026, 3, 3), False)
    attempt(c1, users, date(2026, 3, 5), True)
    attempt(c2, users, date(2026, 3, 4), True)
    attempt(c3, users, date(2026, 3, 12), False)
    attempt(c5, users, date(2026, 3, 3), False)
    attempt(c6, users, date(2026, 3, 2), True)
    deploy(c1, users, "budgetbeheer")
    deploy(c2, users, "budgetadvies")
    deploy(c6, users, "schuldhulpverlening")
    case_close(
        case_id=c1, by=users["centram"], end_result="Vervolghulp en/of verwijzing financieel"
    )
    case_close(case_id=c6, by=users["centram"], end_result="(Budget)advies en/of quick fix")
    check = safeguard_check_ask(
        tenancy_id=Signal.objects.get(case_id=c4).tenancy_id, by=users["eigen-haard"],
        question="deurwaarder",
    )  # fmt: skip
    assert check.outcome == Outcome.NOT_ALLOWED  # no help offered yet
    SafeguardCheck.objects.filter(pk=check.pk).update(asked_on=date(2026, 3, 20))
    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(received_at=at(date(2026, 3, 2)))
    Case.objects.filter(pk__in=cases).update(opened_at=at(date(2026, 3, 2)))
    Case.objects.filter(pk__in=[c1, c6]).update(closed_at=at(date(2026, 3, 25)))
    # May: a new signal about the household of case 1 (another arrears, the case was closed).
    again = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EI-1b", achternaam=SURNAMES[1], huisnummer="11",
                        email="huurder1@example.org"),
    )  # fmt: skip
    assert again.person_id == Signal.objects.get(case_id=c1).person_id
    Signal.objects.filter(pk=again.pk).update(received_at=at(date(2026, 5, 12)))
    if again.case_id and again.case_id != c1:
        Case.objects.filter(pk=again.case_id).update(opened_at=at(date(2026, 5, 12)))
    figures_refresh(months=None, today=TODAY)
    return cases


@pytest.fixture
def k1(settings):
    settings.MELDPUNT_SUPPRESSION_K = 1  # the hand-checked figures, unsuppressed


def test_every_kpi_of_the_hand_checked_month(march, users, k1):
    result = dashboard(users["beleid"], start=MARCH[0], end=MARCH[1])
    h = result.headline
    assert h["signals_received"] == 6
    assert h["taken_up_share"] == round(500 / 6, 1)  # case 4 was never picked up
    assert h["reached_share"] == 50.0
    assert (h["first_attempt_median"], h["first_attempt_p90"]) == (1, 10)
    assert (h["first_contact_median"], h["first_contact_p90"]) == (2, 3)
    assert h["budgetbeheer_share"] == round(100 / 3, 1)
    assert h["deadline_share"] == round(400 / 6, 1)
    assert h["recurrence_6m_share"] == 50.0
    assert h["recurrence_12m_share"] is None  # nobody followed for 12 months yet
    reach = result.table("bereik")
    assert reach.cells == [[1, 2, 3]] and reach.total == 6
    deadline = result.table("termijnen")
    assert deadline.cells == [[4, 2]] and deadline.total == 6
    instruments = result.table("instrumenten")
    assert dict(zip(instruments.columns, instruments.cells[0], strict=True)) == {
        "budget": 2, "schuldhulp": 1,
    }  # fmt: skip
    results = result.table("eindresultaten")
    assert dict(zip(results.columns, results.cells[0], strict=True)) == {
        "(Budget)advies en/of quick fix": 1, "Vervolghulp en/of verwijzing financieel": 1,
    }  # fmt: skip
    checks = result.table("toetsen")
    assert dict(zip(checks.columns, checks.cells[0], strict=True)) == {
        "deurwaarder: niet-toegestaan": 1
    }
    assert result.table("terugkeer-6").cells == [[1, 1]]
    signals = result.table("signalen")
    status = dict(zip(signals.columns, signals.cells[0], strict=True))
    assert status[SignalStatus.PICKED_UP] == 5 and status[SignalStatus.NOT_YET_PICKED_UP] == 1
    assert sum(status.values()) == 6


def test_by_partner_the_landlords_share_the_total(march, users, k1):
    result = dashboard(users["beleid"], start=MARCH[0], end=MARCH[1], breakdown="partner")
    signals = result.table("signalen")
    by_partner = dict(zip(signals.rows, signals.row_totals, strict=True))
    assert by_partner == {"Eigen Haard": 5, "Ymere": 1}
    assert signals.total == 6
    reach = result.table("bereik")
    assert dict(zip(reach.rows, reach.cells, strict=True)) == {
        "Eigen Haard": [1, 2, 2], "Ymere": [0, 0, 1],
    }  # fmt: skip


def test_a_partner_and_a_provider_see_only_their_own_figures(march, users, k1):
    own = dashboard(users["ymere"], start=MARCH[0], end=MARCH[1])
    assert own.headline["signals_received"] == 1
    assert own.table("bereik").cells == [[0, 0, 1]]
    assert (
        dashboard(users["eigen-haard"], start=MARCH[0], end=MARCH[1]).headline["signals_received"]
        == 5
    )
    assert dashboard(users["doras"], start=MARCH[0], end=MARCH[1]).table("bereik").total == 0
    assert dashboard(users["centram"], start=MARCH[0], end=MARCH[1]).table("bereik").total == 6
    # Diemen's staff see nothing of Amsterdam.
    assert (
        dashboard(users["diemen-verhuurder"], start=MARCH[0], end=MARCH[1]).headline[
            "signals_received"
        ]
        == 0
    )


def test_the_trend_is_by_month_and_adds_up_to_the_period(march, users, k1):
    result = dashboard(users["beleid"], start=date(2026, 3, 1), end=date(2026, 5, 31))
    trend = result.table("signalen-per-maand")
    assert trend.rows == ["2026-03", "2026-04", "2026-05"]
    assert trend.row_totals == [6, 0, 1] and trend.total == 7


def test_the_period_is_the_sum_of_its_months_from_one_read_of_the_figures(march, users, k1):
    """Issue #14: the figures without a breakdown are summed from the same read as the trend by
    month; breakdowns by partner or district read once more, never the whole period again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = {"start": date(2026, 2, 1), "end": date(2026, 5, 31)}
    for breakdown, reads in (("", 1), ("month", 1), ("partner", 2), ("district", 2)):
        with CaptureQueriesContext(connection) as queries:
            result = dashboard(users["beleid"], breakdown=breakdown, **period)
        figure_reads = [q for q in queries if 'FROM "reporting_figure"' in q["sql"]]
        assert len(figure_reads) == reads, breakdown
        assert result.headline["signals_received"] == 7, breakdown
        # Derived measures (not reached = attempted - reached) are summed, not derived twice.
        assert result.headline["reached_share"] == round(300 / 7, 1), breakdown
        assert result.table("bereik").column_totals == [2, 2, 3], breakdown  # May's case: none
        assert result.table("terugkeer-6").column_totals == [1, 1], breakdown


def test_a_cell_reads_as_the_count_or_suppressed_in_both_languages(march, clients, settings):
    settings.MELDPUNT_SUPPRESSION_K = 10
    url = reverse("reporting:dashboard")
    cell = '<td class="utrecht-table__cell utrecht-table__cell--numeric">'
    html = clients["beleid"].get(url, {"start": "2026-03", "end": "2026-03"}).content.decode()
    assert f'{cell}<span class="mp-suppressed">afgeschermd</span></td>' in html
    assert f"{cell}0</td>" in html  # a zero is published as it is
    settings.MELDPUNT_SUPPRESSION_K = 1
    html = clients["beleid"].get(url, {"start": "2026-03", "end": "2026-03"}).content.decode()
    assert f"{cell}6</td>" in html and "<dd>6</dd>" in html  # the signals: a cell, the headline
    client = clients["beleid"]
    client.cookies["django_language"] = "en"
    settings.MELDPUNT_SUPPRESSION_K = 10
    html = client.get(url, {"start": "2026-03", "end": "2026-03"}).content.decode()
    assert f'{cell}<span class="mp-suppressed">suppressed</span></td>' in html


def test_small_counts_are_suppressed_on_the_dashboard(march, users, settings):
    settings.MELDPUNT_SUPPRESSION_K = 10
    result = dashboard(users["beleid"], start=MARCH[0], end=MARCH[1], breakdown="partner")
    for table in result.tables:
        for value in [
            *(v for row in table.cells for v in row),
            *table.row_totals,
            *table.column_totals,
            table.total,
        ]:
            assert value is None or value == 0 or value >= 10
    assert result.headline["signals_received"] is None
    assert result.headline["reached_share"] is None


def test_recurrence_counts_only_once_the_horizon_has_passed(march, users, k1):
    figures_refresh(months=None, today=date(2026, 6, 30))  # three months after closing
    assert not Figure.objects.filter(measure="recurrence.followed_6m").exists()
    figures_refresh(months=None, today=date(2026, 9, 25))
    assert (
        Figure.objects.filter(measure="recurrence.6m", partner=None, partner_type="").get().value
        == 1
    )


# -- the screens -------------------------------------------------------------------------------


def test_beleid_sees_the_dashboard_with_charts_tables_and_downloads(march, clients, k1):
    page = clients["beleid"].get(
        reverse("reporting:dashboard"),
        {"start": "2026-03", "end": "2026-03", "breakdown": "partner"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cijfers vroegsignalering" in html and "Eigen Haard" in html
    assert html.count("<canvas") == html.count('<table class="utrecht-table mp-table')
    assert "vendor/chartjs/chart.umd.min.js" in html
    csv = clients["beleid"].get(
        reverse("reporting:table-download", args=["signalen", "csv"]),
        {"start": "2026-03", "end": "2026-03", "breakdown": "partner"},
    )
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[2].startswith("signaalpartner;Opgepakt;")
    assert "Eigen Haard;4;1;" in lines[3] and lines[3].endswith(";5")
    assert lines[-1].startswith("totaal;5;1;") and lines[-1].endswith(";6")
    workbook = clients["beleid"].get(
        reverse("reporting:table-download", args=["alle", "xlsx"]),
        {"start": "2026-03", "end": "2026-03"},
    )
    sheets = load_workbook(io.BytesIO(workbook.content), read_only=True)
    assert "signalen" in sheets.sheetnames and "bereik" in sheets.sheetnames
    rows = list(sheets["bereik"].values)
    assert rows[2] == (None, "geen contactpoging", "poging, niet bereikt", "bereikt", "zaken")
    assert rows[3] == ("zaken", 1, 2, 3, 6)


def test_suppressed_cells_read_as_such_in_every_download(march, clients, settings):
    settings.MELDPUNT_SUPPRESSION_K = 10
    html = clients["beleid"].get(reverse("reporting:dashboard"), {"start": "2026-03"}).content
    assert b"afgeschermd" in html
    csv = clients["beleid"].get(
        reverse("reporting:table-download", args=["bereik", "csv"]), {"start": "2026-03"}
    )
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "afgeschermd" in text and ";3;" not in text and ";6" not in text


def test_who_may_see_figures(march, clients, k1):
    url = reverse("reporting:dashboard")
    for key in ("beleid", "eigen-haard", "centram", "energie"):
        assert clients[key].get(url).status_code == 200, key
    for key in ("regie", "privacy", "beheer"):
        assert clients[key].get(url).status_code == 403, key
    assert Client().get(url).status_code == 302
    # A partner cannot ask for another breakdown than its own figures by district or month.
    page = clients["ymere"].get(url, {"start": "2026-03", "breakdown": "partner"})
    assert b"Eigen Haard" not in page.content


def test_a_bad_period_gets_a_dutch_message(clients, users):
    page = clients["beleid"].get(
        reverse("reporting:dashboard"), {"start": "2026-13", "end": "2026-01"}
    )
    assert page.status_code == 200
    assert "Vul een maand in als jjjj-mm" in page.content.decode()
    page = clients["beleid"].get(
        reverse("reporting:dashboard"), {"start": "2026-05", "end": "2026-01"}
    )
    assert "De eerste maand ligt na de laatste." in page.content.decode()
    # A month with no next month (year 9999) was a 500; the range is bounded, as in the API.
    for params in ({"end": "9999-12"}, {"start": "0001-01", "end": "0001-02"}):
        page = clients["beleid"].get(reverse("reporting:dashboard"), params)
        assert page.status_code == 200
        assert "Kies een maand van 2000-01 tot en met 2099-12." in page.content.decode()
        download = clients["beleid"].get(
            reverse("reporting:table-download", args=["signalen", "csv"]), params
        )
        assert download.status_code == 200
    for slug, extension in (("geen-tabel", "csv"), ("signalen", "pdf")):
        response = clients["beleid"].get(
            reverse("reporting:table-download", args=[slug, extension])
        )
        assert response.status_code == 404


def test_the_command_refreshes_the_figures(march, users):
    Figure.objects.all().delete()
    out = io.StringIO()
    call_command("refresh-figures", "--all", stdout=out)
    assert "Cijfers bijgewerkt" in out.getvalue()
    assert Figure.objects.filter(measure="signals.received").exists()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("breakdown", ["", "partner", "month", "district"])
def test_a_table_prints_as_its_template(march, users, settings, language, breakdown):
    """figure_table prints what reporting/table.html prints, suppressed cells included."""
    from django.template.loader import render_to_string
    from django.utils.translation import override

    from meldpunt.reporting.templatetags.figure_cells import figure_table

    settings.MELDPUNT_SUPPRESSION_K = 2
    with override(language):
        result = dashboard(users["beleid"], start=date(2026, 2, 1), end=MARCH[1],
                           breakdown=breakdown)  # fmt: skip
        tables = [*result.trend, *result.tables]
        for table in tables:
            assert figure_table(table) == render_to_string("reporting/table.html", {"table": table})
    cells = [v for t in tables for row in t.cells for v in row]
    assert None in cells and any(cells) and any(t.row_label for t in tables)
    assert any("nl" in t.column_languages for t in tables)
