"""Every signal partner the Wgs names, in one household file (issue #10).

An energy supplier, a water company, a health insurer and a landlord signal about one person:
one case ("meervoudig signaal"), each partner sees only its own signal's minimal feedback, a
partner of one kind cannot send another kind's fields, and messy files of every kind are read.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from meldpunt.cases.models import Case, Signal
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.intake.files import FileRefused, open_signal_file, template_csv
from meldpunt.intake.services import signal_submit

from .conftest import shows, signal_data
from .corpus.build import xlsx_bytes

pytestmark = pytest.mark.django_db

PERSON = {"achternaam": "Meerschuld", "geboortedatum": "1979-09-09"}


def typed(kind: str, **overrides):
    """A valid signal of a partner of this kind (its own fields, no rent fields)."""
    data = signal_data(**{**PERSON, **overrides})
    if kind != "Huur":
        data.pop("maandhuur")
        data["maanden_achterstand"] = overrides.get("maanden_achterstand", "3")
    if kind == "Energie":
        data["maandtermijn"] = "145,00"
    if kind == "Zorg":
        data["maandpremie"] = "142,50"
        data["aanbod_betalingsregeling"] = signal_data()["schriftelijke_herinnering"]
    return data


@pytest.fixture
def four(covenant, users):
    """Rent, energy, water and health insurance arrears of one person."""
    signals = {}
    for key, kind, ref, amount in (
        ("eigen-haard", "Huur", "EH-77", "1.500,00"),
        ("energie", "Energie", "KL-1001", "420,00"),
        ("water", "Water", "KL-2002", "180,00"),
        ("zorg", "Zorg", "POL-3003", "427,50"),
    ):
        organisation = users[key].organisation
        assert organisation.partner_type == kind
        signals[key] = signal_submit(
            partner=organisation, submitted_by=users[key],
            raw=typed(kind, partner_referentie=ref, achterstand_bedrag=amount),
        )  # fmt: skip
    return signals


def test_four_creditors_about_one_person_are_one_household_file(four, clients):
    cases = {s.case_id for s in four.values()}
    assert len(cases) == 1 and None not in cases
    case = Case.objects.get(pk=cases.pop())
    assert sorted(case.signals.values_list("partner_type", flat=True)) == [
        "Energie", "Huur", "Water", "Zorg",
    ]  # fmt: skip
    assert {s.status for s in four.values()} == {SignalStatus.NOT_YET_PICKED_UP}
    page = clients["regie"].get(reverse("cases:case-detail", args=[case.public_id]))
    html = page.content.decode()
    assert "Meervoudig signaal" in html and "Energie, Huur, Water, Zorg" in html
    assert "€ 145.00" in html or "145" in html  # the energy supplier's monthly instalment


def test_each_partner_sees_only_its_own_signal_never_another_creditor(four, clients):
    own_refs = {
        "eigen-haard": "EH-77",
        "energie": "KL-1001",
        "water": "KL-2002",
        "zorg": "POL-3003",
    }
    names = ("Eigen Haard", "Energie Voorbeeld", "Waterbedrijf Voorbeeld", "Zorgverzekeraar")
    for key, signal in four.items():
        client = clients[key]
        pages = [
            client.get(reverse("intake:signal-list")).content.decode(),
            client.get(reverse("cases:landlord-signal", args=[signal.public_id])).content.decode(),
            json.dumps(
                client.get(reverse("api-v1:signal-feedback", args=[signal.public_id])).json()
            ),
            json.dumps(client.get(reverse("api-v1:signal-detail", args=[signal.public_id])).json()),
        ]
        for text in pages:
            assert own_refs[key] in text or "partnerReferentie" not in text
            for other, ref in own_refs.items():
                if other != key:
                    assert ref not in text, (key, other)
            for name in names:
                if name != signal.partner.name[: len(name)]:
                    assert name not in text, (key, name)
            assert (not shows(text, "1500") and not shows(text, "1.500,00")) or key == "eigen-haard"
        # Another creditor's signal does not exist for it.
        for other, other_signal in four.items():
            if other != key:
                url = reverse("cases:landlord-signal", args=[other_signal.public_id])
                assert client.get(url).status_code == 404


def test_successive_signals_of_one_partner_are_a_series(covenant, users, clients):
    first = signal_submit(partner=users["energie"].organisation, submitted_by=users["energie"],
                          raw=typed("Energie", partner_referentie="KL-1"))  # fmt: skip
    second = signal_submit(partner=users["energie"].organisation, submitted_by=users["energie"],
                           raw=typed("Energie", partner_referentie="KL-1",
                                     achterstand_bedrag="2.500,00"))  # fmt: skip
    assert second.case_id == first.case_id
    html = (
        clients["regie"]
        .get(reverse("cases:case-detail", args=[first.case.public_id]))
        .content.decode()
    )
    assert "opeenvolgend signaal: het 2e van deze signaalpartner" in html
    assert "Meervoudig signaal" not in html


def test_a_partner_cannot_send_another_kinds_fields(covenant, users, clients):
    energie = users["energie"].organisation
    with pytest.raises(ValidationError) as exc:
        signal_submit(partner=energie, submitted_by=users["energie"],
                      raw={**typed("Energie"), "maandhuur": "700"})  # fmt: skip
    assert "maandhuur" in exc.value.message_dict
    assert "soort Energie" in exc.value.message_dict["maandhuur"][0]
    with pytest.raises(ValidationError) as exc:
        signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                      raw={**typed("Huur"), "maandpremie": "120"})  # fmt: skip
    assert "maandpremie" in exc.value.message_dict
    # The API names the field; nothing is stored.
    response = clients["water"].post(
        reverse("api-v1:signal-collection"),
        {"partnerReferentie": "W-1", "achternaam": "X", "medehuurderAchternaam": "Y"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert any(p["name"] == "medehuurderAchternaam" for p in response.json()["invalidParams"])
    # A file with another kind's column is refused as a whole.
    header = ";".join(["maandhuur", *typed("Energie")]).encode()
    with pytest.raises(FileRefused) as refused:
        open_signal_file(io.BytesIO(header + b"\r\n"), partner_type="Energie")
    assert "maandhuur" in str(refused.value) and "Energie" in str(refused.value)
    # The form shows only the fields of the partner's kind.
    form = clients["energie"].get(reverse("intake:signal-create")).content.decode()
    assert 'name="maandtermijn"' in form and 'name="maandhuur"' not in form
    assert 'name="medehuurder_achternaam"' not in form
    assert not Signal.objects.exists()


def test_a_health_insurer_shows_its_offer_of_a_payment_plan(covenant, users):
    zorg = users["zorg"].organisation
    data = typed("Zorg")
    data.pop("aanbod_betalingsregeling")
    with pytest.raises(ValidationError) as exc:
        signal_submit(partner=zorg, submitted_by=users["zorg"], raw=data)
    assert exc.value.message_dict["aanbod_betalingsregeling"] == [
        "Betalingsregeling aangeboden is verplicht."
    ]


def test_thresholds_follow_the_kind_of_partner(covenant, users):
    """Water's default: one month; the months are what the partner delivers."""
    water = users["water"].organisation
    small = signal_submit(partner=water, submitted_by=users["water"],
                          raw=typed("Water", partner_referentie="W-1", maanden_achterstand="0,5",
                                    onbereikbaar_in_incasso=""))  # fmt: skip
    assert small.status == SignalStatus.UNJUSTIFIED
    enough = signal_submit(partner=water, submitted_by=users["water"],
                           raw=typed("Water", partner_referentie="W-2", maanden_achterstand="1",
                                     onbereikbaar_in_incasso="", achternaam="Anderwater"))  # fmt: skip
    assert enough.status == SignalStatus.NOT_YET_PICKED_UP


