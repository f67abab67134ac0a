"""Seed the catalogue of instruments of the Sluitende Aanpak (domain.md step 7).

The catalogue is configuration: functioneel beheer may add, rename or deactivate instruments.
"""

from django.db import migrations

G, P, U = "gemeente", "partner", "uitvoerder"
# code, name, category, allowed types, counts through attempts, has agreements,
# kept while running, has monthly amount
CATALOGUE = [
    ("vroeg-eropaf", "Vroeg Eropaf-outreach", "outreach", [U, G], True, False, False, False),
    ("betalingsregeling-verhuurder", "Betalingsregeling met de verhuurder", "betalingsregeling", [P], False, True, False, False),
    ("huisbezoek-verhuurder", "Persoonlijk bezoek door de verhuurder", "outreach", [P], False, False, False, False),
    ("geregelde-betaling", "Geregelde betaling (huur ingehouden op de uitkering)", "inkomen", [G], False, True, True, True),
    ("budgetadvies", "Budgetadvies / quick fix", "budget", [U, G], False, False, False, False),
    ("bemiddelde-betalingsregeling", "Bemiddelde betalingsregeling", "betalingsregeling", [U, G], False, True, False, False),
    ("budgetbeheer", "Budgetbeheer", "budget", [U, G], False, True, False, False),
    ("schuldhulpverlening", "Schuldhulpverlening", "schuldhulp", [U, G], False, True, False, False),
    ("budgetcoaching", "Budgetcoaching", "budget", [U, G], False, False, False, False),
    ("beschermingsbewind", "Verwijzing naar beschermingsbewind", "schuldhulp", [U, G], False, False, False, False),
    ("inkomenscheck", "Bijzondere bijstand of inkomenscheck (toeslagen)", "inkomen", [U, G], False, False, False, False),
    ("niet-financiele-verwijzing", "Niet-financiële doorverwijzing", "doorverwijzing", [U, G], False, False, False, False),
    ("bemoeizorg", "Bemoeizorg", "doorverwijzing", [U, G], False, False, False, False),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("cases", "Instrument")
    for position, (code, name, category, types, attempts, agreements, running, amount) in enumerate(
        CATALOGUE, start=1
    ):
        Instrument.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "allowed_organisation_types": types,
                "counts_through_attempts": attempts,
                "has_agreements": agreements,
                "kept_while_running": running,
                "has_monthly_amount": amount,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_casework")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
