"""Outcomes a landlord registers for its own tenancy (issue #11, ADR 0106).

What followed (arrears settled, bailiff, eviction, ...), on which day, and whether a valid
verklaring Sluitende Aanpak existed that day; append-only with a withdrawal that keeps history;
every write and read in the processing log; the landlord's screen shows nothing of the case.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.services import api_token_create
from meldpunt.cases.models import Instrument, Track
from meldpunt.cases.services import (
    case_assign,
    case_note_add,
    case_pick_up,
    contact_attempt_record,
    instrument_deploy,
    landlord_instrument_record,
)
from meldpunt.dataprotection.retention import retention_apply
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.safeguards.models import Attestation, OutcomeWithdrawal, TenancyOutcome
from meldpunt.safeguards.services import (
    attestation_revoke,
    safeguard_check_ask,
    tenancy_outcome_record,
    tenancy_outcome_withdraw,
)

from .conftest import shows, signal_data
from .test_accessibility import check_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(covenant, users):
    return signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                         raw=signal_data(partner_referentie="EH-UIT-1"))  # fmt: skip


def allowed_bailiff_check(signal, users, today):
    """An allowed bailiff check (B2: the landlord's own payment plan), so a verklaring."""
    landlord_instrument_record(
        tenancy_id=signal.tenancy_id, by=users["eigen-haard"],
        instrument=Instrument.objects.get(code="betalingsregeling-verhuurder"),
        deployed_on=today - timedelta(days=30), first_due_on=today - timedelta(days=15),
        agreements="5 termijnen",
    )  # fmt: skip
    check = safeguard_check_ask(
        tenancy_id=signal.tenancy_id, by=users["eigen-haard"], question="deurwaarder"
    )
    assert check.allowed
    return check


def record(users, signal, kind, on, **kwargs):
    return tenancy_outcome_record(
        by=users["eigen-haard"], tenancy_id=signal.tenancy_id, kind=kind, occurred_on=on, **kwargs
    )


def test_bailiff_with_a_valid_verklaring_found_without_a_code(signal, users, today):
    check = allowed_bailiff_check(signal, users, today)
    outcome = record(users, signal, "deurwaarder", today)
    assert outcome.verklaring_valid is True
    assert outcome.attestation == check.attestation
    assert outcome.organisation.slug == "eigen-haard"
    assert outcome.municipality_id == signal.tenancy.municipality_id


def test_bailiff_with_the_code_the_landlord_relied_on(signal, users, today):
    check = allowed_bailiff_check(signal, users, today)
    code = check.attestation.code.lower().replace("-", " ")  # as typed from paper
    outcome = record(users, signal, "deurwaarder", today, verification_code=code)
    assert outcome.verklaring_valid is True and outcome.attestation == check.attestation


def test_without_any_verklaring_the_outcome_says_so(signal, users, today):
    assert record(users, signal, "deurwaarder", today).verklaring_valid is False
    assert record(users, signal, "ontruiming-uitgevoerd", today).verklaring_valid is False
    assert record(users, signal, "ontruiming-aangezegd", today).verklaring_valid is False


def test_a_bailiff_verklaring_does_not_cover_an_eviction(signal, users, today):
    check = allowed_bailiff_check(signal, users, today)
    assert record(users, signal, "ontruiming-uitgevoerd", today).verklaring_valid is False
    outcome = record(users, signal, "ontruiming-uitgevoerd", today,
                     verification_code=check.attestation.code)  # fmt: skip
    assert outcome.verklaring_valid is False


def test_validity_window_is_the_setting_and_counts_from_the_day_of_issue(
    signal, users, today, settings
):
    settings.MELDPUNT_VERKLARING_VALID_DAYS = 90
    check = allowed_bailiff_check(signal, users, today)
    Attestation.objects.filter(pk=check.attestation.pk).update(
        issued_at=timezone.now() - timedelta(days=100)
    )
    assert record(users, signal, "deurwaarder", today).verklaring_valid is False
    assert record(users, signal, "deurwaarder", today - timedelta(days=10)).verklaring_valid
    # Before the verklaring was issued it did not exist yet.
    assert record(users, signal, "deurwaarder", today - timedelta(days=101)).verklaring_valid is (
        False
    )
    settings.MELDPUNT_VERKLARING_VALID_DAYS = 120
    assert record(users, signal, "deurwaarder", today).verklaring_valid is True


def test_a_revoked_verklaring_is_not_valid_from_its_revocation(signal, users, today):
    check = allowed_bailiff_check(signal, users, today)
    attestation_revoke(attestation_id=check.attestation.pk, by=users["regie"], reason="fout")
    assert record(users, signal, "deurwaarder", today).verklaring_valid is False
    # Issued five days ago and revoked today: it was valid yesterday.
    Attestation.objects.filter(pk=check.attestation.pk).update(
        issued_at=timezone.now() - timedelta(days=5)
    )
    assert record(users, signal, "deurwaarder", today - timedelta(days=1)).verklaring_valid


def test_kinds_without_a_verklaring_record_none(signal, users, today):
    for kind in ("huurschuld-voldaan", "betalingsregeling", "vonnis", "ontruiming-afgeblazen",
                 "vertrokken"):  # fmt: skip
        assert record(users, signal, kind, today).verklaring_valid is None


def test_bad_input_is_refused_in_dutch_and_writes_nothing(signal, users, covenant, today):
    check = allowed_bailiff_check(signal, users, today)
    other = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                          raw=signal_data(partner_referentie="EH-UIT-2", achternaam="Ander",
                                          geboortedatum="1971-01-01"))  # fmt: skip
    assert other.tenancy_id != signal.tenancy_id
    cases = [
        (dict(kind="ontruimd"), "kind", "Kies een uitkomst uit de lijst."),
        (dict(kind="deurwaarder", on=today + timedelta(days=1)), "occurred_on", "toekomst"),
        (dict(kind="deurwaarder", verification_code="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"),
         "verification_code", "Er is geen verklaring met deze code voor deze huurder."),
        (dict(kind="vertrokken", verification_code=check.attestation.code), "verification_code",
         "alleen bij deurwaarder of ontruiming"),
    ]  # fmt: skip
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            record(users, signal, kwargs["kind"], kwargs.get("on", today),
                   verification_code=kwargs.get("verification_code", ""))  # fmt: skip
        assert message in " ".join(exc.value.message_dict[field])
    # A verklaring of the landlord's other tenant does not count for this one.
    with pytest.raises(ValidationError):
        record(users, other, "deurwaarder", today, verification_code=check.attestation.code)
    assert not TenancyOutcome.objects.exists()


