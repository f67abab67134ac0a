"""Journeys in a real browser (issue 12): each role does its job end to end, with axe-core at WCAG
2.1 A/AA on every page state, in Dutch and in English (tests/browser.py)."""

from __future__ import annotations

import re

import pytest

from meldpunt.intake.services import signal_submit
from tests.browser import PHONE
from tests.conftest import signal_data

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


@pytest.mark.parametrize("language", ["nl", "en"])
def test_beleid_opens_the_dashboard(open_session, users, signals, language):
    tab = open_session(users["beleid"], language=language)
    page = tab.page
    tab.goto("/")
    tab.check("home")
    page.get_by_role("link", name=re.compile("^(Cijfers|Figures)$")).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).count() == 1
    tab.check("dashboard")
    # every chart has the same figures as a table beside it
    assert page.locator("table").count() >= 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_privacy_officer_exports_an_access_request(open_session, users, signals, language):
    tab = open_session(users["privacy"], language=language)
    page = tab.page
    tab.goto("/inzageverzoek")
    tab.check("access request: empty")
    page.get_by_role("button", name=re.compile("Zoek|Search")).click()
    page.wait_for_load_state()
    tab.check("access request: errors")
    page.get_by_label(re.compile("^(Achternaam|Surname)")).fill("Aalberts")
    page.get_by_label(re.compile("^(Geboortedatum|Date of birth)")).fill("1980-05-17")
    page.get_by_label(re.compile("^Postcode")).fill("1043 AB")
    page.get_by_label(re.compile("^(Huisnummer|House number)( \\(|$)")).fill("10")
    page.get_by_role("button", name=re.compile("Zoek|Search")).click()
    page.wait_for_load_state()
    tab.check("access request: found")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("JSON")).first.click()
    assert download.value.suggested_filename.endswith(".json")


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
    for name, viewport in (("desktop", None), ("telefoon", PHONE)):
        tab = open_session(users[role], **({"viewport": viewport} if viewport else {}))
        tab.goto("/")
        tab.check(f"home {role} {name}")
        if viewport:
            width = tab.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{role}: the home screen scrolls sideways ({width}px)"
        tab.screenshot(f"home-{role}-{name}")
