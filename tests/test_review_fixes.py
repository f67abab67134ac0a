"""Regressions found in review: overflowing amounts, odd API values, logging of every case-page
rendering, crisis within one batch, repeated retention, rule bounds (issues #3, #4, #5)."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.services import api_token_create
from meldpunt.cases.models import Case, Signal
from meldpunt.intake.api import camel
from meldpunt.intake.models import SignalImport
from meldpunt.intake.pipeline import IntakeRun
from meldpunt.intake.services import signal_import_create, signal_import_run, signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data
from .corpus.build import csv_text, row

pytestmark = pytest.mark.django_db
HUGE = "1" * 40


def test_huge_amount_is_a_field_error_in_the_form(clients):
    response = clients["eigen-haard"].post(
        reverse("intake:signal-create"), signal_data(achterstand_bedrag=HUGE)
    )
    assert response.status_code == 400 and "onwaarschijnlijk hoog" in response.content.decode()
    assert Signal.objects.count() == 0


def test_huge_amount_and_odd_values_are_field_errors_in_the_api(covenant):
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="x")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for overrides in (
        {"achterstandBedrag": 10**30},
        {"achternaam": "A\ud800"},
        {"partnerReferentie": "A\x00B"},
        {"achternaam": ["lijst"]},
        {"huisnummer": {"a": 1}},
    ):
        body = {camel(k): v for k, v in signal_data().items()} | overrides
        response = client.post(
            "/api/v1/signalen", data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400, overrides
        assert response["Content-Type"] == "application/problem+json"
    assert Signal.objects.count() == 0


def test_huge_amount_in_a_file_is_a_refused_row(covenant):
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    content = csv_text([row(1), row(2, achterstand_bedrag=HUGE)]).encode()
    summary = signal_import_run(batch=batch, stream=io.BytesIO(content), by=None)
    assert (summary.accepted, summary.refused) == (1, 1)
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.DONE


def test_case_page_with_form_errors_is_logged_too(clients, covenant, users):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=None, raw=signal_data())
    before = ProcessingLogEntry.objects.filter(name="case.view").count()
    response = clients["centram"].post(
        reverse("cases:note-create", args=[signal.case.public_id]), {"text": ""}
    )
    assert response.status_code == 400 and "Testpersoon" in response.content.decode()
    assert (
        ProcessingLogEntry.objects.filter(name="case.view", actor=users["centram"]).count()
        == before + 1
    )


def test_api_status_read_back_is_logged(covenant):
    token, key = api_token_create(organisation=covenant["eigen-haard"], name="x")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    body = {camel(k): v for k, v in signal_data().items()}
    created = client.post(
        "/api/v1/signalen", data=json.dumps(body), content_type="application/json"
    ).json()
    client.get(f"/api/v1/signalen/{created['id']}")
    assert ProcessingLogEntry.objects.filter(name="signal.feedback", actor=token.user).count() == 1


def test_crisis_on_the_second_row_of_a_new_household_in_one_batch(covenant):
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="test")
    run.process(
        [
            (1, signal_data(partner_referentie="A")),
            (2, signal_data(partner_referentie="B", achterstand_bedrag="3000", crisissignaal="ja")),
        ]
    )
    assert Case.objects.count() == 1 and Case.objects.get().crisis


def test_monthly_amount_formats_and_nonsense_for_geregelde_betaling():
    from meldpunt.cases.services import _parse_amount

    assert str(_parse_amount("650.00")) == "650.00"
    assert str(_parse_amount("1.650,00")) == "1650.00"
    for bad in ("NaN", "Infinity", "sNaN", "1e99", "abc", HUGE):
        assert _parse_amount(bad) is None


def test_rule_configuration_has_an_upper_bound():
    from meldpunt.safeguards.forms import RuleConfigForm

    fields = RuleConfigForm.Meta.fields
    data = {name: "3" for name in fields} | {"max_age_months": "30000"}
    form = RuleConfigForm(data)
    assert not form.is_valid() and "max_age_months" in form.errors
