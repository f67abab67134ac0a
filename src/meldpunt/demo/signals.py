"""Demo signals: a few tenants across districts and landlords, one household with four
creditors, and a tenant in the second municipality (Diemen)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from meldpunt.accounts.demo import require_demo_mode
from meldpunt.cases.models import Signal
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import Organisation

# Fictitious people at real-looking postcodes; one per district with a provider.
DEMO_SIGNALS = [
    ("eigen-haard", "EH-2026-0001", "J.", "", "Jansen", "1012AB", 12, "1250.00", "centrum"),
    ("ymere", "YM-2026-0101", "P.", "de", "Vries", "1021JK", 4, "830.50", "noord"),
    ("de-key", "DK-2026-0042", "S.", "", "Bakker", "1093AA", 101, "2140.00", "oost"),
    ("rochdale", "RO-2026-0007", "M.", "el", "Amrani", "1064BB", 33, "640.00", "nieuw-west"),
    ("stadgenoot", "SG-2026-0300", "A.", "van", "Dijk", "1102CD", 9, "1795.25", "zuidoost"),
    ("de-alliantie", "DA-2026-0011", "K.", "", "Visser", "1055EF", 57, "455.00", "west"),
    (
        "woonstichting-diemen-demo",
        "WD-2026-0003",
        "L.",
        "",
        "Diemer",
        "1111AB",
        3,
        "980.00",
        "diemen",
    ),
]
# Other creditors of the first tenant (Jansen, born 1960-01-15): one household file with rent,
# energy, water and premium arrears (meervoudig signaal).
DEMO_CREDITORS = [
    ("energie-voorbeeld-demo", "KL-88001", "420.00",
     {"maanden_achterstand": "3", "maandtermijn": "140,00"}),
    ("waterbedrijf-voorbeeld-demo", "KL-1207", "96.00", {"maanden_achterstand": "4"}),
    ("zorgverzekeraar-voorbeeld-demo", "POL-55120", "427.50",
     {"maanden_achterstand": "3", "maandpremie": "142,50"}),
]  # fmt: skip


@transaction.atomic
def demo_signals_ensure() -> int:
    require_demo_mode()
    today = timezone.localdate()
    created = 0
    for index, (slug, ref, initials, prefix, surname, postcode, number, amount, _d) in enumerate(
        DEMO_SIGNALS
    ):
        partner = Organisation.objects.get(slug=slug)
        if Signal.objects.filter(partner=partner, partner_reference=ref).exists():
            continue
        clerk = partner.users.first()
        signal = signal_submit(
            partner=partner,
            submitted_by=clerk,
            raw={
                "partner_referentie": ref,
                "voorletters": initials,
                "tussenvoegsel": prefix,
                "achternaam": surname,
                "geboortedatum": f"{1960 + index * 5}-0{1 + index}-15",
                "straat": "Voorbeeldstraat",
                "huisnummer": number,
                "postcode": postcode,
                "woonplaats": "Diemen" if slug.endswith("diemen-demo") else "Amsterdam",
                "telefoonnummer": f"06123456{index:02d}",
                "email": f"huurder{index}@example.org",
                "achterstand_bedrag": amount,
                "maandhuur": "725,00",
                "onbereikbaar_in_incasso": True,
                "signaaldatum": today - timedelta(days=index),
                "crisissignaal": index == 2,
                "poging_persoonlijk_contact": today - timedelta(days=40),
                "gewezen_op_schuldhulp": today - timedelta(days=35),
                "schriftelijke_herinnering": today - timedelta(days=30),
                "informatieplicht_voldaan": today - timedelta(days=30),
            },
        )
        created += 1
        del signal
    first = DEMO_SIGNALS[0]
    for slug, ref, amount, extra in DEMO_CREDITORS:
        partner = Organisation.objects.get(slug=slug)
        if Signal.objects.filter(partner=partner, partner_reference=ref).exists():
            continue
        raw = {
            "partner_referentie": ref,
            "voorletters": first[2],
            "achternaam": first[4],
            "geboortedatum": "1960-01-15",
            "straat": "Voorbeeldstraat",
            "huisnummer": first[6],
            "postcode": first[5],
            "woonplaats": "Amsterdam",
            "achterstand_bedrag": amount,
            "onbereikbaar_in_incasso": True,
            "signaaldatum": today,
            "poging_persoonlijk_contact": today - timedelta(days=40),
            "gewezen_op_schuldhulp": today - timedelta(days=35),
            "schriftelijke_herinnering": today - timedelta(days=30),
            "informatieplicht_voldaan": today - timedelta(days=30),
            **extra,
        }
        if partner.partner_type == "Zorg":
            raw["aanbod_betalingsregeling"] = today - timedelta(days=32)
        signal_submit(partner=partner, submitted_by=partner.users.first(), raw=raw)
        created += 1
    return created
