"""Dutch formats everywhere (issue #12, ADR 0108): € 1.234,56 and dd-mm-jjjj in every language."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from meldpunt.cases.models import Track
from meldpunt.cases.services import case_assign
from meldpunt.core.templatetags.dutch import (
    format_count,
    format_datum,
    format_datumtijd,
    format_euro,
)
from meldpunt.intake.services import signal_submit

from .conftest import signal_data


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.56"), "€ 1.234,56"),
        ("1234.56", "€ 1.234,56"),
        ("1.234,56", "€ 1.234,56"),
        (750, "€ 750,00"),
        (Decimal("1234567.8"), "€ 1.234.567,80"),
        (Decimal("0.5"), "€ 0,50"),
        (Decimal("-12.5"), "€ -12,50"),
        ("", ""),
        (None, ""),
        ("geen bedrag", "geen bedrag"),
    ],
)
def test_euro(value, shown):
    assert format_euro(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1_000_000, "1.000.000"),
        (12_345, "12.345"),
        (999, "999"),
        (0, "0"),
        (-4_321, "-4.321"),
        (True, "True"),  # not a count
        (None, ""),
        ("1234", "1234"),  # text is shown as it is
    ],
)
def test_counts_have_a_point_between_thousands(value, shown):
    assert format_count(value) == shown


def test_the_dashboard_and_the_home_screen_count_the_dutch_way():
    from meldpunt.reporting.templatetags.figure_cells import cell

    assert cell(1_234_567) == "1.234.567"
    assert cell(None) != "None"
    with translation.override("en"):
        page = Template(
            "{% load dutch %}{% for n in counts %}<b>{{ n|aantal }}</b>{% endfor %}"
        ).render(Context({"counts": [48_210, 7]}))
    assert page == "<b>48.210</b><b>7</b>"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2026, 3, 4), "04-03-2026"),
        ("1980-05-17", "17-05-1980"),
        # 23:30 UTC on 31 December is already New Year's Day in the Netherlands.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "01-01-2027"),
        ("", ""),
        ("onbekend", "onbekend"),
    ],
)
def test_datum(value, shown):
    assert format_datum(value) == shown


def test_datumtijd_in_dutch_time():
    assert format_datumtijd(datetime(2026, 7, 1, 12, 5, tzinfo=UTC)) == "01-07-2026 14:05"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_django_renders_dates_and_numbers_the_dutch_way_in_both_languages(language):
    template = Template("{% load l10n %}{{ day }} {{ amount }} {{ amount|floatformat:'2g' }}")
    with translation.override(language):
        text = template.render(Context({"day": date(2026, 3, 4), "amount": Decimal("1234.5")}))
    assert text == "04-03-2026 1234,5 1.234,50"


@pytest.mark.django_db
def test_case_page_shows_amounts_and_birth_dates_in_dutch(covenant, users, clients):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(achterstand_bedrag="1.234,56", maandhuur="750", geboortedatum="1980-05-17"),
    )
    if signal.case.provider is None:
        case_assign(case_id=signal.case_id, provider=covenant["centram"],
                    track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    for language in ("nl", "en"):
        client = clients["regie"]
        client.cookies["django_language"] = language
        html = client.get(
            reverse("cases:case-detail", args=[signal.case.public_id]),
            HTTP_ACCEPT_LANGUAGE=language,
        ).content.decode()
        assert "€ 1.234,56" in html and "€ 750,00" in html, language
        assert "17-05-1980" in html and "1980-05-17" not in html, language


def test_stored_fields_read_as_a_person_reads_them():
    from meldpunt.core.templatetags.dutch import field_label, field_value

    assert field_label("achterstand_bedrag") == "Achterstand bedrag"
    assert field_value("1234.56", "achterstand_bedrag") == "€ 1.234,56"
    assert field_value("2026-03-04", "signaaldatum") == "04-03-2026"
    assert field_value("2026-03-04T10:15:00+00:00") == "04-03-2026 11:15"
    assert field_value(True) == "ja" and field_value("", "x") == "—"
    assert field_value("12", "huisnummer") == "12"