def test_only_the_landlord_itself_records_for_its_own_tenancy(signal, users, today):
    for who in ("ymere", "centram", "regie", "beleid", "energie"):
        with pytest.raises(PermissionDenied):
            tenancy_outcome_record(by=users[who], tenancy_id=signal.tenancy_id,
                                   kind="deurwaarder", occurred_on=today)  # fmt: skip
    assert not TenancyOutcome.objects.exists()


def test_withdrawal_keeps_history_and_drops_the_outcome_from_what_is_in_force(signal, users, today):
    outcome = record(users, signal, "ontruiming-uitgevoerd", today)
    withdrawal = tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                                          outcome_id=outcome.public_id, reason="vergissing")  # fmt: skip
    assert withdrawal.withdrawn_by == users["eigen-haard"]
    assert TenancyOutcome.objects.filter(pk=outcome.pk).exists()
    assert not TenancyOutcome.objects.in_force().exists()
    assert not TenancyOutcome.objects.without_valid_verklaring().exists()
    with pytest.raises(ValidationError, match="al ingetrokken"):
        tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                                 outcome_id=outcome.public_id, reason="vergissing")  # fmt: skip
    with pytest.raises(ValidationError, match="reden"):
        tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                                 outcome_id=outcome.public_id, reason="zomaar")  # fmt: skip
    with pytest.raises(PermissionDenied):
        tenancy_outcome_withdraw(by=users["ymere"], tenancy_id=signal.tenancy_id,
                                 outcome_id=outcome.public_id, reason="vergissing")  # fmt: skip


def test_the_database_refuses_changing_what_was_registered(signal, users, today):
    outcome = record(users, signal, "deurwaarder", today)
    for changes in ({"kind": "vertrokken"}, {"verklaring_valid": True}):
        with pytest.raises(DatabaseError), transaction.atomic():
            TenancyOutcome.objects.filter(pk=outcome.pk).update(**changes)
    withdrawal = tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                                          outcome_id=outcome.public_id, reason="vergissing")  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic():
        OutcomeWithdrawal.objects.filter(pk=withdrawal.pk).update(reason="verkeerde-huurder")
    # Retention may still coarsen the date to the month.
    TenancyOutcome.objects.filter(pk=outcome.pk).update(occurred_on=today.replace(day=1))


