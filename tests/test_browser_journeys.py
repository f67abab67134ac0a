"""Journeys in a real browser (issue 12): each role does its job end to end, with axe-core at WCAG
2.1 A/AA on every page state, in Dutch by keyboard only and in English by mouse (MODES, as in
tests/test_browser_work.py; helpers in tests/browser.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from meldpunt.intake.services import signal_submit
from tests.browser import PHONE
from tests.conftest import signal_data
from tests.test_browser_work import MODES, name

# serialized_rollback: the flush between live-server tests would empty what migrations seeded
# (the instrument catalogue, the register of processing activities)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def signals(covenant):
    """Two signals of Eigen Haard, one in a district of Centram."""
    return [
        signal_submit(
            partner=covenant["eigen-haard"],
            submitted_by=None,
            raw=signal_data(partner_referentie=f"EH-{n}", achternaam=name, postcode="1043 AB",
                            huisnummer=str(10 + n)),
        )
        for n, name in enumerate(["Aalberts", "Bakkers"])
    ]  # fmt: skip


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_beleid_opens_the_dashboard(open_session, users, signals, language, keyboard):
    tab = open_session(users["beleid"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto("/")
    tab.check("home")
    tab.follow(page.get_by_role("link", name=re.compile("^(Cijfers|Figures)$")))
    assert page.get_by_role("heading", level=1).count() == 1
    tab.check("dashboard")
    # every chart has the same figures as a table beside it
    assert page.locator("table").count() >= 1
    # a breakdown, then one table as a file
    tab.choose_first(page.get_by_label(name("Uitsplitsen naar", "Break down by")))
    tab.follow(page.get_by_role("button", name=name("Toon cijfers", "Show figures")))
    tab.check("dashboard with a breakdown")
    with page.expect_download() as download:
        tab.click(page.get_by_role("link", name=re.compile("^CSV")))
    assert download.value.suggested_filename.endswith(".csv")


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_privacy_officer_exports_an_access_request(
    open_session, users, signals, language, keyboard
):
    tab = open_session(users["privacy"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto("/")
    tab.check("privacy home")
    tab.follow(page.get_by_role("link", name=name("Inzageverzoek", "Access request")))
    tab.check("access request: empty")
    tab.follow(page.get_by_role("button", name=re.compile("^(Zoeken|Search)$")))
    tab.check("access request: errors")
    tab.fill(page.get_by_label(re.compile("^(Achternaam|Surname)")), "Aalberts")
    tab.fill(page.get_by_label(re.compile("^(Geboortedatum|Date of birth)")), "1980-05-17")
    tab.follow(page.get_by_role("button", name=re.compile("^(Zoeken|Search)$")))
    tab.check("access request: found")
    assert "Bakkers" not in page.inner_text("main")
    with page.expect_download() as download:
        tab.click(page.get_by_role("button", name=re.compile("PDF")))
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Aalberts" in text and "17-05-1980" in text and "Bakkers" not in text
    with page.expect_download() as download:
        tab.click(page.get_by_role("button", name=re.compile("JSON")))
    assert download.value.suggested_filename.endswith(".json")


@pytest.mark.parametrize(("language", "keyboard"), MODES)
def test_privacy_officer_searches_the_log_by_person_and_exports_it(
    open_session, users, signals, language, keyboard
):
    tab = open_session(users["privacy"], language=language, keyboard=keyboard)
    page = tab.page
    tab.goto("/")
    tab.follow(page.get_by_role("link", name=name("Verwerkingslog", "Processing log")))
    tab.check("log search: empty")
    tab.fill(page.get_by_label(re.compile("^(Achternaam|Surname)")), "Aalberts")
    tab.fill(page.get_by_label(re.compile("^(Geboortedatum|Date of birth)")), "1980-05-17")
    tab.follow(page.get_by_role("button", name=name("Persoon zoeken", "Find person")))
    assert "Aalberts" not in page.url and "1980" not in page.url and "persoon=" in page.url
    tab.check("log search: a person")
    tab.choose(
        page.get_by_label(re.compile("^(Handeling|Action)$")),
        "vastleggen" if language == "nl" else "create",
    )
    tab.follow(page.get_by_role("button", name=re.compile("^(Zoeken|Search)$")))
    assert "persoon=" in page.url and "handeling=create" in page.url
    tab.check("log search: a person's records")
    with page.expect_download() as download:
        tab.click(page.get_by_role("button", name=re.compile("CSV")))
    assert download.value.suggested_filename.endswith(".csv")
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    aalberts, bakkers = (str(s.subject_id) for s in signals)
    assert len(rows) >= 2 and all(aalberts in row for row in rows[1:])
    assert not any(bakkers in row for row in rows)


def test_the_signal_form_fits_a_phone(open_session, users):
    tab = open_session(users["eigen-haard"], viewport=PHONE)
    tab.goto("/signalen/nieuw")
    tab.check("signal form on a phone")
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


HOME_ROLES = [
    "eigen-haard",
    "regie",
    "centram",
    "centram-teamleider",
    "beleid",
    "privacy",
    "beheer",
]


@pytest.mark.parametrize("role", HOME_ROLES)
def test_home_screen_screenshot_at_desktop_and_phone(open_session, users, signals, role):
    """Every role's home screen passes axe and reflows on a phone; the run saves screenshots
    (docs/screenshots via `make screenshots`, linked from the README)."""
    for width, viewport in (("desktop", None), ("telefoon", PHONE)):
        tab = open_session(users[role], **({"viewport": viewport} if viewport else {}))
        tab.goto("/")
        tab.check(f"home {role} {width}")
        if viewport:
            width = tab.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{role}: the home screen scrolls sideways ({width}px)"
        tab.screenshot(f"home-{role}-{width}")
