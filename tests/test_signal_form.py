"""Bad input to the form: every error next to its field, in Dutch; nothing saved (issue #2)."""

import re

import pytest
from django.urls import reverse

from meldpunt.cases.models import Case, CaseStatusChange, Signal
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    """The error text rendered next to a field, tied to its input by aria-describedby."""
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert match, f"no error shown next to {field}"
    assert re.search(rf'aria-describedby="id_{field}_error[^"]*"', html), (
        f"error of {field} not tied to input"
    )
    return re.sub(r"<[^>]+>", " ", match.group(1))


BAD_INPUTS = [
    ({"achternaam": ""}, "achternaam", "Achternaam is verplicht."),
    ({"partner_referentie": ""}, "partner_referentie", "Referentie verhuurder is verplicht."),
    ({"achterstand_bedrag": "0"}, "achterstand_bedrag", "groter zijn dan 0"),
    ({"achterstand_bedrag": "-12"}, "achterstand_bedrag", "groter zijn dan 0"),
    ({"achterstand_bedrag": "veel"}, "achterstand_bedrag", "Geef een bedrag"),
    ({"postcode": "ABCD 12"}, "postcode", "Geen geldige postcode"),
    ({"postcode": "3511 AB"}, "postcode", "buiten de gemeente"),
    ({"geboortedatum": "31-02-1980"}, "geboortedatum", "Deze datum bestaat niet"),
    ({"signaaldatum": "2999-01-01"}, "signaaldatum", "in de toekomst"),
    ({"poging_persoonlijk_contact": ""}, "poging_persoonlijk_contact", "verplicht"),
    ({"gewezen_op_schuldhulp": ""}, "gewezen_op_schuldhulp", "verplicht"),
    ({"schriftelijke_herinnering": ""}, "schriftelijke_herinnering", "verplicht"),
    ({"informatieplicht_voldaan": ""}, "informatieplicht_voldaan", "verplicht"),
    ({"bezwaar_huurder": "on"}, "bezwaar_huurder", "bezwaar gemaakt"),
    ({"email": "geen-adres"}, "email", "Geen geldig e-mailadres"),
    ({"telefoonnummer": "12ab"}, "telefoonnummer", "Geen geldig telefoonnummer"),
    ({"huisnummer": "twaalf"}, "huisnummer", "huisnummer is een getal"),
    ({"achternaam": '=HYPERLINK("x")'}, "achternaam", "Mag niet beginnen met"),
    ({"achternaam": "\tJansen"}, "achternaam", "Mag niet beginnen met"),  # as files and the API
    ({"straat": "\r=1+1"}, "straat", "Mag niet beginnen met"),
    ({"email": "Jan <jan@example.org>"}, "email", "Geen geldig e-mailadres"),
]


@pytest.mark.parametrize("overrides, field, message", BAD_INPUTS)
def test_bad_input_shows_dutch_error_next_to_field_and_saves_nothing(
    clients, overrides, field, message
):
    response = clients["eigen-haard"].post(
        reverse("intake:signal-create"), signal_data(**overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _field_error(html, field)
    assert 'id="foutmeldingen"' in html and "Er is niets opgeslagen" in html
    assert Signal.objects.count() == 0
    assert Case.objects.count() == 0
    assert CaseStatusChange.objects.count() == 0
    assert ProcessingLogEntry.objects.count() == 0


def test_every_error_of_a_form_is_shown_at_once(clients):
    response = clients["eigen-haard"].post(reverse("intake:signal-create"), {})
    html = response.content.decode()
    for field in [
        "partner_referentie",
        "achternaam",
        "huisnummer",
        "postcode",
        "achterstand_bedrag",
        "poging_persoonlijk_contact",
        "gewezen_op_schuldhulp",
        "schriftelijke_herinnering",
        "informatieplicht_voldaan",
    ]:
        assert "verplicht" in _field_error(html, field)
    assert Signal.objects.count() == 0


def test_voortraject_after_signal_date_is_refused(clients, today):
    response = clients["eigen-haard"].post(
        reverse("intake:signal-create"),
        signal_data(signaaldatum="2026-01-01", schriftelijke_herinnering="2026-01-05"),
    )
    assert "na de signaaldatum" in _field_error(
        response.content.decode(), "schriftelijke_herinnering"
    )
    assert Signal.objects.count() == 0


def test_a_valid_signal_is_saved_once(clients):
    response = clients["eigen-haard"].post(reverse("intake:signal-create"), signal_data())
    assert response.status_code == 302
    assert Signal.objects.count() == 1
    signal = Signal.objects.get()
    assert signal.arrears["achterstand_bedrag"] == "1234.56"
    assert signal.person_details["postcode"] == "1012LG"
