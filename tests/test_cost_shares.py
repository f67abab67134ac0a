"""Cost shares (art. 8.1): the cost key and the statement per participant (issue #11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.core.models import ConfigurationChange
from meldpunt.organisations.models import Municipality
from meldpunt.reporting.costs import cost_key_set, cost_statement
from meldpunt.reporting.models import CostMethod, Figure

pytestmark = pytest.mark.django_db

PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def amsterdam(covenant):
    return Municipality.objects.get(code="0363")


@pytest.fixture
def counts(amsterdam, covenant):
    """Figures as the refresh writes them: Eigen Haard 30 signals / 20 cases, Ymere 10 / 10,
    De Key nothing; one month outside the period."""
    rows = []
    for slug, month, signals, cases in (
        ("eigen-haard", date(2026, 2, 1), 20, 12),
        ("eigen-haard", date(2026, 5, 1), 10, 8),
        ("ymere", date(2026, 3, 1), 10, 10),
        ("ymere", date(2026, 7, 1), 99, 99),
    ):
        partner = covenant[slug]
        rows += [
            Figure(month=month, municipality=amsterdam, measure="signals.received",
                   partner=partner, partner_type="Huur", value=signals),
            Figure(month=month, municipality=amsterdam, measure="cases.opened",
                   partner=partner, partner_type="Huur", value=cases),
        ]  # fmt: skip
    Figure.objects.bulk_create(rows)


def test_per_signal_per_case_and_fixed(amsterdam, counts, users, covenant):
    cost_key_set(
        by=users["beheer"], municipality=amsterdam, method=CostMethod.PER_SIGNAL,
        yearly_amount=Decimal("12000"),
    )  # fmt: skip
    statement = cost_statement(by=users["beleid"], municipality=amsterdam, start=PERIOD[0],
                               end=PERIOD[1])  # fmt: skip
    assert statement.amount == Decimal("6000.00")  # six months of 12,000 a year
    eh, ym = (
        statement.line_for(covenant["eigen-haard"].pk),
        statement.line_for(covenant["ymere"].pk),
    )
    assert (eh.signals, eh.cases, eh.amount) == (30, 20, Decimal("4500.00"))
    assert (ym.signals, ym.cases, ym.amount) == (10, 10, Decimal("1500.00"))
    assert statement.line_for(covenant["de-key"].pk).amount == 0
    cost_key_set(by=users["beheer"], municipality=amsterdam, method=CostMethod.PER_CASE,
                 yearly_amount=Decimal("12000"))  # fmt: skip
    statement = cost_statement(by=users["beleid"], municipality=amsterdam, start=PERIOD[0],
                               end=PERIOD[1], amount=Decimal("100"))  # fmt: skip
    assert statement.line_for(covenant["eigen-haard"].pk).amount == Decimal("66.67")
    assert statement.line_for(covenant["ymere"].pk).amount == Decimal("33.33")
    cost_key_set(
        by=users["beheer"], municipality=amsterdam, method=CostMethod.FIXED,
        yearly_amount=Decimal("1000"),
        percentages={covenant["de-key"].pk: Decimal("25"), covenant["ymere"].pk: Decimal("75")},
    )  # fmt: skip
    statement = cost_statement(by=users["beleid"], municipality=amsterdam, start=PERIOD[0],
                               end=PERIOD[1])  # fmt: skip
    assert statement.line_for(covenant["de-key"].pk).amount == Decimal("125.00")
    assert statement.line_for(covenant["eigen-haard"].pk).amount == 0
    assert ConfigurationChange.objects.filter(scope="0363", setting="kostenverdeling").count() == 3


def test_the_key_is_checked_and_nothing_is_saved_when_wrong(amsterdam, users, covenant):
    with pytest.raises(ValidationError) as error:
        cost_key_set(
            by=users["beheer"], municipality=amsterdam, method=CostMethod.FIXED,
            yearly_amount=Decimal("1000"), percentages={covenant["ymere"].pk: Decimal("60")},
        )  # fmt: skip
    assert "tellen op tot 60" in error.value.message_dict["percentages"][0]
    with pytest.raises(ValidationError) as error:
        cost_key_set(
            by=users["beheer"], municipality=amsterdam, method=CostMethod.FIXED,
            yearly_amount=Decimal("1000"),
            percentages={covenant["woonstichting-diemen-demo"].pk: Decimal("100")},
        )  # fmt: skip
    assert "partners van deze gemeente" in error.value.message_dict["percentages"][0]
    assert not ConfigurationChange.objects.filter(setting="kostenverdeling").exists()
    diemen = Municipality.objects.get(code="0384")
    with pytest.raises(PermissionDenied):
        cost_key_set(by=users["beheer"], municipality=diemen, method=CostMethod.PER_SIGNAL,
                     yearly_amount=Decimal("1"))  # fmt: skip
    for key in ("beleid", "eigen-haard"):
        with pytest.raises(PermissionDenied):
            cost_key_set(by=users[key], municipality=amsterdam, method=CostMethod.PER_SIGNAL,
                         yearly_amount=Decimal("1"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        cost_statement(by=users["beleid"], municipality=diemen, start=PERIOD[0], end=PERIOD[1])


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=2),
    signals=st.lists(st.integers(0, 5000), min_size=3, max_size=3),
)
def test_the_amounts_add_up_to_the_cent(amount, signals, amsterdam, users, covenant):
    Figure.objects.all().delete()
    Figure.objects.bulk_create(
        Figure(month=date(2026, 1, 1), municipality=amsterdam, measure="signals.received",
               partner=covenant[slug], partner_type="Huur", value=n)
        for slug, n in zip(("eigen-haard", "ymere", "de-key"), signals, strict=True) if n
    )  # fmt: skip
    statement = cost_statement(by=users["beleid"], municipality=amsterdam, start=PERIOD[0],
                               end=PERIOD[1], amount=amount)  # fmt: skip
    total = sum(line.amount for line in statement.lines)
    assert total == (amount if sum(signals) else 0)
    for line in statement.lines:
        exact = amount * line.signals / sum(signals) if sum(signals) else 0
        assert abs(line.amount - exact) < Decimal("0.01")


def test_the_screens(amsterdam, counts, clients, covenant):
    url = reverse("reporting:cost-statement")
    query = {"municipality": amsterdam.pk, "start": "2026-01", "end": "2026-06", "amount": "600"}
    page = clients["beleid"].get(url, query)
    assert page.status_code == 200
    assert "€ 450,00" in page.content.decode() and "Eigen Haard" in page.content.decode()
    download = clients["beleid"].get(
        reverse("reporting:cost-statement-download", args=["ymere", "csv"]), query
    )
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Ymere;10;10;25.0;150.0" in text and "Eigen Haard" not in text
    assert "alle deelnemers;40;30;100.0;600.0" in text
    for key in ("eigen-haard", "centram", "regie"):
        assert clients[key].get(url).status_code == 403
    key_url = reverse("reporting:cost-key")
    assert clients["beheer"].get(key_url).status_code == 200
    response = clients["beheer"].post(
        key_url, {"gemeente": amsterdam.pk, "method": "vast", "yearly_amount": "1000",
                  f"partner_{covenant['ymere'].pk}": "50"},
    )  # fmt: skip
    assert response.status_code == 400 and "tellen op tot 50" in response.content.decode()
    response = clients["beheer"].post(
        key_url, {"gemeente": amsterdam.pk, "method": "per-zaak", "yearly_amount": "1.200,00"},
    )  # fmt: skip
    assert response.status_code == 302
    assert clients["beleid"].get(key_url).status_code == 403
