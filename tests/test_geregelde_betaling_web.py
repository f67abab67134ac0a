"""Geregelde betaling through the screens and the API (issue #15): a benefit recipient walked from
signal to running withholding to end, every instruction the file adapter writes and every receipt
it reads back checked; the landlord's minimal side with a leak test; who may act."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.cases import income_services as gb
from meldpunt.cases.models import Arrangement, IncomeInstruction, InstrumentDeployment
from meldpunt.cases.workflow import ArrangementStatus as A
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.keys import person_key
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.registries import income
from meldpunt.registries.models import LocalRegistryRecord
from meldpunt.safeguards import rules
from meldpunt.safeguards.selectors import facts_for_tenancy

from .conftest import PASSWORD, mfa_client, shows, signal_data

pytestmark = pytest.mark.django_db

RENT, INSTALMENT, CLIENT = "987,65", "43,21", "KL-99887766"


@pytest.fixture
def exchange(tmp_path):
    income.income_administration.cache_clear()
    with override_settings(MELDPUNT_INCOME_FILE_DIR=str(tmp_path)):
        yield tmp_path
    income.income_administration.cache_clear()


@pytest.fixture
def consultant(covenant):
    return user_create(email="inkomen@test.example", organisation=covenant["gemeente-amsterdam"],
                       roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip


@pytest.fixture
def benefit_signal(covenant, users):
    LocalRegistryRecord.objects.create(
        person_index=person_key("Testpersoon", "", date(1980, 5, 17)), benefit_recipient=True
    )
    return signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                         raw=signal_data(partner_referentie="EH-4411"))  # fmt: skip


def rows(exchange) -> list[dict]:
    out = []
    for path in sorted((exchange / "uit").glob("opdrachten-*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            out += list(csv.DictReader(f, delimiter=";"))
    return out


def receipt(exchange, name, *lines) -> None:
    (exchange / "in").mkdir(exist_ok=True)
    body = "opdracht_id;resultaat;datum;toelichting\r\n" + "".join(
        ";".join(line) + "\r\n" for line in lines
    )
    (exchange / "in" / name).write_text(body, encoding="utf-8")


def post_step(client, case, step, **data):
    return client.post(reverse("cases:income-arrangement", args=[case.public_id]),
                       {"stap": step, **data})  # fmt: skip


def bailiff_rows(signal, covenant, today):
    signal.refresh_from_db()
    facts = facts_for_tenancy(tenancy=signal.tenancy, landlord=covenant["eigen-haard"],
                              today=today)  # fmt: skip
    return rules.bailiff_check(facts).rows


def test_a_benefit_recipient_from_signal_to_running_to_end_through_the_screens(
    benefit_signal, consultant, clients, exchange, covenant, today
):
    case = benefit_signal.case
    web = mfa_client(consultant)
    landlord = clients["eigen-haard"]
    landlord_page = reverse("cases:landlord-signal", args=[benefit_signal.public_id])

    overview = web.get(reverse("cases:income-overview")).content.decode()
    assert f"Zaak {case.reference}" in overview and "Wacht op een voorstel" in overview
    page = web.get(reverse("cases:income-arrangement", args=[case.public_id])).content.decode()
    assert 'value="EH-4411"' in page  # the landlord's reference is proposed as payment reference

    # Bad input: a clear Dutch message per field, nothing saved.
    bad = post_step(web, case, "voorstel", client_number="=cmd", rent_amount="veel",
                    payment_reference="EH-4411", first_period=today.isoformat())  # fmt: skip
    assert bad.status_code == 400 and "Vul het klantnummer" in bad.content.decode()
    assert not Arrangement.objects.exists()

    assert post_step(web, case, "voorstel", client_number=CLIENT, rent_amount=RENT,
                     arrears_instalment=INSTALMENT, payment_reference="EH-4411",
                     first_period="2026-02-01").status_code == 302  # fmt: skip
    arrangement = Arrangement.objects.get()
    assert post_step(web, case, "akkoord", consent_on=today.isoformat(),
                     legal_basis="pw-art-60b", expected_status="voorgesteld").status_code == 302  # fmt: skip
    assert post_step(web, case, "opdracht", expected_status="afgesproken").status_code == 302
    overview = web.get(reverse("cases:income-overview")).content.decode()
    assert "Opdrachten nog niet bevestigd" in overview and "Nog te versturen" in overview

    # The worker's job delivers the start instruction to the day's batch.
    assert gb.instructions_deliver() == {"verstuurd": 1, "mislukt": 0}
    start = IncomeInstruction.objects.get(kind="start")
    assert rows(exchange) == [{
        "opdracht_id": str(start.public_id), "soort": "start", "klantnummer": CLIENT,
        "huur_per_maand": "987.65", "aflossing_per_maand": "43.21", "betalingskenmerk": "EH-4411",
        "ontvanger": "Eigen Haard", "eerste_periode": "2026-02", "laatste_periode": "",
    }]  # fmt: skip
    assert "Geregelde betaling loopt" not in landlord.get(landlord_page).content.decode()

    receipt(exchange, "bevestiging-1.csv", (str(start.public_id), "verwerkt", today.isoformat(),
                                            "ingehouden vanaf februari"))  # fmt: skip
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    arrangement.refresh_from_db()
    assert arrangement.status == A.RUNNING
    overview = web.get(reverse("cases:income-overview")).content.decode()
    assert (
        "Lopende geregelde betalingen" in overview and "Alle opdrachten zijn bevestigd" in overview
    )
    feedback = landlord.get(landlord_page).content.decode()
    assert f"Geregelde betaling loopt sinds {today:%d-%m-%Y}" in feedback
    assert "met betalingskenmerk EH-4411" in feedback
    assert bailiff_rows(benefit_signal, covenant, today) == ("B7",)  # running counts as kept

    # The same receipt again is refused whole: already confirmed.
    receipt(
        exchange, "bevestiging-2.csv", (str(start.public_id), "verwerkt", today.isoformat(), "")
    )
    assert gb.income_receipts_read() == {"verwerkt": 0, "geweigerd": 1}
    overview = web.get(reverse("cases:income-overview")).content.decode()
    assert "Geweigerde ontvangstbevestigingen" in overview and "is al bevestigd" in overview

    # The tenant asks to stop: ended on screen with the reason, a stop instruction goes out.
    assert post_step(web, case, "einde", reason="verzoek-huurder",
                     expected_status="loopt").status_code == 302  # fmt: skip
    gb.instructions_deliver()
    stop = IncomeInstruction.objects.get(kind="stop")
    assert rows(exchange)[-1]["soort"] == "stop"
    assert rows(exchange)[-1]["opdracht_id"] == str(stop.public_id)
    receipt(exchange, "bevestiging-3.csv", (str(stop.public_id), "verwerkt", today.isoformat(), ""))
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    stop.refresh_from_db()
    assert stop.status == "bevestigd"
    deployment = InstrumentDeployment.objects.get(pk=arrangement.deployment_id)
    assert deployment.ended_by_tenant and deployment.ended_on == today
    feedback = landlord.get(landlord_page).content.decode()
    assert "is gestopt" in feedback and "Geregelde betaling loopt" not in feedback
    assert "B7" not in bailiff_rows(benefit_signal, covenant, today)
    page = web.get(reverse("cases:income-arrangement", args=[case.public_id])).content.decode()
    assert "Op verzoek van de huurder" in page and "stop bevestigd" in page


def test_the_landlord_sees_only_that_it_runs_never_amounts_or_the_end_reason(
    benefit_signal, consultant, clients, exchange, today
):
    case = benefit_signal.case
    arrangement = gb.arrangement_propose(
        case_id=case.pk, by=consultant, client_number=CLIENT, rent_amount=RENT,
        arrears_instalment=INSTALMENT, payment_reference="EH-4411", first_period=today,
    )  # fmt: skip
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-57")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    gb.instructions_deliver()
    receipt(exchange, "r.csv", (str(start.public_id), "verwerkt", today.isoformat(), ""))
    gb.income_receipts_read()
    landlord = clients["eigen-haard"]
    probes = ["987,65", "987.65", "43,21", "43.21", CLIENT, "Participatiewet",
              "Uitkering beëindigd", "uitkering-beeindigd", "pw-art-57"]  # fmt: skip

    def landlord_sees() -> list[str]:
        pages = [
            landlord.get(reverse("cases:landlord-signal", args=[benefit_signal.public_id])),
            landlord.get(reverse("api-v1:signal-feedback", args=[benefit_signal.public_id])),
            landlord.get(reverse("intake:signal-list")),
        ]
        if benefit_signal.tenancy_id:
            pages.append(landlord.get(reverse("safeguards:tenancy",
                                              args=[benefit_signal.tenancy.public_id])))  # fmt: skip
        bodies = [p.content.decode() for p in pages]
        assert all(p.status_code == 200 for p in pages)
        return [probe for probe in probes for body in bodies if shows(body.lower(), probe.lower())]

    assert landlord_sees() == []
    api = landlord.get(reverse("api-v1:signal-feedback", args=[benefit_signal.public_id])).json()
    assert api["geregeldeBetaling"] == {"loopt": True, "sinds": today.isoformat(),
                                        "betalingskenmerk": "EH-4411", "gestoptOp": None}  # fmt: skip
    gb.arrangement_end(arrangement_id=arrangement.pk, by=consultant, reason="uitkering-beeindigd")
    assert landlord_sees() == []
    api = landlord.get(reverse("api-v1:signal-feedback", args=[benefit_signal.public_id])).json()
    assert api["geregeldeBetaling"] == {"loopt": False, "sinds": today.isoformat(),
                                        "betalingskenmerk": "", "gestoptOp": today.isoformat()}  # fmt: skip
    body = json.dumps(api).lower()
    assert "beeindigd" not in body and "reden" in body  # the key of the signal's own reason only
    assert api["reden"] == ""


def test_the_api_reads_and_ends_an_arrangement(
    benefit_signal, consultant, clients, exchange, today
):
    case = benefit_signal.case
    web = mfa_client(consultant)
    detail = reverse("api-v1:arrangement-detail", args=[case.public_id])
    end = reverse("api-v1:arrangement-end", args=[case.public_id])
    assert web.get(detail).status_code == 404  # nothing proposed yet
    arrangement = gb.arrangement_propose(
        case_id=case.pk, by=consultant, client_number=CLIENT, rent_amount=RENT,
        payment_reference="EH-4411", first_period=today,
    )  # fmt: skip
    data = web.get(detail).json()
    assert data["stand"] == "voorgesteld" and data["huurPerMaand"] == "987.65"
    bad = web.post(end, {"reden": "zomaar"}, content_type="application/json")
    assert bad.status_code == 400 and "Kies een reden" in bad.content.decode()
    arrangement.refresh_from_db()
    assert arrangement.status == A.PROPOSED
    for who in ("eigen-haard", "centram", "beleid", "diemen-regie"):
        assert clients[who].post(end, {"reden": "verhuisd"},
                                 content_type="application/json").status_code in (403, 404)  # fmt: skip
    done = web.post(end, {"reden": "verhuisd"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["redenBeeindiging"] == "verhuisd"
    assert not IncomeInstruction.objects.exists()  # never instructed: nothing to stop
    again = web.post(end, {"reden": "verhuisd"}, content_type="application/json")
    assert again.status_code == 400 and "al beëindigd" in again.content.decode()


def test_only_the_income_team_and_regie_of_the_municipality_reach_the_track(
    benefit_signal, consultant, clients
):
    case = benefit_signal.case
    urls = [reverse("cases:income-arrangement", args=[case.public_id]),
            reverse("cases:income-overview")]  # fmt: skip
    allowed = {"inkomen": mfa_client(consultant), "regie": clients["regie"]}
    for client in allowed.values():
        assert [client.get(u).status_code for u in urls] == [200, 200]
    for who in ("eigen-haard", "centram", "centram-teamleider", "beleid", "beheer", "privacy",
                "doras", "ymere"):  # fmt: skip
        assert all(clients[who].get(u).status_code == 403 for u in urls), who
    # Another municipality's regie may use the track, but never reaches Amsterdam's case.
    assert clients["diemen-regie"].get(urls[0]).status_code == 404
    assert f"Zaak {case.reference}" not in clients["diemen-regie"].get(urls[1]).content.decode()
    assert Client().get(urls[0]).status_code == 302


def test_refused_receipts_are_seen_only_by_the_income_teams_of_the_municipalities_they_name(
    benefit_signal, consultant, covenant, users, clients, exchange, today
):
    """Authorisation matrix for the refused-receipts list: the exchange folder is shared, a
    receipt belongs to the municipalities of the instructions it names."""
    LocalRegistryRecord.objects.create(
        person_index=person_key("Diemenaar", "", date(1975, 3, 3)), benefit_recipient=True
    )
    diemen_signal = signal_submit(
        partner=covenant["woonstichting-diemen-demo"], submitted_by=users["diemen-verhuurder"],
        raw=signal_data(partner_referentie="DI-9", achternaam="Diemenaar",
                        geboortedatum="1975-03-03", postcode="1111 AB"),
    )  # fmt: skip
    assert diemen_signal.case.track == "geregelde-betaling"
    diemen_consultant = user_create(
        email="inkomen@diemen.example", organisation=covenant["gemeente-diemen"],
        roles=["inkomensconsulent"], password=PASSWORD,
    )  # fmt: skip
    starts = {}
    for signal, who in ((benefit_signal, consultant), (diemen_signal, diemen_consultant)):
        arrangement = gb.arrangement_propose(
            case_id=signal.case_id, by=who, client_number=CLIENT, rent_amount=RENT,
            payment_reference="REF-1", first_period=today,
        )  # fmt: skip
        gb.arrangement_agree(arrangement_id=arrangement.pk, by=who, consent_on=today,
                             legal_basis="pw-vrijwillig")  # fmt: skip
        starts[who.pk] = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=who)
    gb.instructions_deliver()
    amsterdam_start, diemen_start = starts[consultant.pk], starts[diemen_consultant.pk]
    unknown = "0f1e2d3c-4b5a-4968-8776-655443322110"
    for name, start in (("amsterdam.csv", amsterdam_start), ("diemen.csv", diemen_start)):
        line = (str(start.public_id), "verwerkt", today.isoformat(), "")
        receipt(exchange, name, line, line)  # twice in one file: refused whole
    receipt(exchange, "niemand.csv", (unknown, "verwerkt", today.isoformat(), ""))
    receipt(exchange, "kapot.csv", (str(diemen_start.public_id), "verwerkt", "gisteren", ""))
    assert gb.income_receipts_read() == {"verwerkt": 0, "geweigerd": 4}

    overview = reverse("cases:income-overview")
    names = ("amsterdam.csv", "diemen.csv", "niemand.csv", "kapot.csv")
    seen = {}
    for who, client in (
        ("inkomen-amsterdam", mfa_client(consultant)),
        ("regie-amsterdam", clients["regie"]),
        ("inkomen-diemen", mfa_client(diemen_consultant)),
        ("regie-diemen", clients["diemen-regie"]),
    ):
        page = client.get(overview)
        assert page.status_code == 200, who
        body = page.content.decode()
        seen[who] = {n for n in names if n in body}
        if who.endswith("diemen"):
            assert str(amsterdam_start.public_id) not in body
        else:
            assert str(diemen_start.public_id) not in body
    # A file naming no instruction the Meldpunt knows (unknown ids only, or unreadable) is
    # nobody's: every income team sees it, so it is not missed.
    assert seen["inkomen-amsterdam"] == seen["regie-amsterdam"] == {
        "amsterdam.csv", "niemand.csv", "kapot.csv",
    }  # fmt: skip
    assert seen["inkomen-diemen"] == seen["regie-diemen"] == {
        "diemen.csv", "niemand.csv", "kapot.csv",
    }  # fmt: skip
    # Others never reach the list.
    for who in ("centram", "eigen-haard", "beleid", "diemen-hulpverlener"):
        assert clients[who].get(overview).status_code == 403, who


def test_the_api_changes_the_amounts_of_a_running_arrangement(
    benefit_signal, consultant, covenant, clients, exchange, today
):
    """New amounts through the API: a change instruction to the income administration; bad input
    and a wrong step are problem+json in Dutch with nothing changed; only the income team and
    regie of the tenant's municipality."""
    case = benefit_signal.case
    change = reverse("api-v1:arrangement-change", args=[case.public_id])
    web = mfa_client(consultant)

    def post(client, body):
        return client.post(change, json.dumps(body), content_type="application/json")

    assert post(web, {"huurPerMaand": "730,00", "vanafPeriode": "2026-03"}).status_code == 404
    arrangement = gb.arrangement_propose(
        case_id=case.pk, by=consultant, client_number=CLIENT, rent_amount=RENT,
        arrears_instalment=INSTALMENT, payment_reference="EH-4411", first_period=today,
    )  # fmt: skip
    early = post(web, {"huurPerMaand": "730,00", "vanafPeriode": "2026-03"})
    assert early.status_code == 409 and early["Content-Type"] == "application/problem+json"
    assert "Alleen een lopende geregelde betaling" in early.json()["detail"]

    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-60b")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    gb.instructions_deliver()
    receipt(exchange, "r.csv", (str(start.public_id), "verwerkt", today.isoformat(), ""))
    gb.income_receipts_read()

    bad = post(web, {"huurPerMaand": "veel", "aflossingPerMaand": "-5", "vanafPeriode": "maart"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"vanafPeriode"}
    assert "JJJJ-MM" in bad.content.decode()
    bad = post(web, {"huurPerMaand": "veel", "aflossingPerMaand": "-5", "vanafPeriode": "2026-03"})
    assert bad.status_code == 400
    reasons = {p["name"]: p["reason"] for p in bad.json()["invalidParams"]}
    assert set(reasons) == {"huurPerMaand", "aflossingPerMaand"}
    assert reasons["huurPerMaand"].startswith("Vul de huur per maand in")
    missing = post(web, {})
    assert {p["name"] for p in missing.json()["invalidParams"]} == {"huurPerMaand", "vanafPeriode"}
    assert IncomeInstruction.objects.count() == 1  # nothing changed
    arrangement.refresh_from_db()
    assert arrangement.rent_amount == "987.65"

    for who in ("eigen-haard", "centram", "beleid", "privacy", "diemen-regie"):
        refused = post(clients[who], {"huurPerMaand": "1,00", "vanafPeriode": "2026-03"})
        assert refused.status_code in (403, 404), who
        assert refused["Content-Type"] == "application/problem+json"
    diemen_team = user_create(email="inkomen@diemen.example", organisation=covenant["gemeente-diemen"],
                              roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip
    assert post(mfa_client(diemen_team), {"huurPerMaand": "1,00",
                                           "vanafPeriode": "2026-03"}).status_code == 404  # fmt: skip
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="sleutel")
    keyed = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert post(keyed, {"huurPerMaand": "1,00", "vanafPeriode": "2026-03"}).status_code == 403
    assert IncomeInstruction.objects.count() == 1

    done = post(
        web, {"huurPerMaand": "730,00", "aflossingPerMaand": "25", "vanafPeriode": "2026-03"}
    )
    assert done.status_code == 200, done.content
    data = done.json()
    assert data["stand"] == "loopt" and data["huurPerMaand"] == "730.00"
    assert data["aflossingPerMaand"] == "25.00"
    assert [(i["soort"], i["stand"]) for i in data["opdrachten"]] == [
        ("start", "bevestigd"), ("wijziging", "te-versturen"),
    ]  # fmt: skip
    gb.instructions_deliver()
    last = rows(exchange)[-1]
    assert last["soort"] == "wijziging" and last["eerste_periode"] == "2026-03"
    assert last["huur_per_maand"] == "730.00" and last["aflossing_per_maand"] == "25.00"
    entry = ProcessingLogEntry.objects.filter(name="arrangement.change").get()
    assert entry.actor_id == consultant.pk and entry.object_type == "income_instruction"
    # Regie of the municipality may too.
    regie = post(clients["regie"], {"huurPerMaand": "735,00", "vanafPeriode": "2026-04"})
    assert regie.status_code == 200 and regie.json()["aflossingPerMaand"] is None


def test_the_demo_gives_the_income_consultant_work_in_every_step(settings, db, exchange):
    """seed-demo: benefit recipients waiting, proposed, agreed, instructed, running and ended."""
    from django.core.management import call_command

    from meldpunt.accounts.demo import DEMO_DOMAIN
    from meldpunt.accounts.models import User
    from meldpunt.cases.models import Case

    settings.DEMO_MODE = True
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    by_step = sorted(Arrangement.objects.values_list("status", flat=True))
    assert by_step == sorted([A.PROPOSED, A.AGREED, A.INSTRUCTED, A.RUNNING, A.ENDED])
    ended = Arrangement.objects.get(status=A.ENDED)
    assert ended.end_reason == "achterstand-ingelopen" and ended.started_on < ended.ended_on
    assert Arrangement.objects.get(status=A.INSTRUCTED).instructions.get().status == "verstuurd"
    assert {r["soort"] for r in rows(exchange)} == {"start", "stop"}
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Arrangement.objects.count() == 5  # loaded once

    consultant = User.objects.get(email=f"inkomen@{DEMO_DOMAIN}")
    page = mfa_client(consultant).get(reverse("cases:income-overview")).content.decode()
    waiting = Case.objects.get(signals__partner_reference="GB-DEMO-01")
    assert f"Zaak {waiting.reference}" in page and "Wacht op een voorstel" in page
    assert "Lopende geregelde betalingen" in page and "Opdrachten nog niet bevestigd" in page
    running = Arrangement.objects.get(status=A.RUNNING)
    assert f"Zaak {running.case.reference}" in page
