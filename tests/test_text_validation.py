"""Formula-like text refused where the intake format says so; e-mail addresses checked
strictly (issue #13). Free text written by staff (notes, agreements, reasons) is prose and is
not refused: spreadsheet exports escape every cell (core.csv_safe), see docs/adr/0101."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.core.csv_safe import safe_cell
from meldpunt.core.validators import (
    FORMULA_TRIGGERS,
    email_address_problem,
    starts_like_formula,
    validate_email_address,
)
from meldpunt.intake.api import camel
from meldpunt.intake.services import signal_import_create, signal_import_run
from meldpunt.intake.spec import FIELDS, parse_signal

from .conftest import signal_data
from .corpus.build import csv_text, row

TEXT_FIELDS = [f.name for f in FIELDS if f.kind == "text"]
FORMULAS = ["=1+1", "+31 cmd", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tJansen", "\rJansen"]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("value", FORMULAS)
def test_every_text_field_of_the_intake_refuses_a_formula_start(field, value, today):
    _values, errors = parse_signal(signal_data(**{field: value[:4]}), today=today)
    assert errors.get(field) == ["Mag niet beginnen met =, +, -, @, een tab of een regeleinde."]


@pytest.mark.parametrize("value", ["-1", "-12", "Jansen-de Vries", "'t Hart", "d'Ancona"])
def test_ordinary_text_is_accepted(value, today):
    values, errors = parse_signal(
        signal_data(huisnummertoevoeging=value[:4], achternaam=value), today=today
    )
    assert "achternaam" not in errors and values["achternaam"] == value


def test_the_triggers_are_owasps():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    assert all(starts_like_formula(t + "x") for t in FORMULA_TRIGGERS)
    assert all(safe_cell(t + "x").startswith("'") for t in FORMULA_TRIGGERS)


@pytest.mark.django_db
def test_files_and_the_api_refuse_a_leading_tab(covenant):
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="tab")
    body = {camel(k): v for k, v in signal_data(achternaam="\tJansen").items()}
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").post(
        "/api/v1/signalen", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "achternaam"

    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="tab.csv")
    text = csv_text([row(1, achternaam="\tJansen"), row(2)])
    summary = signal_import_run(batch=batch, stream=io.BytesIO(text.encode()), by=None)
    assert (summary.accepted, summary.refused) == (1, 1)


ACCEPTED = [
    "huurder@example.org",
    "a.b@c.nl",
    "o'neil@c.nl",
    "j.de-vries+meldpunt@gemeente-amsterdam.nl",
    "x" * 64 + "@c.nl",
    "a@xn--bcher-kva.ch",
    "a@bücher.ch",
    "api-1@eigen-haard.meldpunt.invalid",
]
REFUSED = [
    "Jan <jan@example.org>",  # a display name
    '"jan jansen"@example.org',  # a quoted local part
    "jan(commentaar)@example.org",
    "jan@localhost",  # no dot in the domain
    "jan@[127.0.0.1]",  # an IP literal
    "jan@127.0.0.1",
    "jan@c.nl.",
    "jan@c..nl",
    "jan@-c.nl",
    "jan@c.n",
    "jan.@c.nl",
    ".jan@c.nl",
    "ja..n@c.nl",
    "=jan@c.nl",
    "+jan@c.nl",
    "-jan@c.nl",
    "jan@@c.nl",
    "jan",
    "@c.nl",
    "jän@c.nl",
    "x" * 65 + "@c.nl",  # over 64 before the @
    "a@" + ("b" * 60 + ".") * 5 + "nl",  # over 254 in all
    "a@" + "b" * 64 + ".nl",  # a label over 63
    "jan@c.nl, piet@c.nl",
]


@pytest.mark.parametrize("address", ACCEPTED)
def test_plain_addresses_are_accepted(address):
    assert email_address_problem(address) is None


@pytest.mark.parametrize("address", REFUSED)
def test_other_addresses_are_refused(address, today):
    assert email_address_problem(address) is not None
    _values, errors = parse_signal(signal_data(email=address), today=today)
    assert "email" in errors


def test_the_length_limits_have_their_own_message():
    assert "64" in email_address_problem("x" * 65 + "@c.nl")
    assert "254" in email_address_problem("a@" + ("b" * 60 + ".") * 5 + "nl")
    assert email_address_problem("jan@c.nl\n") is not None  # the intake trims before it checks


@pytest.mark.django_db
def test_user_accounts_take_only_a_plain_address(covenant):
    with pytest.raises(ValidationError):
        user_create(
            email="Jan <jan@gemeente.nl>", organisation=covenant["gemeente-amsterdam"], roles=[]
        )
    with pytest.raises(ValidationError):
        validate_email_address('"jan"@gemeente.nl')
    user = user_create(
        email=" Jan.Jansen@Gemeente.nl ", organisation=covenant["gemeente-amsterdam"], roles=[]
    )
    assert user.email == "jan.jansen@gemeente.nl"


@pytest.mark.django_db
def test_the_admin_form_refuses_a_display_name(covenant):
    from meldpunt.accounts.admin import StrictEmailUserChangeForm

    user = user_create(
        email="jan@gemeente.nl", organisation=covenant["gemeente-amsterdam"], roles=[]
    )
    form = StrictEmailUserChangeForm(
        {
            "username": user.username,
            "email": "Jan <jan@gemeente.nl>",
            "date_joined": "2026-01-01 00:00",
        },
        instance=user,
    )
    assert not form.is_valid() and "email" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["- eerst de huur\n- dan de energie", "=afspraak nagekomen", "+ extra"]
)
def test_notes_are_prose_and_keep_their_dashes(clients, users, covenant, text):
    """Decided per field (ADR 0101): notes, agreements and justifications are not refused."""
    from meldpunt.cases.models import CaseNote
    from meldpunt.intake.services import signal_submit

    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    case = signal.case
    response = clients["regie"].post(
        reverse("cases:note-create", args=[case.public_id]), {"text": text}
    )
    assert response.status_code in (200, 302)
    assert CaseNote.objects.get(case=case).text == text


def test_the_intake_format_names_every_text_field_it_refuses_formulas_in():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "intake-formaat.md").read_text()
    rule = doc[doc.index("Text may not start with") :].split("\n- ", 1)[0]
    assert all(name in rule for name in TEXT_FIELDS), TEXT_FIELDS
