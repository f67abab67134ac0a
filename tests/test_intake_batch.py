"""One batch (a file, an API batch) decides exactly as the same rows sent one by one (issue #3).

Found in a review of the bulk intake path: repeats within a case opened in the same batch, the
same delivery twice in a batch, non-ASCII digits taking the fast parser path, and house numbers
that crashed ``int()``.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from meldpunt.cases.models import Case, Signal
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.intake.models import SignalImport
from meldpunt.intake.pipeline import IntakeRun, _delivered
from meldpunt.intake.services import signal_import_create, signal_import_run

from .conftest import signal_data
from .corpus.build import csv_text, row

TODAY = date(2026, 11, 27)


@pytest.mark.django_db
@pytest.mark.parametrize("one_batch", [False, True], ids=["row-by-row", "one-batch"])
def test_lower_amount_for_a_household_opened_in_the_same_batch_is_a_repeat(covenant, one_batch):
    rows = [
        (1, signal_data(partner_referentie="A", achterstand_bedrag="1500")),
        (2, signal_data(partner_referentie="B", achterstand_bedrag="1800")),  # higher: joins
        (3, signal_data(partner_referentie="C", achterstand_bedrag="1700")),  # lower: repeat
    ]
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    outcomes = run.process(rows) if one_batch else [run.process([r])[0] for r in rows]
    assert Case.objects.count() == 1
    assert [o.signal_status for o in outcomes] == [
        SignalStatus.NOT_YET_PICKED_UP,
        SignalStatus.NOT_YET_PICKED_UP,
        SignalStatus.REPEAT,
    ]


@pytest.mark.django_db
def test_another_landlords_open_case_is_joined_and_only_own_amounts_count(covenant):
    IntakeRun(partner=covenant["ymere"], by=None, channel="bestand").process(
        [(1, signal_data(partner_referentie="Y", achterstand_bedrag="5000"))]
    )
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    outcomes = run.process(
        [
            (1, signal_data(partner_referentie="A", achterstand_bedrag="1500")),
            (2, signal_data(partner_referentie="B", achterstand_bedrag="1400")),
        ]
    )
    assert Case.objects.count() == 1
    assert [o.signal_status for o in outcomes] == [
        SignalStatus.NOT_YET_PICKED_UP,
        SignalStatus.REPEAT,
    ]


@pytest.mark.django_db
def test_same_delivery_twice_in_one_batch_reports_the_status_of_the_first(covenant):
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="api")
    first, second = run.process([(1, signal_data()), (2, signal_data())])
    assert Signal.objects.count() == 1
    assert second.already_received and second.public_id == first.public_id
    assert second.signal_status == first.signal_status == SignalStatus.NOT_YET_PICKED_UP


@pytest.mark.django_db
def test_a_postcode_with_arabic_digits_is_refused_not_a_second_household(covenant):
    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    outcomes = run.process(
        [
            (1, signal_data(partner_referentie="A", postcode="1012LG")),
            (2, signal_data(partner_referentie="B", postcode="1\u066012LG")),
        ]
    )
    assert outcomes[1].status == "refused" and Case.objects.count() == 1


@pytest.mark.django_db
def test_a_superscript_house_number_refuses_the_row_not_the_file(covenant):
    batch = signal_import_create(partner=covenant["eigen-haard"], by=None, file_name="x.csv")
    content = csv_text([row(1), row(2, huisnummer="\u00b2")]).encode()
    summary = signal_import_run(batch=batch, stream=io.BytesIO(content), by=None)
    assert (summary.accepted, summary.refused) == (1, 1)
    assert "huisnummer" in summary.rows[1].errors[0]
    batch.refresh_from_db()
    assert batch.status == SignalImport.Status.DONE


@pytest.mark.django_db
def test_a_batch_gives_no_new_person_tenancy_or_case_a_signals_id(covenant):
    """Each row's first prepared id is its signal's; persons, tenancies and cases take the
    others, so no pseudonym or public id of theirs is a signal's public id (which the landlord
    knows)."""
    from meldpunt.cases.models import Person, Tenancy

    rows = [
        (n, signal_data(partner_referentie=f"P-{n}", achternaam=name, medehuurder_achternaam="",
                        achterstand_bedrag="2500"))
        for n, name in enumerate(("Jansen", "Bakker", "Visser", "Smit"), start=1)
    ]  # fmt: skip
    IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand").process(rows)
    signals = {s.hex for s in Signal.objects.values_list("public_id", flat=True)}
    assert len(signals) == 4
    others = [
        *Person.objects.values_list("subject_id", flat=True),
        *Tenancy.objects.values_list("public_id", flat=True),
        *Case.objects.values_list("public_id", flat=True),
    ]
    assert len(others) == 12
    assert not signals & {o.hex for o in others}


def test_a_field_sent_as_nought_is_a_delivered_field_in_the_processing_log():
    """The processing log lists the fields a row delivered; an amount of 0 was delivered (0 and
    Decimal(0) equal False in Python, so a membership test would leave them out)."""
    values = {"achterstand_bedrag": Decimal(0), "aantal": 0, "crisis": False, "straat": "",
              "huisletter": None, "achternaam": "Jansen"}  # fmt: skip
    assert _delivered(values) == ("achterstand_bedrag", "aantal", "achternaam")