def test_only_landlords_have_the_sluitende_aanpak(four, clients):
    signal = four["energie"]
    for url in (
        reverse("safeguards:check-ask", args=[signal.public_id, "deurwaarder"]),
        reverse("safeguards:tenancy", args=[signal.tenancy.public_id]),
        reverse("safeguards:tenancy-list"),
        reverse("safeguards:tenancy-register"),
    ):
        assert clients["energie"].get(url).status_code in (403, 404), url
    home = clients["energie"].get(reverse("home")).content.decode()
    assert "Mijn huurders" not in home
    page = clients["energie"].get(reverse("cases:landlord-signal", args=[signal.public_id]))
    assert "Sluitende Aanpak" not in page.content.decode()


@pytest.mark.parametrize(
    ("key", "kind", "extra"),
    [
        ("eigen-haard", "Huur", {"maandhuur": "€ 1.250,00"}),
        ("energie", "Energie", {"maandtermijn": "€ 145,00", "maanden_achterstand": "2,5"}),
        ("water", "Water", {"maanden_achterstand": "3"}),
        ("zorg", "Zorg", {"maandpremie": "142,50", "maanden_achterstand": "2",
                          "aanbod_betalingsregeling": "01-07-2026"}),
    ],
)  # fmt: skip
@pytest.mark.parametrize("dialect", ["excel-nl-1252", "xlsx"])
def test_a_messy_file_of_every_kind_is_read(covenant, users, tmp_path, key, kind, extra, dialect):
    """Excel-NL style: Windows-1252, semicolons, Dutch amounts and dd-mm-jjjj dates, headers in
    other case and with spaces; or a real Excel sheet with date cells and number cells."""
    from .corpus.build import row

    base = row(1, achternaam="Çelik-Öztürk", **extra)
    if kind != "Huur":
        base.pop("maandhuur")
    columns = [c for c in template_csv(kind).decode("utf-8-sig").splitlines()[0].split(";")]
    header = [c.replace("_", " ").title() for c in columns]  # "Partner Referentie", …
    path = tmp_path / f"{kind}.{'xlsx' if dialect == 'xlsx' else 'csv'}"
    if dialect == "xlsx":
        path.write_bytes(xlsx_bytes([header, [base.get(c, "") for c in columns]]))
    else:
        lines = [";".join(header), ";".join(base.get(c, "") for c in columns)]
        path.write_bytes("\r\n".join(lines).encode("cp1252"))
    out = io.StringIO()
    call_command("import-signalen", str(path), partner=users[key].organisation.slug, json=True,
                 stdout=out)  # fmt: skip
    result = json.loads(out.getvalue())
    assert result["accepted"] == 1, result
    signal = Signal.objects.get(partner=users[key].organisation)
    assert signal.partner_type == kind
    assert signal.person_details["achternaam"] == "Çelik-Öztürk"
    for name, value in extra.items():
        if name == "aanbod_betalingsregeling":
            assert signal.arrears[name] == "2026-07-01"
        elif name != "maanden_achterstand":
            assert signal.arrears[name].replace(".", ",").endswith(value.split()[-1][-2:])


