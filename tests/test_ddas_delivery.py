"""The DDAS v1.2 delivery read from the case file (reporting.delivery.CaseFileSource): the file of
`meldpunt export-ddas`, beleid's download and CBS's `POST /ddas/v1/gegevens` all say the same,
validate against the v1.2 schema and follow the case file exactly.

March 2026 (known answers):
    Amsterdam  S1 Eigen Haard about Aalders, 1012 LG 12 A bis, € 1.234,56 → case Z1
               S2 Ymere about Aalders (the same person) → joins Z1
               Z1: picked up by a first attempt on 3 March (Huisbezoek, not reached), reached by
                   Telefoon on 5 March, closed "(Budget)advies en/of quick fix"
               S3 Eigen Haard about Bakker, € 500,50 → case Z2, assigned, no attempt
    Diemen     S4 Woonstichting Diemen about Claassen, 1111 AB → case Z3
A signal of February (not in the delivery) and an anonymised one of March (left out).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from meldpunt.cases.models import ContactAttempt, Signal, Track
from meldpunt.cases.services import case_assign, case_close, contact_attempt_record
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.reporting.ddas.reader import read_document
from meldpunt.reporting.ddas.vocabulary import (
    EnumContactsoort,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
)
from meldpunt.reporting.delivery import CaseFileSource, client_from, month_bounds, whole_euros

from .conftest import mfa_client, signal_data
from .reference import ddas_v12_schema
from .test_ddas_collection import RESPONSE_200, contract  # noqa: F401 - fixture
from .test_ddas_endpoint import CBS, delivery, pki, post  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def submit(covenant, users, partner_key, slug, day, **raw):
    with time_machine.travel(at(day), tick=False):
        return signal_submit(
            partner=covenant[slug], submitted_by=users[partner_key], raw=signal_data(**raw)
        )


def attempt(case_id, users, on: date, kind: str, reached: bool):
    with time_machine.travel(at(on), tick=False):
        contact_attempt_record(
            case_id=case_id, by=users["centram"], kind=kind, reached=reached, on=on,
            part_of_day="Middag",
        )  # fmt: skip


@pytest.fixture
def march(covenant, users):
    s1 = submit(covenant, users, "eigen-haard", "eigen-haard", date(2026, 3, 2),
                partner_referentie="EH-1", achternaam="Aalders", huisnummer="12",
                huisletter="A", huisnummertoevoeging="bis", achterstand_bedrag="1.234,56",
                achterstand_sinds="2026-01-10", signaaldatum="2026-03-02")  # fmt: skip
    assert s1.case_id, s1.decision
    with time_machine.travel(at(date(2026, 3, 2), 11), tick=False):
        case_assign(case_id=s1.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                    by=users["regie"])  # fmt: skip
    s2 = submit(covenant, users, "ymere", "ymere", date(2026, 3, 4), partner_referentie="YM-1",
                achternaam="Aalders", huisnummer="12", huisletter="A",
                huisnummertoevoeging="bis", signaaldatum="2026-03-04")  # fmt: skip
    assert s2.case_id == s1.case_id, s2.decision
    attempt(s1.case_id, users, date(2026, 3, 3), "Huisbezoek", False)
    attempt(s1.case_id, users, date(2026, 3, 5), "Telefoon", True)
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        case_close(case_id=s1.case_id, by=users["centram"],
                   end_result="(Budget)advies en/of quick fix")  # fmt: skip
    s3 = submit(covenant, users, "eigen-haard", "eigen-haard", date(2026, 3, 10),
                partner_referentie="EH-2", achternaam="Bakker", huisnummer="40",
                postcode="1012 AB", achterstand_bedrag="500,50",
                signaaldatum="2026-03-10")  # fmt: skip
    with time_machine.travel(at(date(2026, 3, 10), 11), tick=False):
        case_assign(case_id=s3.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                    by=users["regie"])  # fmt: skip
    s4 = submit(covenant, users, "diemen-verhuurder", "woonstichting-diemen-demo",
                date(2026, 3, 12), partner_referentie="DI-1", achternaam="Claassen",
                postcode="1111 AB", huisnummer="3", signaaldatum="2026-03-12")  # fmt: skip
    february = submit(covenant, users, "eigen-haard", "eigen-haard", date(2026, 2, 20),
                      partner_referentie="EH-0", achternaam="Dijkstra", huisnummer="7",
                      signaaldatum="2026-02-20")  # fmt: skip
    gone = submit(covenant, users, "eigen-haard", "eigen-haard", date(2026, 3, 15),
                  partner_referentie="EH-3", achternaam="Evers", huisnummer="9",
                  signaaldatum="2026-03-15")  # fmt: skip
    Signal.objects.filter(pk=gone.pk).update(person_index="geanonimiseerd-s1", details={})
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "february": february, "gone": gone}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(
        ddas_v12_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def export(tmp_path, *args) -> bytes:
    out = tmp_path / "ddas.json"
    call_command("export-ddas", *args, "--output", str(out))
    return out.read_bytes()


def test_the_month_file_follows_the_case_file(march, tmp_path, validator):
    raw = export(tmp_path, "--month", "2026-03")
    body = json.loads(raw)
    assert [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)] == []
    document = read_document(raw)
    assert (document.header.startdatum_levering, document.header.einddatum_levering) == MARCH
    assert [(lv.teller, lv.gemeentecode) for lv in document.leveringen] == [
        (1, "0363"),
        (2, "0384"),
    ]
    amsterdam, diemen = document.leveringen
    assert amsterdam.aanleverende_organisatie.naam == "Gemeente Amsterdam"
    ids = {key: str(march[key].public_id) for key in ("s1", "s2", "s3", "s4")}
    assert [s.id for s in amsterdam.vroegsignalen] == [ids["s1"], ids["s2"], ids["s3"]]
    assert [s.id for s in diemen.vroegsignalen] == [ids["s4"]]

    s1, s2, s3 = amsterdam.vroegsignalen
    assert (s1.client.postcode, s1.client.huisnummer, s1.client.huisnummertoevoeging) == (
        "1012LG", "12", "A bis"
    )  # fmt: skip
    assert s1.client.geboortedatum == date(1980, 5, 17) and s1.client.burgerservicenummer is None
    assert (s1.bedrag, s1.ontstaansdatum, s1.signaaldatum) == (
        1235,
        date(2026, 1, 10),
        date(2026, 3, 2),
    )
    assert s3.bedrag == 501  # € 500,50 rounded half up to whole euros
    assert s1.signaalpartner.type == s2.signaalpartner.type == EnumSignaalpartner.HUUR
    # Z1 was picked up (and closed with an outcome of the outreach): its signals are Opgepakt.
    assert s1.status == s2.status == EnumSignaalstatus.OPGEPAKT
    assert s3.status == EnumSignaalstatus.NOG_NIET_OPGEPAKT

    z1, z2 = amsterdam.vroegsignaalzaken
    assert z1.vroegsignalen == (ids["s1"], ids["s2"]) and z2.vroegsignalen == (ids["s3"],)
    assert z1.resultaat == EnumEindresultaat.BUDGETADVIES_QUICK_FIX and z2.resultaat is None
    assert z1.datum_opgepakt == date(2026, 3, 3) and z2.datum_opgepakt is None
    assert z1.matchingsdatum == date(2026, 3, 2)
    assert (z1.startdatum_matchingperiode, z1.einddatum_matchingperiode) == MARCH
    assert [(a.soort, a.bereikt, a.datum) for a in z1.contactpogingen] == [
        (EnumContactsoort.HUISBEZOEK, False, date(2026, 3, 3)),
        (EnumContactsoort.TELEFOON, True, date(2026, 3, 5)),
    ]
    assert z2.contactpogingen is None
    assert [z.vroegsignalen for z in diemen.vroegsignaalzaken] == [(ids["s4"],)]
    # No name, street, phone or e-mail leaves the product.
    for secret in ("Aalders", "Damrak", "0612345678", "example.org"):
        assert secret.encode() not in raw


def test_one_municipality_and_the_processing_log(march, tmp_path):
    before = ProcessingLogEntry.objects.filter(processing_activity__code="ddas").count()
    document = read_document(export(tmp_path, "--month", "2026-03", "--gemeente", "0384"))
    assert [lv.gemeentecode for lv in document.leveringen] == ["0384"]
    records = ProcessingLogEntry.objects.filter(processing_activity__code="ddas")
    assert records.count() == before + 1
    record = records.latest("sequence")
    assert record.action == "export" and record.data_subject_type == "levering"
    assert "Claassen" not in json.dumps(record.fields) + record.name


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--month", "2026-13"], "geen maand"),
        (["--month", "maart"], "geen maand"),
        (["--start", "2026-03-31", "--end", "2026-03-01"], "voor --start"),
        (["--start", "2026-03-01"], "Geef --month"),
        (["--month", "2026-03", "--gemeente", "9999"], "Onbekende gemeentecode: 9999"),
    ],
)
def test_bad_arguments_say_what_and_write_nothing(db, tmp_path, args, words):
    with pytest.raises(CommandError, match=words):
        export(tmp_path, *args)
    assert not list(tmp_path.iterdir())


def test_a_period_without_signals_is_a_valid_empty_delivery(db, tmp_path, validator):
    body = json.loads(export(tmp_path, "--start", "2026-01-01", "--end", "2026-01-31"))
    assert validator.is_valid(body) and "leveringen" not in body


def test_cbs_collects_the_case_file_page_by_page(march, delivery, settings, contract):  # noqa: F811
    settings.MELDPUNT_DDAS_SOURCE = "meldpunt.reporting.delivery.CaseFileSource"
    period = {"aanleverperiodeStartdatum": "2026-03-01", "aanleverperiodeEinddatum": "2026-03-31"}
    seen_signals, seen_cases, referred = [], [], set()
    for page in (1, 2):
        response, content = post(delivery, {**period, "page": page, "pageSize": 2})
        assert response.status_code == 200
        body = json.loads(content)
        assert contract(RESPONSE_200).is_valid(body)
        assert body["paginering"] == {
            "pageSize": 2, "currentPage": page, "totalPages": 2, "totalRecords": 4
        }  # fmt: skip
        for levering in body["gegevens"]["leveringen"]:
            seen_signals += [s["ID"] for s in levering["vroegsignalen"]]
            for case in levering.get("vroegsignaalzaken", []):
                seen_cases.append(tuple(s["ID"] for s in case["vroegsignalen"]))
                referred |= {s["ID"] for s in case["vroegsignalen"]}
    _response, content = post(delivery, {**period, "page": 3, "pageSize": 2})
    assert json.loads(content)["paginering"]["currentPage"] == 1  # no such page: the first
    expected = [str(march[k].public_id) for k in ("s1", "s2", "s3", "s4")]
    assert seen_signals == expected  # every signal once, in order
    assert len(seen_cases) == len(set(seen_cases)) == 3  # every case once
    assert referred == set(expected)
    records = ProcessingLogEntry.objects.filter(processing_activity__code="ddas")
    assert records.count() == 3 and all(CBS in r.name for r in records)  # one per request


@pytest.mark.parametrize("size", [1, 3])
def test_a_case_split_over_pages_is_sent_once_with_all_its_signals(
    march,
    delivery,  # noqa: F811
    settings,
    size,
):
    """Z1 holds S1 and S2: with one signal a page, Z1 goes on page 1 (its first signal) and
    refers to S2 on page 2; with three, S1-S3 are on page 1 and S4 (Diemen) alone on page 2."""
    settings.MELDPUNT_DDAS_SOURCE = "meldpunt.reporting.delivery.CaseFileSource"
    period = {"aanleverperiodeStartdatum": "2026-03-01", "aanleverperiodeEinddatum": "2026-03-31"}
    ids = {k: str(march[k].public_id) for k in ("s1", "s2", "s3", "s4")}
    cases_by_page = []
    for page in range(1, -(-4 // size) + 1):
        _response, content = post(delivery, {**period, "page": page, "pageSize": size})
        leveringen = json.loads(content)["gegevens"]["leveringen"]
        cases_by_page.append(
            [tuple(s["ID"] for s in case["vroegsignalen"])
             for lv in leveringen for case in lv.get("vroegsignaalzaken", [])]
        )  # fmt: skip
    z1, z2, z3 = (ids["s1"], ids["s2"]), (ids["s3"],), (ids["s4"],)
    if size == 1:
        assert cases_by_page == [[z1], [], [z2], [z3]]
    else:
        assert cases_by_page == [[z1, z2], [z3]]


def test_the_endpoint_stays_off_until_cbs_is_named(settings):
    settings.MELDPUNT_DDAS_CLIENT_PEER_IDS = []
    assert settings.MELDPUNT_DDAS_SOURCE == "meldpunt.reporting.delivery.CaseFileSource"
    response = HttpClient().post("/ddas/v1/gegevens", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_beleid_downloads_its_own_municipalities_month(march, users, validator):
    client = mfa_client(users["beleid"])
    url = reverse("reporting:ddas-export")
    page = client.get(url)
    assert page.status_code == 200 and "Amsterdam" in page.content.decode()
    response = client.post(url, {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ddas-2026-03.json"'
    raw = b"".join(response.streaming_content)
    body = json.loads(raw)
    assert validator.is_valid(body)
    assert [lv["gemeentecode"] for lv in body["leveringen"]] == ["0363"]  # not Diemen's
    record = ProcessingLogEntry.objects.filter(processing_activity__code="ddas").latest("sequence")
    assert record.actor_id == users["beleid"].pk


@pytest.mark.parametrize("month", ["", "2026-13", "2999-01"])
def test_a_bad_month_is_a_dutch_message(users, month):
    response = mfa_client(users["beleid"]).post(reverse("reporting:ddas-export"), {"month": month})
    assert response.status_code == 400
    assert not response.streaming and "maand" in response.content.decode().lower()


@pytest.mark.parametrize("role", ["regie", "beheer", "privacy", "eigen-haard", "centram"])
def test_only_beleid_downloads(users, role):
    client = mfa_client(users[role])
    url = reverse("reporting:ddas-export")
    assert client.get(url).status_code == 403
    assert client.post(url, {"month": "2026-03"}).status_code == 403


def test_beleid_needs_a_second_factor_for_it(users):
    client = HttpClient()
    client.force_login(users["beleid"])
    response = client.get(reverse("reporting:ddas-export"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_client_and_amount_rules():
    assert client_from({"postcode": "1012 lg", "huisnummer": 5}).postcode == "1012LG"
    assert client_from({"postcode": "1012LG", "huisnummer": "5", "huisletter": "B"}) \
        .huisnummertoevoeging == "B"  # fmt: skip
    assert client_from({"postcode": "1012LG", "huisnummer": "5"}).huisnummertoevoeging is None
    assert [whole_euros(v) for v in ("0.49", "0.50", "1234.56", "", None)] == [
        0,
        1,
        1235,
        None,
        None,
    ]
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))


def test_the_source_counts_what_it_pages_afresh_for_every_request(march, covenant, users):
    source = CaseFileSource()  # the endpoint keeps one source for the life of the process
    assert source.count_signals(start=MARCH[0], end=MARCH[1], organisation=None) == 4
    assert source.count_signals(start=MARCH[0], end=MARCH[1], organisation="Gemeente Diemen") == 1
    assert ContactAttempt.objects.count() == 2
    late = submit(covenant, users, "eigen-haard", "eigen-haard", date(2026, 3, 30),
                  partner_referentie="EH-9", achternaam="Fransen", huisnummer="99",
                  signaaldatum="2026-03-30")  # fmt: skip
    assert source.count_signals(start=MARCH[0], end=MARCH[1], organisation=None) == 5
    sent = [
        s.id
        for lv in source.page(start=MARCH[0], end=MARCH[1], organisation=None, offset=0, limit=5)
        for s in lv.vroegsignalen
    ]
    assert str(late.public_id) in sent and len(sent) == 5
