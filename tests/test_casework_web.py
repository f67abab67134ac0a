"""The whole path through the screens, the landlord's view and the public verification (issue #4).

signal → case → attempts → instrument → broken agreement → eviction check allowed → the
verklaring verifies; and the refusals. Landlord pages never show notes, amounts, other creditors
or the provider's findings.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from meldpunt.accounts.services import user_create
from meldpunt.cases.models import (
    Case,
    ContactAttempt,
    Instrument,
    InstrumentDeployment,
    Signal,
    Track,
)
from meldpunt.cases.services import (
    case_assign,
    case_close,
    case_note_add,
    contact_attempt_record,
    instrument_deploy,
)
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.safeguards.models import Attestation, SafeguardCheck
from meldpunt.safeguards.services import safeguard_check_record

from .conftest import PASSWORD, mfa_client, shows, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(covenant, users):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-77", achternaam="Geheimnaam"),
    )
    case_assign(case_id=signal.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    return signal


def attempt(client, case, kind, on, reached="nee", part="Middag"):
    return client.post(
        reverse("cases:attempt-create", args=[case.public_id]),
        {"kind": kind, "reached": reached, "on": on.isoformat(), "part_of_day": part},
    )


def ask(client, signal, question, **data):
    response = client.post(reverse("safeguards:check-ask", args=[signal.public_id, question]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return SafeguardCheck.objects.order_by("-id").first()


def test_whole_path_to_a_verified_eviction_attestation(clients, signal, today, client):
    case = signal.case
    provider = clients["centram"]
    # The caseworker sees the quick-entry form and records two attempts.
    page = provider.get(reverse("cases:case-detail", args=[case.public_id])).content.decode()
    assert "Contactpoging vastleggen" in page and 'value="Huisbezoek"' in page
    assert attempt(provider, case, "Telefoon", today - timedelta(days=2)).status_code == 302
    assert attempt(provider, case, "Huisbezoek", today, reached="ja").status_code == 302
    case.refresh_from_db()
    assert case.status == "in-contact" and case.picked_up_on == today - timedelta(days=2)

    # The landlord records its own payment plan and, later, that it was not kept.
    landlord = clients["eigen-haard"]
    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    tenancy = signal.tenancy.public_id
    response = landlord.post(
        reverse("safeguards:landlord-instrument-create", args=[tenancy]),
        {"instrument": plan.pk, "deployed_on": (today - timedelta(days=20)).isoformat(),
         "first_due_on": (today - timedelta(days=6)).isoformat(),
         "agreements": "€ 50 per maand"},
    )  # fmt: skip
    assert response.status_code == 302
    deployment = InstrumentDeployment.objects.get(organisation__slug="eigen-haard")
    response = landlord.post(
        reverse("safeguards:landlord-event-create", args=[tenancy]),
        {"kind": "verbroken", "deployment": deployment.pk, "on": today.isoformat()},
    )
    assert response.status_code == 302

    # Eviction check: allowed on the broken agreement (E4).
    check = ask(landlord, signal, "ontruiming", weighty_ground="", justification="")
    assert check.outcome == "toegestaan" and check.rows == ["E4"]
    assert f"instrument:{deployment.public_id}" in check.fact_ids
    assert check.organisation.slug == "eigen-haard" and check.subject_id == signal.subject_id
    assert ProcessingLogEntry.objects.filter(
        name="safeguard.ontruiming", processing_activity__code="sluitende-aanpak"
    ).exists()
    detail = landlord.get(reverse("safeguards:check-detail", args=[check.public_id]))
    assert "Toegestaan" in detail.content.decode()

    # The verklaring lists the instrument by its category and date, no notes or amounts.
    verklaring = landlord.get(reverse("safeguards:attestation", args=[check.public_id]))
    html = verklaring.content.decode()
    assert "Betalingsregeling" in html and "EH-77" in html
    assert "Betalingsregeling met de verhuurder" not in html
    assert not shows(html, "50") and "per maand" not in html
    code = Attestation.objects.get(check_record=check).code

    # A bailiff checks it anonymously: valid, issuer, date, reference; no personal data.
    public = client.get(reverse("safeguards:verify", args=[code]))
    text = public.content.decode()
    assert public.status_code == 200 and "geldig" in text and "EH-77" in text
    assert "Eigen Haard" in text and "Geheimnaam" not in text and "Damrak" not in text
    # Lower case and without dashes is the same code.
    assert client.get(reverse("safeguards:verify", args=[code.replace("-", "").lower()])).status_code == 200  # fmt: skip
    # An altered code is invalid.
    altered = ("B" if code[0] != "B" else "C") + code[1:]
    forged = client.get(reverse("safeguards:verify", args=[altered]))
    assert forged.status_code == 404 and "ongeldig" in forged.content.decode()
    assert client.get(reverse("safeguards:verify", args=["AAAA-BBBB"])).status_code == 404


def test_no_instrument_means_bailiff_not_allowed_and_no_verklaring(clients, signal):
    check = ask(clients["eigen-haard"], signal, "deurwaarder")
    assert check.outcome == "niet-toegestaan" and check.rows == ["B1"]
    assert not Attestation.objects.exists()
    page = clients["eigen-haard"].get(reverse("safeguards:check-detail", args=[check.public_id]))
    assert "Verklaring" not in page.content.decode()
    assert (
        clients["eigen-haard"]
        .get(reverse("safeguards:attestation", args=[check.public_id]))
        .status_code
        == 404
    )


def test_only_unreachable_means_eviction_not_allowed_but_bailiff_allowed(
    clients, signal, users, today
):
    for days, kind in ((10, "Telefoon"), (5, "Brief"), (1, "Huisbezoek")):
        contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind=kind,
                               reached=False, on=today - timedelta(days=days),
                               part_of_day="Avond")  # fmt: skip
    case_close(case_id=signal.case_id, by=users["centram"],
               end_result="Definitief geen contact kunnen krijgen")  # fmt: skip
    eviction = ask(clients["eigen-haard"], signal, "ontruiming")
    assert eviction.outcome == "niet-toegestaan" and eviction.rows == ["E2"]
    bailiff = ask(clients["eigen-haard"], signal, "deurwaarder")
    assert bailiff.outcome == "toegestaan" and bailiff.rows == ["B4"]
    assert len(bailiff.fact_ids) == 3
    html = (
        clients["eigen-haard"]
        .get(reverse("safeguards:attestation", args=[bailiff.public_id]))
        .content.decode()
    )
    assert "Huisbezoek" in html


def test_weighty_ground_without_justification_is_refused_and_with_it_allowed(clients, signal):
    check = ask(clients["eigen-haard"], signal, "ontruiming", weighty_ground="overlast",
                justification="")  # fmt: skip
    assert check.outcome == "niet-toegestaan" and check.rows == ["E7"]
    check = ask(clients["eigen-haard"], signal, "ontruiming", weighty_ground="woonfraude",
                justification="Onderhuur vastgesteld, rapport 12-2026")  # fmt: skip
    assert check.outcome == "toegestaan" and check.rows == ["E6"]
    assert check.justification.startswith("Onderhuur")


def test_bad_weighty_ground_gives_a_dutch_error_and_records_nothing(clients, signal):
    response = clients["eigen-haard"].post(
        reverse("safeguards:check-ask", args=[signal.public_id, "ontruiming"]),
        {"weighty_ground": "hekel-aan-huurder"},
    )
    assert (
        response.status_code == 400 and "Kies een zwaarwegende grond" in response.content.decode()
    )
    assert not SafeguardCheck.objects.exists()


def test_landlord_asks_only_about_own_tenants(clients, signal, users):
    # Another landlord cannot reach the signal at all.
    for name, args in (
        ("safeguards:check-ask", [signal.public_id, "deurwaarder"]),
        ("cases:landlord-signal", [signal.public_id]),
    ):
        assert clients["ymere"].get(reverse(name, args=args)).status_code == 404
    # Providers and policy staff may not ask checks.
    url = reverse("safeguards:check-ask", args=[signal.public_id, "deurwaarder"])
    assert clients["centram"].get(url).status_code == 403
    assert clients["beleid"].get(url).status_code == 403
    # Nor its tenancy page, the check through it, or its own instruments there.
    tenancy = signal.tenancy.public_id
    for name, args in (
        ("safeguards:tenancy", [tenancy]),
        ("safeguards:tenancy-check-ask", [tenancy, "ontruiming"]),
    ):
        assert clients["ymere"].get(reverse(name, args=args)).status_code == 404
    # E8: asked about a tenancy that is not Ymere's, the answer is refused and recorded.
    check = safeguard_check_record(by=users["ymere"], question="deurwaarder",
                                   tenancy=signal.tenancy)  # fmt: skip
    assert check.outcome == "geweigerd" and check.rows == ["E8"]
    # Eigen Haard's check is invisible to Ymere.
    own = ask(clients["eigen-haard"], signal, "deurwaarder")
    assert (
        clients["ymere"].get(reverse("safeguards:check-detail", args=[own.public_id])).status_code
        == 404
    )


def test_bad_contact_attempt_shows_dutch_errors_and_saves_nothing(clients, signal, today):
    response = clients["centram"].post(
        reverse("cases:attempt-create", args=[signal.case.public_id]),
        {"kind": "", "reached": "", "on": "gisteren", "part_of_day": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in ("Kies de soort contact.", "Geef aan of u de huurder heeft bereikt.",
                    "Vul een geldige datum in.", "Kies het dagdeel.", "Er is niets opgeslagen"):  # fmt: skip
        assert message in html
    assert 'aria-invalid="true"' in html
    assert not ContactAttempt.objects.exists()


def test_foreign_provider_cannot_post_case_work(clients, signal, today):
    response = attempt(clients["doras"], signal.case, "Telefoon", today)
    assert response.status_code == 404
    response = attempt(clients["eigen-haard"], signal.case, "Telefoon", today)
    assert response.status_code == 403
    assert not ContactAttempt.objects.exists()


def test_close_form_and_stale_close_is_refused(clients, signal):
    url = reverse("cases:close-create", args=[signal.case.public_id])
    response = clients["centram"].post(url, {"end_result": "", "expected_status": "toegewezen"})
    assert response.status_code == 400 and "Kies een eindresultaat" in response.content.decode()
    clients["centram"].post(
        reverse("cases:case-pick-up", args=[signal.case.public_id]),
        {"expected_status": "toegewezen"},
    )
    response = clients["centram"].post(
        url,
        {"end_result": "Verwijzing zonder tussenkomst inwoner", "expected_status": "toegewezen"},
    )
    assert response.status_code == 400 and "intussen" in response.content.decode()
    response = clients["centram"].post(
        url, {"end_result": "Verwijzing zonder tussenkomst inwoner", "expected_status": "opgepakt"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=signal.case_id).end_result == "Verwijzing zonder tussenkomst inwoner"


SECRETS = ["Geheimnaam", "Damrak", "1.234,56", "1234.56", "750", "Schuld bij Vattenfall",
           "Vattenfall", "650.00", "650,00", "Inkomen onder bijstandsnorm", "0612345678"]  # fmt: skip


def test_no_notes_amounts_creditors_or_findings_reach_any_landlord_page(
    clients, signal, users, covenant, today
):
    consultant = user_create(email="ink@test.example", organisation=covenant["gemeente-amsterdam"],
                             roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip
    case_note_add(case_id=signal.case_id, by=users["centram"], text="Schuld bij Vattenfall")
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetbeheer"), deployed_on=today,
                      agreements="Inkomen onder bijstandsnorm", first_due_on=today)  # fmt: skip
    # The municipality's income team records Geregelde betaling on a second (GB) household.
    gb_signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                              raw=signal_data(partner_referentie="EH-78", huisnummer="99"))  # fmt: skip
    case_assign(case_id=gb_signal.case_id, provider=None, track=Track.GEREGELDE_BETALING,
                by=users["regie"])  # fmt: skip
    instrument_deploy(case_id=gb_signal.case_id, by=consultant,
                      instrument=Instrument.objects.get(code="geregelde-betaling"),
                      deployed_on=today, monthly_amount="650,00")  # fmt: skip
    case_close(case_id=signal.case_id, by=users["centram"],
               end_result="Vervolghulp en/of verwijzing financieel")  # fmt: skip
    landlord = clients["eigen-haard"]
    checks = [
        ask(landlord, s, q) for s in (signal, gb_signal) for q in ("deurwaarder", "ontruiming")
    ]
    urls = [reverse("intake:signal-list"), reverse("home")]
    for s in (signal, gb_signal):
        urls.append(reverse("cases:landlord-signal", args=[s.public_id]))
    for check in checks:
        urls.append(reverse("safeguards:check-detail", args=[check.public_id]))
        if check.allowed:
            urls.append(reverse("safeguards:attestation", args=[check.public_id]))
    assert any("verklaring" in u for u in urls)
    for url in urls:
        response = landlord.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in [*SECRETS, "Vervolghulp"]:
            assert not shows(html, secret), (url, secret)
    feedback = landlord.get(
        reverse("cases:landlord-signal", args=[signal.public_id])
    ).content.decode()
    assert "Afgesloten" in feedback and "Budgetadvies, -coaching en -beheer" in feedback
    gb = landlord.get(reverse("cases:landlord-signal", args=[gb_signal.public_id])).content.decode()
    assert "Inkomen en betaling uit uitkering" in gb
    # B7: Geregelde betaling runs, so the bailiff is not allowed for that tenant.
    assert checks[2].rows == ["B7"]
    # The provider and the municipality DO see the note.
    for key in ("centram", "regie"):
        page = clients[key].get(reverse("cases:case-detail", args=[signal.case.public_id]))
        assert "Schuld bij Vattenfall" in page.content.decode()


@pytest.mark.parametrize(
    ("end_result", "shown", "hidden"),
    [
        ("Niet opgepakt: andere reden", "Niet opgepakt", "andere reden"),
        ("Niet opgepakt: onterecht signaal", "Niet opgepakt: Niet opgepakt: onterecht signaal", ""),
        ("Inwoner is overleden", "Inwoner is overleden", ""),
    ],
)
def test_not_taken_up_reason_only_for_reportable_reasons(
    clients, signal, users, end_result, shown, hidden
):
    case_close(case_id=signal.case_id, by=users["regie"], end_result=end_result)
    html = (
        clients["eigen-haard"]
        .get(reverse("cases:landlord-signal", args=[signal.public_id]))
        .content.decode()
    )
    assert shown in html
    if hidden:
        assert hidden not in html
    assert Signal.objects.get(pk=signal.pk).status == end_result


def test_feedback_stages(clients, signal, users, today):
    url = reverse("cases:landlord-signal", args=[signal.public_id])
    assert "Ontvangen" in clients["eigen-haard"].get(url).content.decode()
    contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind="Brief",
                           reached=False, on=today, part_of_day="Ochtend")  # fmt: skip
    html = clients["eigen-haard"].get(url).content.decode()
    assert "Opgepakt" in html and "Brief" not in html
    assert ProcessingLogEntry.objects.filter(name="signal.feedback").count() == 2


def test_inkomensconsulent_works_geregelde_betaling_cases_on_screen(covenant, users, today):
    consultant = user_create(email="ink2@test.example", organisation=covenant["gemeente-amsterdam"],
                             roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip
    client = mfa_client(consultant)
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    case_assign(case_id=signal.case_id, provider=None, track=Track.GEREGELDE_BETALING,
                by=users["regie"])  # fmt: skip
    page = client.get(reverse("cases:case-detail", args=[signal.case.public_id])).content.decode()
    assert "Maandbedrag" in page
    response = client.post(
        reverse("cases:deploy-create", args=[signal.case.public_id]),
        {"instrument": Instrument.objects.get(code="geregelde-betaling").pk,
         "deployed_on": today.isoformat(), "monthly_amount": ""},
    )  # fmt: skip
    assert response.status_code == 400 and "Vul het maandbedrag in" in response.content.decode()
    response = client.post(
        reverse("cases:deploy-create", args=[signal.case.public_id]),
        {"instrument": Instrument.objects.get(code="geregelde-betaling").pk,
         "deployed_on": today.isoformat(), "monthly_amount": "712,50"},
    )  # fmt: skip
    assert response.status_code == 302
    assert InstrumentDeployment.objects.get().monthly_amount == "712.50"


def test_case_detail_has_no_duplicate_element_ids(clients, signal):
    import re
    from collections import Counter

    response = clients["centram"].post(
        reverse("cases:attempt-create", args=[signal.case.public_id]),
        {"kind": "", "reached": "ja", "on": "", "part_of_day": "Avond"},
    )
    html = response.content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="poging-on"' in html and 'for="gebeurtenis-on"' in html
    assert 'aria-describedby="poging-on_error"' in html and 'id="poging-on_error"' in html
    assert 'href="#poging-kind"' in html and 'id="poging-kind"' in html


def test_municipality_revokes_a_verklaring_and_it_no_longer_verifies(
    clients, signal, users, today, client
):
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetadvies"), deployed_on=today)  # fmt: skip
    check = ask(clients["eigen-haard"], signal, "deurwaarder")
    attestation = Attestation.objects.get(check_record=check)
    url = reverse("safeguards:attestation-revoke", args=[check.public_id])
    assert clients["eigen-haard"].post(url, {"reason": "x"}).status_code == 403
    clients["regie"].post(url, {"reason": ""})
    attestation.refresh_from_db()
    assert attestation.revoked_at is None
    assert clients["regie"].post(url, {"reason": "feiten onjuist"}).status_code == 302
    attestation.refresh_from_db()
    assert attestation.revoked_at and attestation.revoked_by == users["regie"]
    assert client.get(reverse("safeguards:verify", args=[attestation.code])).status_code == 404
    assert (
        clients["eigen-haard"]
        .get(reverse("safeguards:attestation", args=[check.public_id]))
        .status_code
        == 404
    )


def test_every_case_work_action_writes_one_processing_log_record(clients, signal, today):
    case = signal.case
    provider = clients["centram"]
    steps = [
        ("case.view", lambda: provider.get(reverse("cases:case-detail", args=[case.public_id]))),
        ("contact_attempt.record", lambda: attempt(provider, case, "Kaartje", today)),
        ("instrument.deploy", lambda: provider.post(
            reverse("cases:deploy-create", args=[case.public_id]),
            {"instrument": Instrument.objects.get(code="budgetcoaching").pk,
             "deployed_on": today.isoformat(), "agreements": ""})),
        ("case_note.add", lambda: provider.post(
            reverse("cases:note-create", args=[case.public_id]), {"text": "Gesprek gevoerd"})),
        ("instrument.event", lambda: provider.post(
            reverse("cases:event-create", args=[case.public_id]),
            {"kind": "geweigerd", "deployment": "", "on": today.isoformat()})),
        ("case.close", lambda: provider.post(
            reverse("cases:close-create", args=[case.public_id]),
            {"end_result": "(Budget)advies en/of quick fix", "expected_status": ""})),
    ]  # fmt: skip
    for name, step in steps:
        before = ProcessingLogEntry.objects.filter(name=name).count()
        assert step().status_code in (200, 302), name
        entries = ProcessingLogEntry.objects.filter(name=name)
        assert entries.count() == before + 1, name
        entry = entries.last()
        assert entry.data_subject_id == str(case.subject_id)
        assert entry.actor_organisation.slug == "centram"
        assert entry.processing_activity.code == "outreach"


def test_listed_dates_are_shown_in_dutch_format(clients, signal, users, today):
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetadvies"), deployed_on=today)  # fmt: skip
    check = ask(clients["eigen-haard"], signal, "deurwaarder")
    html = (
        clients["eigen-haard"]
        .get(reverse("safeguards:attestation", args=[check.public_id]))
        .content.decode()
    )
    assert today.strftime("%d-%m-%Y") in html and today.isoformat() not in html


@pytest.mark.parametrize("typed", ["abc/def", "../../etc", "  ", "ÄÖÜ-<script>"])
def test_verification_form_never_breaks_on_odd_input(client, typed):
    response = client.get(reverse("safeguards:verify-form"), {"code": typed}, follow=True)
    assert response.status_code in (200, 404)
    assert "<script>" not in response.content.decode()


def test_the_leak_matcher_finds_values_and_ignores_random_tokens():
    assert shows("<td>€ 750,00</td>", "750") and shows(
        "<p>Schuld bij Vattenfall.</p>", "Vattenfall"
    )
    assert not shows('<a href="/signalen/0f1e-457a6fa7508c">EH-78</a>', "750")
    assert not shows('<input name="csrfmiddlewaretoken" value="750abc">', "750")


def test_the_landlords_own_instrument_shows_once_on_the_case_page(
    clients, users, signal, today, covenant
):
    """Issue #14: the landlord's own instruments are read by the tenancies of the case's
    signals; a second signal on the same tenancy does not show an instrument twice."""
    again = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-77", achternaam="Geheimnaam",
                        achterstand_bedrag="2400.00"),
    )  # fmt: skip
    assert again.case_id == signal.case_id and again.tenancy_id == signal.tenancy_id
    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    response = clients["eigen-haard"].post(
        reverse("safeguards:landlord-instrument-create", args=[signal.tenancy.public_id]),
        {"instrument": plan.pk, "deployed_on": today.isoformat(),
         "first_due_on": today.isoformat(), "agreements": "€ 75 per maand"},
    )  # fmt: skip
    assert response.status_code == 302
    url = reverse("cases:case-detail", args=[signal.case.public_id])
    page = clients["centram"].get(url).content.decode()
    section = page.split('id="eigen-instrumenten-verhuurder"')[1].split("</section>")[0]
    assert section.count(plan.name) == 1 and "€ 75 per maand" in section
    other = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-78", achternaam="Anderhuis", huisnummer="99"),
    )  # fmt: skip
    case_assign(case_id=other.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    page = clients["centram"].get(reverse("cases:case-detail", args=[other.case.public_id]))
    assert 'id="eigen-instrumenten-verhuurder"' not in page.content.decode()


def test_the_instrument_select_lists_what_the_organisation_may_deploy_from_one_read(
    covenant, django_assert_num_queries
):
    """Issue #14: the options come from the catalogue read once; what is posted is checked
    against the same allowed instruments."""
    from meldpunt.cases.forms import DeployForm

    for slug in ("centram", "eigen-haard"):
        organisation = covenant[slug]
        allowed = [
            i
            for i in Instrument.objects.filter(is_active=True, counts_through_attempts=False)
            if organisation.type in i.allowed_organisation_types
        ]
        form = DeployForm(organisation=organisation, with_amount=False)
        with django_assert_num_queries(0):
            html = str(form["instrument"])
        options = [o.split('"')[1] for o in html.split("<option value=")[1:]]
        assert options == ["", *[str(i.pk) for i in allowed]], slug
        forbidden = Instrument.objects.exclude(pk__in=[i.pk for i in allowed]).first()
        posted = DeployForm({"instrument": forbidden.pk, "deployed_on": "2026-03-02"},
                            organisation=organisation, with_amount=False)  # fmt: skip
        assert not posted.is_valid() and "instrument" in posted.errors
        posted = DeployForm({"instrument": allowed[0].pk, "deployed_on": "2026-03-02"},
                            organisation=organisation, with_amount=False)  # fmt: skip
        assert posted.is_valid(), posted.errors


def test_the_event_form_lists_the_case_deployments_read_for_the_page(clients, users, signal, today):
    """Issue #14: the deployments on the page and in the event form's select are one read."""
    budget = Instrument.objects.get(code="budgetbeheer")
    deployment = instrument_deploy(case_id=signal.case_id, by=users["centram"], instrument=budget,
                                   deployed_on=today, first_due_on=today)  # fmt: skip
    page = clients["centram"].get(reverse("cases:case-detail", args=[signal.case.public_id]))
    select = page.content.decode().split('name="deployment"')[1].split("</select>")[0]
    assert f'<option value="{deployment.pk}">{budget.name} ({today:%d-%m-%Y})</option>' in select
    assert select.count("<option") == 2  # "none (only for a refusal)" and the one deployment
    response = clients["centram"].post(
        reverse("cases:event-create", args=[signal.case.public_id]),
        {"kind": "nagekomen", "deployment": deployment.pk, "on": today.isoformat()},
    )
    assert response.status_code == 302
    assert deployment.events.get().kind == "nagekomen"