def test_every_write_and_read_is_in_the_processing_log(signal, users, clients, today):
    subject = str(signal.tenancy.person.subject_id)
    outcome = record(users, signal, "deurwaarder", today)
    tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                             outcome_id=outcome.public_id, reason="vergissing")  # fmt: skip
    clients["eigen-haard"].get(
        reverse("safeguards:tenancy-outcome", args=[signal.tenancy.public_id])
    )
    entries = ProcessingLogEntry.objects.filter(data_subject_id=subject)
    names = {(e.name, e.action) for e in entries}
    assert {("outcome.record", "create"), ("outcome.withdraw", "update"),
            ("outcome.list", "read")} <= names  # fmt: skip
    assert entries.get(name="outcome.record").object_id == str(outcome.public_id)


def test_landlord_screen_records_and_lists_its_own_outcomes(signal, users, clients, today):
    client = clients["eigen-haard"]
    url = reverse("safeguards:tenancy-outcome", args=[signal.tenancy.public_id])
    detail = client.get(reverse("safeguards:tenancy", args=[signal.tenancy.public_id]))
    assert url in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Wat is er gebeurd?" in page.content.decode()
    response = client.post(url, {"kind": "deurwaarder", "occurred_on": today.isoformat()},
                           follow=True)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "geen geldige verklaring" in html
    assert "Overgedragen aan de deurwaarder" in html
    outcome = TenancyOutcome.objects.get()
    assert outcome.recorded_by == users["eigen-haard"] and outcome.verklaring_valid is False
    # Bad input: a Dutch message at the field, nothing written.
    bad = client.post(url, {"kind": "deurwaarder", "occurred_on": "31-02-2026"})
    assert bad.status_code == 400 and "Vul een geldige datum in." in bad.content.decode()
    future = client.post(url, {"kind": "deurwaarder",
                               "occurred_on": (today + timedelta(days=3)).isoformat()})  # fmt: skip
    assert future.status_code == 400 and "toekomst" in future.content.decode()
    assert TenancyOutcome.objects.count() == 1
    # Withdraw through its own page; the outcome stays listed as withdrawn.
    withdraw_url = reverse("safeguards:tenancy-outcome-withdraw", args=[signal.tenancy.public_id])
    form = client.get(f"{withdraw_url}?uitkomst={outcome.public_id}")
    assert form.status_code == 200 and "checked" in form.content.decode()
    assert client.post(withdraw_url, {"outcome": str(outcome.public_id)}).status_code == 400
    done = client.post(withdraw_url, {"outcome": str(outcome.public_id), "reason": "vergissing"},
                       follow=True)  # fmt: skip
    assert "ingetrokken op" in done.content.decode()
    assert OutcomeWithdrawal.objects.filter(outcome=outcome).exists()


def test_other_organisations_never_reach_the_screen(signal, clients):
    for name in ("tenancy-outcome", "tenancy-outcome-withdraw"):
        url = reverse(f"safeguards:{name}", args=[signal.tenancy.public_id])
        for who in ("ymere", "centram", "regie", "beleid", "energie", "diemen-verhuurder"):
            assert clients[who].get(url).status_code in (403, 404), (name, who)
            assert clients[who].post(url, {"kind": "vertrokken"}).status_code in (403, 404)
    assert not TenancyOutcome.objects.exists()


PROBES = {
    "note": "Probenotitie-schuld-bij-Zilveren-Kruis",
    "agreements": "Probeafspraak-zeventien-termijnen",
}