def test_the_template_of_each_kind_is_a_valid_delivery(covenant, users, tmp_path):
    for key, kind in (("energie", "Energie"), ("water", "Water"), ("zorg", "Zorg")):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(template_csv(kind))
        out = io.StringIO()
        call_command("import-signalen", str(path), partner=users[key].organisation.slug,
                     json=True, stdout=out)  # fmt: skip
        assert json.loads(out.getvalue())["accepted"] == 1, kind


def test_a_partner_signals_only_for_its_own_municipalities(covenant, users):
    """Eigen Haard works for Amsterdam; a Diemen postcode is not its to signal."""
    with pytest.raises(ValidationError) as exc:
        signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                      raw=typed("Huur", postcode="1111 AB"))  # fmt: skip
    assert "Gemeente Diemen" in exc.value.message_dict["postcode"][0]
    # The energy supplier works for both: its Diemen signal belongs to Diemen.
    diemen = signal_submit(partner=users["energie"].organisation, submitted_by=users["energie"],
                           raw=typed("Energie", postcode="1111 AB"))  # fmt: skip
    assert diemen.municipality.code == "0384" and diemen.case.municipality.code == "0384"
    assert diemen.case.provider.slug == "buurtteam-diemen-demo"


def test_a_person_who_moves_to_another_municipality_gets_a_case_there(covenant, users, today):
    amsterdam = signal_submit(partner=users["energie"].organisation, submitted_by=users["energie"],
                              raw=typed("Energie", partner_referentie="K-9"))  # fmt: skip
    diemen = signal_submit(partner=users["energie"].organisation, submitted_by=users["energie"],
                           raw=typed("Energie", partner_referentie="K-9", postcode="1111 AB",
                                     achterstand_bedrag="2.000,00",
                                     signaaldatum=(today - timedelta(days=1)).isoformat()))  # fmt: skip
    assert diemen.person_id == amsterdam.person_id
    assert diemen.case_id != amsterdam.case_id
    assert (amsterdam.case.municipality.code, diemen.case.municipality.code) == ("0363", "0384")
