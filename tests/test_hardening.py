"""Hardening: security headers, no personal data in logs or error pages (issue #5).

The log-leak probe runs the main flows while capturing every log record (root logger and every
known logger at DEBUG) and asserts that none of the test person's data appears: name, initials,
e-mail, phone, BSN-like number, street, birth date. Each (flow, value) pair is one probe.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from meldpunt.cases.models import Case, Signal, Track

from .conftest import signal_data

pytestmark = pytest.mark.django_db

PERSON = {
    "achternaam": "Lekvrijdewinter",
    "voorletters": "Z.X.",
    "email": "zx.lekvrijdewinter@voorbeeld.nl",
    "telefoonnummer": "0687651234",
    "straat": "Zeedijkgracht",
    "geboortedatum": "1977-03-29",
}
BSN = "111222333"  # passes the elfproef; posted although the form must never take it
PROBE_VALUES = {
    "name": PERSON["achternaam"],
    "initials+name": "Z.X. Lekvrijdewinter",
    "email": PERSON["email"],
    "phone": PERSON["telefoonnummer"],
    "phone-international": "687651234",
    "bsn": BSN,
    "street": PERSON["straat"],
    "birth-date": "29-03-1977",
    "birth-date-iso": PERSON["geboortedatum"],
    "login-email-tried": "onbekend.persoon@voorbeeld.nl",
}


def _all_loggers_at_debug(caplog) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def _captured(caplog) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def _flow_submit(clients, users):
    data = signal_data(**PERSON, bsn=BSN)
    response = clients["eigen-haard"].post(reverse("intake:signal-create"), data)
    assert response.status_code == 302
    assert all(v not in response["Location"] for v in PROBE_VALUES.values())


def _flow_submit_invalid(clients, users):
    data = signal_data(**{**PERSON, "postcode": "ABCD 12"}, bsn=BSN)
    assert clients["eigen-haard"].post(reverse("intake:signal-create"), data).status_code == 400


def _case() -> Case:
    return Signal.objects.get(partner_reference="HC-000123").case


def _flow_case_view(clients, users):
    url = reverse("cases:case-detail", args=[_case().public_id])
    html = clients["regie"].get(url).content.decode()
    assert PERSON["achternaam"] in html  # the page shows it; the logs must not


def _flow_triage_assign(clients, users, covenant=None):
    from meldpunt.organisations.models import Organisation

    url = reverse("cases:case-assign", args=[_case().public_id])
    provider = Organisation.objects.get(slug="centram")
    response = clients["regie"].post(
        url, {"track": Track.VROEG_EROPAF, "provider": provider.pk, "reason": ""}
    )
    assert response.status_code in (302, 400)
    clients["centram"].get(reverse("cases:case-detail", args=[_case().public_id]))


def _flow_foreign_and_missing(clients, users):
    assert (
        clients["doras"].get(reverse("cases:case-detail", args=[_case().public_id])).status_code
        == 404
    )
    clients["regie"].get(f"/zaken/{PERSON['achternaam']}/{PERSON['telefoonnummer']}")
    clients["eigen-haard"].get(reverse("intake:triage"))  # 403


def _flow_login_failures(clients, users):
    for login in (users["beleid"].email, PROBE_VALUES["login-email-tried"]):
        for _ in range(6):  # beyond the lockout limit
            Client().post("/accounts/login/", {"login": login, "password": f"{BSN}-fout"})


def _flow_api(clients, users):
    import json

    from meldpunt.accounts.services import api_token_create
    from meldpunt.intake.api import camel

    _token, key = api_token_create(organisation=users["ymere"].organisation, name="probe")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    good = {camel(k): v for k, v in signal_data(**PERSON, partner_referentie="API-1").items()}
    bad = {**good, "postcode": "ABCD 12", "bsn": BSN}
    for body, expected in ((good, 201), (bad, 400)):
        response = api.post("/api/v1/signalen", json.dumps(body), content_type="application/json")
        assert response.status_code in (expected, 422), response.content


def _flow_upload(clients, users):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from .corpus.build import csv_text, row

    values = {
        **PERSON,
        "geboortedatum": "29-03-1977",
        "partner_referentie": "UPL-1",
        "postcode": "1012 LG",
    }
    rows = [
        row(1, **values),
        row(2, **{**values, "postcode": "ABCD 12", "partner_referentie": "UPL-2"}),
    ]
    import tempfile

    from django.test import TestCase

    from meldpunt.intake.models import SignalImport

    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        TestCase.captureOnCommitCallbacks(execute=True),  # run the background job now
    ):
        response = clients["eigen-haard"].post(
            reverse("intake:upload"),
            {"file": SimpleUploadedFile("probe.csv", csv_text(rows).encode())},
        )
    assert response.status_code == 302
    batch = SignalImport.objects.get(file_name="probe.csv")
    assert (batch.accepted, batch.refused) == (1, 1)


def _flow_privacy_search(clients, users):
    subject = str(_case().subject_id)
    assert (
        clients["privacy"].get(reverse("privacy:log-search"), {"betrokkene": subject}).status_code
        == 200
    )


FLOWS = [
    _flow_submit,
    _flow_submit_invalid,
    _flow_case_view,
    _flow_triage_assign,
    _flow_foreign_and_missing,
    _flow_login_failures,
    _flow_api,
    _flow_upload,
    _flow_privacy_search,
]
PROBE_COUNT = len(FLOWS) * len(PROBE_VALUES)


def test_no_personal_data_in_any_log_output(caplog, clients, users):
    _all_loggers_at_debug(caplog)
    probes = 0
    for flow in FLOWS:
        caplog.clear()
        flow(clients, users)
        text = _captured(caplog)
        for label, value in PROBE_VALUES.items():
            assert value.casefold() not in text.casefold(), f"{label} leaked in {flow.__name__}"
            probes += 1
    assert probes == PROBE_COUNT == 90


def test_the_probe_sees_log_output_at_all(caplog, clients, users):
    """Guard against a probe that passes because nothing is captured."""
    _all_loggers_at_debug(caplog)
    clients["regie"].get("/bestaat-niet")
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Not Found: [pad verborgen]"]  # the path itself is redacted


def test_a_redacted_path_still_says_which_screen(caplog, clients, users):
    _all_loggers_at_debug(caplog)
    _flow_submit(clients, users)
    clients["doras"].get(reverse("cases:case-detail", args=[_case().public_id]))
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Not Found: [zaken/<uuid:public_id>]"]


PAGES = [
    ("regie", "home"),
    ("regie", "intake:triage"),
    ("regie", "cases:case-list"),
    ("eigen-haard", "intake:signal-create"),
    ("eigen-haard", "intake:signal-list"),
    ("privacy", "privacy:register-list"),
    ("privacy", "privacy:log-search"),
    ("privacy", "dataprotection:access-request"),
    ("privacy", "dataprotection:retention"),
]


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def _assert_no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"<style", html), "inline style element"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.parametrize(("role", "name"), PAGES)
def test_pages_behind_login_send_strict_headers_and_no_store(role, name, clients):
    response = clients[role].get(reverse(name))
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response.headers["Cache-Control"]
    _assert_no_inline_code(response.content.decode())


def test_case_page_with_personal_data_is_no_store(clients, users):
    _flow_submit(clients, users)
    response = clients["regie"].get(reverse("cases:case-detail", args=[_case().public_id]))
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response.headers["Cache-Control"]
    _assert_no_inline_code(response.content.decode())


def test_login_page_sends_strict_headers(db):
    response = Client().get("/accounts/login/")
    _assert_security_headers(response)
    _assert_no_inline_code(response.content.decode())


def test_production_sets_hsts():
    from pathlib import Path

    import meldpunt.conf

    text = (Path(meldpunt.conf.__file__).parent / "production.py").read_text()
    assert "SECURE_HSTS_SECONDS = 31_536_000" in text


def _assert_no_personal_data(html: str, *extra: str) -> None:
    for value in (*PROBE_VALUES.values(), *extra):
        assert value.casefold() not in html.casefold()


def test_error_pages_contain_no_personal_data(clients, users):
    _flow_submit(clients, users)
    case = _case()
    # 404: a foreign case, and a path that carries personal data
    foreign = clients["doras"].get(reverse("cases:case-detail", args=[case.public_id]))
    assert foreign.status_code == 404
    _assert_no_personal_data(foreign.content.decode(), users["doras"].email, str(case.public_id))
    echoed = clients["regie"].get(f"/zaken/{PERSON['achternaam']}?email={PERSON['email']}")
    assert echoed.status_code == 404
    _assert_no_personal_data(echoed.content.decode(), users["regie"].email)
    _assert_security_headers(echoed)
    # 403: a landlord at the triage and at the log search
    for url in (
        reverse("intake:triage"),
        reverse("privacy:log-search") + f"?betrokkene={case.subject_id}",
    ):
        refused = clients["eigen-haard"].get(url)
        assert refused.status_code == 403
        _assert_no_personal_data(
            refused.content.decode(), users["eigen-haard"].email, str(case.subject_id)
        )
    # 500: the server-error handler, for a request that carried personal data
    request = RequestFactory().get("/zaken", {"naam": PERSON["achternaam"], "bsn": BSN})
    request.user = users["regie"]
    crashed = defaults.server_error(request)
    assert crashed.status_code == 500
    _assert_no_personal_data(crashed.content.decode(), users["regie"].email)
    # Rendered without the translation machinery (a crash may be in it): both languages.
    assert "Er is een storing" in crashed.content.decode()
    assert '<p lang="en">Something went wrong' in crashed.content.decode()


def test_api_responses_are_no_store_and_nosniff(users):
    from meldpunt.accounts.services import api_token_create

    _token, key = api_token_create(organisation=users["eigen-haard"].organisation, name="h")
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/organisaties")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