def test_the_landlord_learns_nothing_of_the_case_beyond_its_own_feedback(
    signal, users, clients, covenant, today
):
    """Leak test: the case's facts, with probe values, never appear on the outcome screens."""
    centram = users["centram"]
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=centram)
    contact_attempt_record(case_id=signal.case_id, by=centram, on=today, kind="Huisbezoek",
                           reached=True, part_of_day="Avond")  # fmt: skip
    case_note_add(case_id=signal.case_id, by=centram, text=PROBES["note"])
    instrument_deploy(case_id=signal.case_id, by=centram,
                      instrument=Instrument.objects.get(code="budgetbeheer"),
                      deployed_on=today, first_due_on=today, agreements=PROBES["agreements"])  # fmt: skip
    check = safeguard_check_ask(
        tenancy_id=signal.tenancy_id, by=users["eigen-haard"], question="deurwaarder"
    )
    client = clients["eigen-haard"]
    url = reverse("safeguards:tenancy-outcome", args=[signal.tenancy.public_id])
    client.post(url, {"kind": "deurwaarder", "occurred_on": today.isoformat()})
    pages = [
        client.get(url).content.decode(),
        client.get(
            reverse("safeguards:tenancy-outcome-withdraw", args=[signal.tenancy.public_id])
        ).content.decode(),
    ]
    for html in pages:
        for probe in (*PROBES.values(), "CentraM", "Budgetbeheer", "Huisbezoek", "Avond"):
            assert not shows(html, probe), probe
    # What it does see is its own: the outcome and whether its own verklaring was valid.
    assert "Overgedragen aan de deurwaarder" in pages[0]
    assert TenancyOutcome.objects.get().verklaring_valid is check.allowed


# The API: GET/POST /api/v1/signalen/{id}/uitkomsten with a key of scope "outcomes" (ADR 0105).


def api_client(organisation, scopes=("outcomes",)):
    _token, key = api_token_create(organisation=organisation, name="uitkomsten",
                                   scopes=list(scopes))  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def outcomes_url(signal):
    return reverse("api-v1:signal-outcomes", args=[signal.public_id])


