"""Home visits on a phone (issue #12): plan a visit (date, part of day), the day list in
walking order by postcode, recording the visit marks it done; the case screen puts person,
arrears and the next action first and reflows at 320 px."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meldpunt.cases.models import HomeVisit, Track
from meldpunt.cases.services import case_assign, home_visit_plan
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def _case(covenant, users, reference, surname, postcode, number, provider="centram"):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(
            partner_referentie=reference, achternaam=surname, postcode=postcode, huisnummer=number
        ),
    )  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant[provider],
                track=Track.VROEG_EROPAF, by=users["regie"], reason="dichtbij")  # fmt: skip
    signal.case.refresh_from_db()
    return signal.case


def plan(client, case, on, part="Ochtend"):
    return client.post(
        reverse("cases:visit-plan", args=[case.public_id]),
        {"planned_on": on.isoformat(), "part_of_day": part},
    )


def test_plan_visits_and_walk_the_day_by_postcode(covenant, users, clients, today):
    north = _case(covenant, users, "EH-V1", "Noordbewoner", "1031 AB", "5")
    centre_high = _case(covenant, users, "EH-V2", "Hoognummer", "1012 LG", "30")
    centre_low = _case(covenant, users, "EH-V3", "Laagnummer", "1012 LG", "4")
    worker = clients["centram"]
    for case, part in ((north, "Ochtend"), (centre_high, "Middag"), (centre_low, "Avond")):
        assert plan(worker, case, today, part).status_code == 302
    assert plan(worker, north, today + timedelta(days=1)).status_code == 302

    page = worker.get(reverse("cases:visit-day"))
    html = page.content.decode()
    assert page.status_code == 200 and "Huisbezoeken vandaag" in html
    # Walking order: postcode, then house number as a number (4 before 30), whatever was
    # planned first or in which part of the day.
    assert html.index("Laagnummer") < html.index("Hoognummer") < html.index("Noordbewoner")
    assert ProcessingLogEntry.objects.filter(name="home_visit.day_list").count() == 3
    tomorrow = worker.get(
        reverse("cases:visit-day"), {"datum": (today + timedelta(days=1)).isoformat()}
    )
    assert "Noordbewoner" in tomorrow.content.decode()
    assert "Laagnummer" not in tomorrow.content.decode()

    # The home panel counts today's open visits.
    home = worker.get(reverse("home")).content.decode()
    assert "Huisbezoeken vandaag" in home and reverse("cases:visit-day") in home

    # The case screen: person, arrears and the next action first, then the folded forms.
    detail = worker.get(reverse("cases:case-detail", args=[centre_low.public_id])).content.decode()
    assert detail.index('id="zaak-kern"') < detail.index('id="werk"')
    kern = detail[
        detail.index('id="zaak-kern"') : detail.index("</section>", detail.index('id="zaak-kern"'))
    ]
    assert "Laagnummer" in kern and "1012LG" in kern and "1234,56" in kern.replace(".", "")
    assert "Huisbezoek op" in kern and "avond" in kern
    assert '<details class="mp-fold" id="huisbezoek-plannen">' in detail  # folded
    assert '<details class="mp-fold" id="contactpoging" open>' in detail  # not reached yet

    # Recording the home visit that day marks it done; the day list says so.
    response = worker.post(
        reverse("cases:attempt-create", args=[centre_low.public_id]),
        {"kind": "Huisbezoek", "reached": "ja", "on": today.isoformat(), "part_of_day": "Avond"},
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(case=centre_low, planned_on=today)
    assert visit.done and visit.attempt.reached
    assert "Gedaan" in worker.get(reverse("cases:visit-day")).content.decode()


def test_planning_refuses_bad_input_in_dutch(covenant, users, clients, today):
    case = _case(covenant, users, "EH-V4", "Planfout", "1012 LG", "7")
    worker = clients["centram"]
    past = plan(worker, case, today - timedelta(days=1))
    assert past.status_code == 400 and "niet in het verleden" in past.content.decode()
    # The form with the error is unfolded.
    assert '<details class="mp-fold" id="huisbezoek-plannen" open>' in past.content.decode()
    missing = worker.post(reverse("cases:visit-plan", args=[case.public_id]), {"planned_on": ""})
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "Vul de datum van het bezoek in." in text and "Kies het dagdeel van het bezoek." in text
    assert plan(worker, case, today + timedelta(days=400)).status_code == 400
    assert plan(worker, case, today).status_code == 302
    assert plan(worker, case, today, "Middag").status_code == 400  # one visit a day
    assert HomeVisit.objects.filter(case=case).count() == 1
    bad_day = worker.get(reverse("cases:visit-day"), {"datum": "31-02-2026"})
    assert bad_day.status_code == 400 and "geldige datum" in bad_day.content.decode()


def test_visits_stay_within_the_organisation(covenant, users, clients, today):
    case = _case(covenant, users, "EH-V5", "Eigenbezoek", "1012 LG", "9")
    home_visit_plan(case_id=case.pk, by=users["centram"], planned_on=today, part_of_day="Middag")
    # Another provider neither plans a visit for the case nor sees it in its day list.
    assert plan(clients["doras"], case, today).status_code in (403, 404)
    assert "Eigenbezoek" not in clients["doras"].get(reverse("cases:visit-day")).content.decode()
    # Regie and landlords have no day list.
    assert clients["regie"].get(reverse("cases:visit-day")).status_code == 403
    assert clients["eigen-haard"].get(reverse("cases:visit-day")).status_code == 403
    with pytest.raises(ValidationError):
        home_visit_plan(case_id=case.pk, by=users["centram"], planned_on=today, part_of_day="Nacht")


def test_the_demo_has_visits_today_and_numbers_for_letters(settings, db, today):
    from django.core.management import call_command

    from meldpunt.organisations.models import Organisation

    settings.DEMO_MODE = True
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    visits = HomeVisit.objects.filter(planned_on=today).count()
    assert visits >= 1
    assert not Organisation.objects.filter(type="uitvoerder", phone="").exists()
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert HomeVisit.objects.filter(planned_on=today).count() == visits
