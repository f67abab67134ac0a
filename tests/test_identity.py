"""One person, one case file (issue #9): a case is about people, never about an address.

The scenario that opened the issue, a mover, a co-tenant, spelling variants, a maiden name the
register knows, a company contract, a reused reference, the repeat rule on the person's history,
and the hint about another open case at the same address.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meldpunt.cases.models import Case, CaseMember, Person, Signal, Track
from meldpunt.cases.selectors import other_open_cases_at_address, person_history
from meldpunt.cases.services import case_assign, case_close, instrument_event_record
from meldpunt.cases.vocabulary import NO_CONTACT, SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.registries.services import local_registry_import
from meldpunt.safeguards.services import safeguard_check_ask

from .conftest import signal_data

pytestmark = pytest.mark.django_db


def submit(covenant, users, partner="eigen-haard", **overrides) -> Signal:
    return signal_submit(
        partner=covenant[partner], submitted_by=users[partner], raw=signal_data(**overrides)
    )


def test_a_new_tenant_never_inherits_the_previous_tenants_refusal(covenant, users, today):
    """The issue's scenario: Vorige (1950) refuses; ten days later Nieuwe (1999) is signalled at
    the same address by the same landlord."""
    vorige = submit(covenant, users, partner_referentie="EH-W12-2025", achternaam="Vorige",
                    geboortedatum="1950-03-01", signaaldatum=(today - timedelta(days=10)).isoformat())  # fmt: skip
    old_case = vorige.case
    instrument_event_record(case_id=old_case.pk, by=users["centram"], kind="geweigerd",
                            on=today - timedelta(days=5))  # fmt: skip
    old_history = list(old_case.history.values_list("id", flat=True))

    nieuwe = submit(covenant, users, partner_referentie="EH-W12-2026", achternaam="Nieuwe",
                    geboortedatum="1999-07-01")  # fmt: skip

    assert nieuwe.status == SignalStatus.NOT_YET_PICKED_UP  # not "herhaalde melding"
    assert nieuwe.case_id != old_case.pk and nieuwe.person_id != vorige.person_id
    assert nieuwe.household_index == vorige.household_index  # the same dwelling
    old_case.refresh_from_db()
    assert list(old_case.signals.values_list("pk", flat=True)) == [vorige.pk]
    assert list(old_case.history.values_list("id", flat=True)) == old_history
    assert old_case.status == CaseStatus.PICKED_UP or old_case.status == CaseStatus.ASSIGNED
    eviction = safeguard_check_ask(tenancy_id=nieuwe.tenancy_id, by=users["eigen-haard"],
                                   question="ontruiming")  # fmt: skip
    assert eviction.outcome == "niet-toegestaan" and eviction.rows == ["E1"]
    # The previous tenant's own answer still rests on her own refusal.
    previous = safeguard_check_ask(tenancy_id=vorige.tenancy_id, by=users["eigen-haard"],
                                   question="ontruiming")  # fmt: skip
    assert previous.rows == ["E3"]


def test_regie_and_the_provider_see_the_other_open_case_at_the_address_as_a_hint(
    covenant, users, clients
):
    a = submit(covenant, users, partner_referentie="A-1", achternaam="Eerstebewoner")
    b = submit(covenant, users, partner_referentie="B-1", achternaam="Tweedebewoner")
    assert a.case_id != b.case_id
    count, visible = other_open_cases_at_address(b.case, users["centram"])
    assert count == 1 and [c.pk for c in visible] == [a.case_id]
    for role in ("regie", "centram"):
        page = clients[role].get(reverse("cases:case-detail", args=[b.case.public_id]))
        assert "Op dit adres loopt nog een andere zaak" in page.content.decode()
    # A hint only: the cases stay apart.
    assert Case.objects.get(pk=a.case_id).signals.count() == 1


def test_a_person_who_moves_keeps_one_case_and_their_history(covenant, users, today):
    first = submit(covenant, users, partner_referentie="EH-1", achternaam="Verhuizer",
                   geboortedatum="1971-02-03")  # fmt: skip
    # While the case is open, a signal from the new landlord at the new address joins it (M1).
    moved = submit(covenant, users, partner="ymere", partner_referentie="YM-1",
                   achternaam="Verhuizer", geboortedatum="1971-02-03", postcode="1021 JK",
                   huisnummer="4")  # fmt: skip
    assert moved.case_id == first.case_id and moved.person_id == first.person_id
    assert moved.tenancy_id != first.tenancy_id  # another landlord: another tenancy
    case_close(case_id=first.case_id, by=users["centram"], end_result=NO_CONTACT)
    # After closing, a new signal opens a new case, linked to the earlier one by the person.
    later = submit(covenant, users, partner="ymere", partner_referentie="YM-2",
                   achternaam="Verhuizer", geboortedatum="1971-02-03", postcode="1021 JK",
                   huisnummer="4", achterstand_bedrag="3.000,00")  # fmt: skip
    assert later.case_id != first.case_id and later.person_id == first.person_id
    history = person_history(later.case, users["regie"])
    assert [h["case"].pk for h in history] == [first.case_id] and history[0]["visible"]


def test_a_co_tenant_named_on_a_signal_joins_the_household_case(covenant, users):
    first = submit(covenant, users, partner_referentie="EH-5", achternaam="Hoofdhuurder",
                   geboortedatum="1980-01-01", medehuurder_voorletters="M.",
                   medehuurder_achternaam="Medehuurder", medehuurder_geboortedatum="1982-02-02")  # fmt: skip
    roles = dict(first.case.members.values_list("role", "person__name_key"))
    assert set(roles) == {CaseMember.Role.TENANT, CaseMember.Role.CO_TENANT}
    # Another creditor... here another landlord's signal about the co-tenant (M2).
    about_co = submit(covenant, users, partner="ymere", partner_referentie="YM-5",
                      achternaam="Medehuurder", geboortedatum="1982-02-02", huisnummer="80",
                      postcode="1021 JK")  # fmt: skip
    assert about_co.case_id == first.case_id
    assert about_co.status == SignalStatus.NOT_YET_PICKED_UP
    # Without both surname and birth date a co-tenant cannot be recognised: refused, nothing kept.
    with pytest.raises(ValidationError) as exc:
        submit(covenant, users, partner_referentie="EH-6", medehuurder_achternaam="Zonder")
    assert "medehuurder_geboortedatum" in exc.value.message_dict
    assert Signal.objects.count() == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"tussenvoegsel": "van den", "achternaam": "Berg"}, {"achternaam": "Vandenberg"}),
        ({"achternaam": "Van den Berg"}, {"achternaam": "Berg, van den"}),
        ({"achternaam": "Çelik"}, {"achternaam": "Celik"}),
        ({"achternaam": "Bijlsma"}, {"achternaam": "Bylsma"}),
        ({"achternaam": "Janssen"}, {"achternaam": "Jansen"}),
    ],
)
def test_spelling_variants_are_one_person(covenant, users, first, second):
    a = submit(covenant, users, partner_referentie="V-1", geboortedatum="1966-06-06", **first)
    b = submit(covenant, users, partner="ymere", partner_referentie="W-1",
               geboortedatum="1966-06-06", postcode="1021 JK", achterstand_bedrag="900",
               **second)  # fmt: skip
    assert a.person_id == b.person_id and a.case_id == b.case_id


def test_two_different_people_are_never_one(covenant, users):
    a = submit(covenant, users, partner_referentie="D-1", achternaam="Jansen",
               geboortedatum="1966-06-06")  # fmt: skip
    b = submit(covenant, users, partner_referentie="D-2", achternaam="Jansen",
               geboortedatum="1966-06-07")  # fmt: skip
    c = submit(covenant, users, partner_referentie="D-3", achternaam="Janse",
               geboortedatum="1966-06-06")  # fmt: skip
    assert len({a.person_id, b.person_id, c.person_id}) == 3
    assert len({a.case_id, b.case_id, c.case_id}) == 3


def test_a_maiden_name_is_recognised_when_the_register_knows_both(covenant, users):
    register = "achternaam;tussenvoegsel;andere_achternamen;geboortedatum;status;uitkering\n"
    register += "Vries;de;Bakker|Bakker-de Vries;1975-04-04;ingezetene;nee\n"
    local_registry_import(stream=io.BytesIO(register.encode()))
    married = submit(covenant, users, partner_referentie="M-1", achternaam="Bakker-de Vries",
                     geboortedatum="1975-04-04")  # fmt: skip
    maiden = submit(covenant, users, partner="ymere", partner_referentie="M-2",
                    tussenvoegsel="de", achternaam="Vries", geboortedatum="1975-04-04",
                    postcode="1021 JK")  # fmt: skip
    assert married.person_id == maiden.person_id and married.case_id == maiden.case_id
    # Without the register's knowledge the two names stay two people.
    other = submit(covenant, users, partner="ymere", partner_referentie="M-3",
                   achternaam="Bakker", geboortedatum="1975-04-05", postcode="1021 JK")  # fmt: skip
    assert other.person_id != married.person_id


def test_the_landlords_reference_finds_the_person_without_a_birth_date(covenant, users):
    first = submit(covenant, users, partner_referentie="REF-77", achternaam="Zonderdatum",
                   geboortedatum="")  # fmt: skip
    again = submit(covenant, users, partner_referentie="REF-77", achternaam="Zonder Datum",
                   geboortedatum="", achterstand_bedrag="2.000,00")  # fmt: skip
    assert again.person_id == first.person_id and again.case_id == first.case_id


def test_a_reused_reference_with_another_birth_date_is_another_person(covenant, users):
    """A landlord that uses its dwelling number as the reference: the next tenant is not the
    previous one (P3)."""
    old = submit(covenant, users, partner_referentie="WONING-12", achternaam="Oudhuurder",
                 geboortedatum="1950-01-01")  # fmt: skip
    new = submit(covenant, users, partner_referentie="WONING-12", achternaam="Nieuwhuurder",
                 geboortedatum="1999-01-01")  # fmt: skip
    assert new.person_id != old.person_id and new.case_id != old.case_id


def test_a_contract_in_a_companys_name_is_refused_with_a_clear_message(covenant, users, clients):
    with pytest.raises(ValidationError) as exc:
        submit(covenant, users, achternaam="Jansen Vastgoed B.V.")
    assert "bedrijf of instelling" in exc.value.message_dict["achternaam"][0]
    response = clients["eigen-haard"].post(
        reverse("intake:signal-create"), signal_data(achternaam="Stichting De Haven")
    )
    assert response.status_code == 400 and "bedrijf of instelling" in response.content.decode()
    api = clients["eigen-haard"].post(
        reverse("api-v1:signal-collection"),
        {"partnerReferentie": "API-1", "achternaam": "Bakker VOF"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert any(p["name"] == "achternaam" and "bedrijf" in p["reason"]
               for p in api.json()["invalidParams"])  # fmt: skip
    assert not Signal.objects.exists() and not Person.objects.exists()


def test_the_repeat_rule_follows_the_person_not_the_address(covenant, users):
    first = submit(covenant, users, partner_referentie="R-1", achternaam="Herhaler")
    case_assign(case_id=first.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_close(case_id=first.case_id, by=users["centram"], end_result=NO_CONTACT)
    # The same person, same landlord, same amount within the window: a repeat, even though the
    # case was closed and no case is open.
    again = submit(covenant, users, partner_referentie="R-2", achternaam="Herhaler")
    assert again.status == SignalStatus.REPEAT and again.case_id is None
    # Another person at the same address with the same amount is no repeat.
    other = submit(covenant, users, partner_referentie="R-3", achternaam="Andereherhaler")
    assert other.status == SignalStatus.NOT_YET_PICKED_UP and other.case_id is not None


def test_a_batch_files_variants_and_co_tenants_like_single_signals(covenant, users):
    """The same rules when everything arrives in one batch (one transaction, bulk insert)."""
    from meldpunt.intake.pipeline import IntakeRun

    rows = [
        signal_data(partner_referentie="B-1", achternaam="Batchpersoon", geboortedatum="1970-01-01",
                    medehuurder_achternaam="Batchpartner", medehuurder_geboortedatum="1971-01-01"),
        signal_data(partner_referentie="B-2", achternaam="Batch Persoon", geboortedatum="1970-01-01",
                    achterstand_bedrag="2.000,00"),
        signal_data(partner_referentie="B-3", achternaam="Batchpartner", geboortedatum="1971-01-01",
                    achterstand_bedrag="2.500,00"),
        signal_data(partner_referentie="B-4", achternaam="Batchbuur", geboortedatum="1970-01-01"),
    ]  # fmt: skip
    run = IntakeRun(partner=covenant["eigen-haard"], by=users["eigen-haard"], channel="bestand")
    outcomes = run.process(list(enumerate(rows, start=1)))
    assert [o.status for o in outcomes] == ["accepted"] * 4
    signals = {s.partner_reference: s for s in Signal.objects.all()}
    assert signals["B-1"].case_id == signals["B-2"].case_id == signals["B-3"].case_id
    assert signals["B-4"].case_id != signals["B-1"].case_id
    assert signals["B-1"].person_id == signals["B-2"].person_id
    assert signals["B-3"].person_id != signals["B-1"].person_id
    assert Case.objects.count() == 2 and Person.objects.count() == 3


def test_b2_is_reachable_for_a_signal_outside_the_target_group(covenant, users, clients, today):
    small = submit(covenant, users, partner_referentie="KLEIN-1", achterstand_bedrag="40,00")
    assert small.status == SignalStatus.UNJUSTIFIED and small.case_id is None
    landlord = clients["eigen-haard"]
    page = landlord.get(reverse("safeguards:tenancy", args=[small.tenancy.public_id]))
    assert page.status_code == 200 and "Eigen instrument vastleggen" in page.content.decode()
    from meldpunt.cases.models import Instrument

    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    response = landlord.post(
        reverse("safeguards:landlord-instrument-create", args=[small.tenancy.public_id]),
        {"instrument": plan.pk, "deployed_on": (today - timedelta(days=30)).isoformat(),
         "first_due_on": (today - timedelta(days=15)).isoformat(),
         "agreements": "3 termijnen van € 15"},
    )  # fmt: skip
    assert response.status_code == 302
    check = safeguard_check_ask(tenancy_id=small.tenancy_id, by=users["eigen-haard"],
                                question="deurwaarder")  # fmt: skip
    assert check.outcome == "toegestaan" and check.rows == ["B2"]


def test_b2_is_reachable_for_a_tenant_never_signalled(covenant, users, clients, today):
    landlord = clients["eigen-haard"]
    response = landlord.post(
        reverse("safeguards:tenancy-register"),
        {"reference": "NOOIT-1", "initials": "N.", "surname": "Nooitgemeld",
         "birth_date": "1988-08-08", "postcode": "1012 AB", "house_number": "5"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    from meldpunt.cases.models import Instrument, Tenancy

    tenancy = Tenancy.objects.get(reference="NOOIT-1")
    assert tenancy.details["person"]["achternaam"] == "Nooitgemeld" and not tenancy.signals.exists()
    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    url = reverse("safeguards:landlord-instrument-create", args=[tenancy.public_id])
    # Without terms and first due date the plan is refused, with a message per field.
    bad = landlord.post(url, {"instrument": plan.pk, "deployed_on": today.isoformat()})
    assert bad.status_code == 400 and "eerste vervaldatum" in bad.content.decode()
    good = landlord.post(url, {"instrument": plan.pk,
                               "deployed_on": (today - timedelta(days=40)).isoformat(),
                               "first_due_on": (today - timedelta(days=10)).isoformat(),
                               "agreements": "10 termijnen van € 100"})  # fmt: skip
    assert good.status_code == 302
    check = safeguard_check_ask(tenancy_id=tenancy.pk, by=users["eigen-haard"],
                                question="deurwaarder")  # fmt: skip
    assert check.rows == ["B2"]
    # Registering the same tenant again finds the existing tenancy.
    again = landlord.post(
        reverse("safeguards:tenancy-register"),
        {"reference": "NOOIT-1", "surname": "Nooit gemeld", "birth_date": "1988-08-08",
         "postcode": "1012AB", "house_number": "5"},
    )  # fmt: skip
    assert again.status_code == 302 and Tenancy.objects.filter(reference="NOOIT-1").count() == 1
    # Regie sees the landlord's own plan with its terms and first due date.
    regie = clients["regie"].get(reverse("safeguards:landlord-instruments")).content.decode()
    assert "NOOIT-1" in regie and "10 termijnen van € 100" in regie
    assert clients["centram"].get(reverse("safeguards:landlord-instruments")).status_code == 403


def test_a_company_cannot_be_registered_as_a_tenant(covenant, users, clients):
    response = clients["eigen-haard"].post(
        reverse("safeguards:tenancy-register"),
        {"reference": "BV-1", "surname": "Woonwinkel B.V.", "birth_date": "1988-08-08",
         "postcode": "1012 AB", "house_number": "5"},
    )  # fmt: skip
    assert response.status_code == 400 and "bedrijf of instelling" in response.content.decode()


# --- review of automatic decisions -----------------------------------------------------------


def test_regie_overturns_a_refused_signal_and_the_landlord_sees_it_taken_up(
    covenant, users, clients
):
    small = submit(covenant, users, partner_referentie="KLEIN-9", achterstand_bedrag="40,00")
    landlord, regie = clients["eigen-haard"], clients["regie"]
    feedback = landlord.get(reverse("cases:landlord-signal", args=[small.public_id]))
    assert "Niet opgepakt" in feedback.content.decode()
    page = regie.get(reverse("intake:review")).content.decode()
    assert "KLEIN-9" in page and "minimumbedrag" in page
    # A reason is required: nothing changes without one.
    response = regie.post(reverse("intake:review"), {"signal": small.public_id, "reason": " "})
    assert response.status_code == 200 and "Geef de reden" in response.content.decode()
    small.refresh_from_db()
    assert small.status == SignalStatus.UNJUSTIFIED and small.case_id is None
    response = regie.post(
        reverse("intake:review"),
        {"signal": small.public_id, "reason": "Huurder heeft ook energieschuld (telefoon)"},
    )
    small.refresh_from_db()
    assert response.status_code == 302 and small.case_id is not None
    assert small.status == SignalStatus.NOT_YET_PICKED_UP
    assert small.case.status == CaseStatus.RECEIVED  # waits for triage
    assert response["Location"] == reverse("cases:case-detail", args=[small.case.public_id])
    [change] = small.history.all()
    assert change.from_status == SignalStatus.UNJUSTIFIED and change.by == users["regie"]
    from meldpunt.privacy.models import ProcessingLogEntry

    logged = ProcessingLogEntry.objects.get(name="signal.overturn")
    assert logged.object_id == str(small.public_id) and logged.actor_id == users["regie"].pk
    feedback = landlord.get(reverse("cases:landlord-signal", args=[small.public_id]))
    assert "Niet opgepakt" not in feedback.content.decode()
    assert "Ontvangen" in feedback.content.decode()
    # It is no longer in the review, and a landlord or provider cannot overturn anything.
    assert "KLEIN-9" not in regie.get(reverse("intake:review")).content.decode()
    assert landlord.get(reverse("intake:review")).status_code == 403
    assert clients["centram"].post(reverse("intake:review"), {}).status_code == 403


def test_an_overturned_repeat_joins_the_persons_open_case(covenant, users):
    from meldpunt.cases.services import signal_overturn

    first = submit(covenant, users, partner_referentie="H-1")
    repeat = submit(covenant, users, partner_referentie="H-2")
    assert repeat.status == SignalStatus.REPEAT
    signal_overturn(signal_id=repeat.pk, by=users["regie"], reason="Hoger risico dan gedacht")
    repeat.refresh_from_db()
    assert repeat.case_id == first.case_id and repeat.status == SignalStatus.NOT_YET_PICKED_UP
    with pytest.raises(ValidationError):
        signal_overturn(signal_id=repeat.pk, by=users["regie"], reason="nog eens")