def test_api_registers_and_lists_the_landlords_own_outcomes(signal, users, covenant, today):
    check = allowed_bailiff_check(signal, users, today)
    client = api_client(covenant["eigen-haard"])
    created = client.post(outcomes_url(signal), {"uitkomst": "deurwaarder",
                          "datum": today.isoformat(), "verificatiecode": check.attestation.code},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["uitkomst"] == "deurwaarder" and body["geldigeVerklaring"] is True
    assert body["omschrijving"] == "Overgedragen aan de deurwaarder" and body["ingetrokken"] is None
    client.post(outcomes_url(signal), {"uitkomst": "huurschuld-voldaan",
                "datum": today.isoformat()}, content_type="application/json")  # fmt: skip
    listed = client.get(outcomes_url(signal))
    assert listed.status_code == 200
    assert [(o["uitkomst"], o["geldigeVerklaring"]) for o in listed.json()] in (
        [("deurwaarder", True), ("huurschuld-voldaan", None)],
        [("huurschuld-voldaan", None), ("deurwaarder", True)],
    )
    # Only its own feedback: exactly these keys, nothing of the case.
    assert {frozenset(o) for o in listed.json()} == {
        frozenset({"id", "uitkomst", "omschrijving", "datum", "geldigeVerklaring", "ingetrokken"})
    }
    # Each use is in the processing log under the key's own service user.
    entries = ProcessingLogEntry.objects.filter(name__startswith="outcome.")
    assert {e.name for e in entries} == {"outcome.record", "outcome.list"}
    assert all(e.actor.organisation_id == covenant["eigen-haard"].pk for e in entries)
    assert all(e.actor != users["eigen-haard"] for e in entries)


def test_api_refuses_bad_input_as_dutch_problem_json(signal, covenant, today):
    client = api_client(covenant["eigen-haard"])
    cases = [
        ({"uitkomst": "ontruimd", "datum": today.isoformat()}, "uitkomst"),
        ({"uitkomst": "deurwaarder", "datum": "02-12-2026"}, "datum"),
        ({"uitkomst": "deurwaarder"}, "datum"),
        ({"uitkomst": "deurwaarder", "datum": (today + timedelta(days=1)).isoformat()}, "datum"),
        ({"uitkomst": "deurwaarder", "datum": today.isoformat(),
          "verificatiecode": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"}, "verificatiecode"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post(outcomes_url(signal), body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        assert field in {p["name"] for p in response.json()["invalidParams"]}, response.json()
    assert not TenancyOutcome.objects.exists()


def test_api_needs_the_outcomes_scope_and_the_own_signal(signal, covenant, today):
    body = {"uitkomst": "vertrokken", "datum": today.isoformat()}
    without_scope = api_client(covenant["eigen-haard"], scopes=("submit", "read-feedback"))
    assert without_scope.get(outcomes_url(signal)).status_code == 403
    assert without_scope.post(outcomes_url(signal), body,
                              content_type="application/json").status_code == 403  # fmt: skip
    other = api_client(covenant["ymere"])
    assert other.get(outcomes_url(signal)).status_code == 404
    assert other.post(outcomes_url(signal), body,
                      content_type="application/json").status_code == 404  # fmt: skip
    assert Client().get(outcomes_url(signal)).status_code in (401, 403)
    assert not TenancyOutcome.objects.exists()


def test_api_answer_holds_no_case_facts(signal, users, covenant, today):
    centram = users["centram"]
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    case_note_add(case_id=signal.case_id, by=centram, text=PROBES["note"])
    instrument_deploy(case_id=signal.case_id, by=centram,
                      instrument=Instrument.objects.get(code="budgetbeheer"), deployed_on=today,
                      first_due_on=today, agreements=PROBES["agreements"])  # fmt: skip
    client = api_client(covenant["eigen-haard"])
    posted = client.post(outcomes_url(signal), {"uitkomst": "ontruiming-uitgevoerd",
                         "datum": today.isoformat()}, content_type="application/json")  # fmt: skip
    for text in (posted.content.decode(), client.get(outcomes_url(signal)).content.decode()):
        for probe in (*PROBES.values(), "CentraM", "Budgetbeheer", "budgetbeheer"):
            assert not shows(text, probe), probe


# Regie's list of outcomes without a valid verklaring, to follow each one up.


def test_regie_lists_the_outcomes_without_a_valid_verklaring_of_its_municipality(
    signal, users, clients, covenant, today
):
    check = allowed_bailiff_check(signal, users, today)
    valid = record(users, signal, "deurwaarder", today)
    missing = record(users, signal, "ontruiming-uitgevoerd", today - timedelta(days=2))
    withdrawn = record(users, signal, "deurwaarder", today - timedelta(days=400))
    tenancy_outcome_withdraw(by=users["eigen-haard"], tenancy_id=signal.tenancy_id,
                             outcome_id=withdrawn.public_id, reason="vergissing")  # fmt: skip
    settled = record(users, signal, "huurschuld-voldaan", today)
    expired_code = record(users, signal, "deurwaarder", today - timedelta(days=1),
                          verification_code=check.attestation.code)  # fmt: skip
    assert valid.verklaring_valid and expired_code.verklaring_valid is False  # issued today
    diemen = signal_submit(partner=covenant["woonstichting-diemen-demo"],
                           submitted_by=users["diemen-verhuurder"],
                           raw=signal_data(partner_referentie="DI-UIT", postcode="1111 AB"))  # fmt: skip
    elsewhere = tenancy_outcome_record(by=users["diemen-verhuurder"], tenancy_id=diemen.tenancy_id,
                                       kind="deurwaarder", occurred_on=today)  # fmt: skip
    url = reverse("safeguards:outcomes-without-verklaring")
    html = clients["regie"].get(url).content.decode()
    assert "EH-UIT-1" in html and "DI-UIT" not in html
    assert html.count("Ontruiming uitgevoerd") == 1
    assert "code opgegeven, maar niet geldig" in html
    assert reverse("cases:case-detail", args=[signal.case.public_id]) in html
    logged = ProcessingLogEntry.objects.filter(name="outcome.without_verklaring")
    assert {e.object_id for e in logged} == {str(missing.public_id), str(expired_code.public_id)}
    assert str(settled.public_id) not in {e.object_id for e in logged}
    diemen_html = clients["diemen-regie"].get(url).content.decode()
    assert "DI-UIT" in diemen_html and "EH-UIT-1" not in diemen_html
    assert str(elsewhere.public_id) in {
        e.object_id for e in ProcessingLogEntry.objects.filter(name="outcome.without_verklaring")
    }
    for who in ("beleid", "eigen-haard", "centram", "beheer", "privacy"):
        assert clients[who].get(url).status_code == 403, who


def test_the_outcome_pages_keep_the_accessible_structure(signal, users, clients, today):
    record(users, signal, "deurwaarder", today)
    tenancy = signal.tenancy.public_id
    for who, url in (
        ("eigen-haard", reverse("safeguards:tenancy-outcome", args=[tenancy])),
        ("eigen-haard", reverse("safeguards:tenancy-outcome-withdraw", args=[tenancy])),
        ("regie", reverse("safeguards:outcomes-without-verklaring")),
    ):
        response = clients[who].get(url)
        assert response.status_code == 200
        check_page(response.content.decode())
    invalid = clients["eigen-haard"].post(
        reverse("safeguards:tenancy-outcome", args=[tenancy]), {"occurred_on": "gisteren"}
    )
    assert invalid.status_code == 400
    check_page(invalid.content.decode())
    assert "Kies wat er is gebeurd." in invalid.content.decode()


def test_the_outcomes_api_is_described_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    operations = spec["paths"]["/signalen/{signaalId}/uitkomsten"]
    assert set(operations) >= {"get", "post"}
    assert all(op["tags"] == ["uitkomsten"] for m, op in operations.items() if m in ("get", "post"))
    schemas = spec["components"]["schemas"]
    request = next(v for k, v in schemas.items() if k.startswith("OutcomeRequest"))
    assert set(request["properties"]) == {"uitkomst", "datum", "verificatiecode"}
    assert set(request["properties"]["uitkomst"].get("enum", [])) | {
        e for ref in [request["properties"]["uitkomst"].get("$ref", "")] if ref
        for e in schemas[ref.rsplit("/", 1)[1]]["enum"]
    } >= {"deurwaarder", "ontruiming-uitgevoerd"}  # fmt: skip


def test_an_access_request_exports_the_outcomes_of_the_persons_tenancies(
    signal, users, clients, covenant, today
):
    mine = record(users, signal, "ontruiming-aangezegd", today)
    other = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                          raw=signal_data(partner_referentie="EH-UIT-9", achternaam="Ander",
                                          geboortedatum="1971-01-01"))  # fmt: skip
    theirs = record(users, other, "vertrokken", today)
    response = clients["privacy"].post(
        reverse("dataprotection:access-request-export"),
        {"persoon": str(signal.tenancy.person.subject_id), "formaat": "json"},
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [o["id"] for o in data["uitkomsten"]] == [str(mine.public_id)]
    assert data["uitkomsten"][0]["uitkomst"] == "Ontruiming aangezegd"
    assert data["uitkomsten"][0]["geldige_verklaring"] is False
    assert str(theirs.public_id) not in response.content.decode()


def test_retention_keeps_the_figures_and_coarsens_the_dates(covenant, users):
    unjustified = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                                raw=signal_data(achterstand_bedrag="20,00",
                                                onbereikbaar_in_incasso=""))  # fmt: skip
    assert unjustified.case_id is None and unjustified.tenancy_id
    day = timezone.localdate() - timedelta(days=3)
    if day.day == 1:
        day -= timedelta(days=1)
    outcome = record(users, unjustified, "deurwaarder", day)
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        retention_apply(trigger="test")
    outcome.refresh_from_db()
    assert outcome.occurred_on == day.replace(day=1)
    assert outcome.kind == "deurwaarder" and outcome.verklaring_valid is False
    assert outcome.organisation.slug == "eigen-haard"
    assert outcome.tenancy.person_id is None  # the tenancy forgot who it was


def test_regie_narrows_its_list_to_a_landlord_and_a_year(users, clients, covenant, today):
    eh = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                       raw=signal_data(partner_referentie="EH-FILTER"))  # fmt: skip
    ym = signal_submit(partner=covenant["ymere"], submitted_by=users["ymere"],
                       raw=signal_data(partner_referentie="YM-FILTER", postcode="1021 JK"))  # fmt: skip
    last_year = today.replace(year=today.year - 1, day=1)
    record(users, eh, "deurwaarder", today)
    tenancy_outcome_record(by=users["ymere"], tenancy_id=ym.tenancy_id, kind="deurwaarder",
                           occurred_on=last_year)  # fmt: skip
    url = reverse("safeguards:outcomes-without-verklaring")
    regie = clients["regie"]
    both = regie.get(url).content.decode()
    assert "EH-FILTER" in both and "YM-FILTER" in both
    only_ymere = regie.get(url, {"verhuurder": covenant["ymere"].pk}).content.decode()
    assert "YM-FILTER" in only_ymere and "EH-FILTER" not in only_ymere
    this_year = regie.get(url, {"jaar": today.year}).content.decode()
    assert "EH-FILTER" in this_year and "YM-FILTER" not in this_year
    for bad in ({"jaar": "vorig jaar"}, {"verhuurder": covenant["de-key"].pk}, {"jaar": "1850"}):
        response = regie.get(url, bad)
        assert response.status_code == 400, bad
        check_page(response.content.decode())
