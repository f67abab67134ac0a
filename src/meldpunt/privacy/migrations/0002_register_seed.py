"""The first version of the register of processing activities (verwerkingsregister)."""

from django.db import migrations

WGS = "Wet gemeentelijke schuldhulpverlening art. 3 en 5; Besluit gemeentelijke schuldhulpverlening art. 2"
ACTIVITIES = [
    ("intake", "Ontvangen en registreren van vroegsignalen",
     "Signalen van huurachterstand van verhuurders ontvangen, controleren en in een zaak vastleggen.",
     WGS, "NAW, contactgegevens, geboortedatum, huurachterstand", "6 maanden na niet oppakken; 18 maanden na afsluiten zaak"),
    ("triage", "Triage en toewijzing",
     "Beoordelen van signalen, registercontrole en toewijzen aan een uitvoerder of Geregelde betaling.",
     WGS + "; Participatiewet art. 9.3 (Geregelde betaling)", "NAW, huurachterstand, uitkeringsstatus", "als intake"),
    ("outreach", "Outreach en hulpverlening",
     "Contact leggen met de huurder, hulp aanbieden en instrumenten inzetten (Vroeg Eropaf).",
     WGS, "NAW, contactgegevens, contactpogingen, instrumenten, notities", "18 maanden na afsluiten zaak"),
    ("feedback", "Terugkoppeling aan verhuurder",
     "Minimale terugkoppeling over het eigen signaal aan de verhuurder (convenant art. 9.2).",
     WGS, "status van het signaal", "als intake"),
    ("sluitende-aanpak", "Toets Sluitende Aanpak",
     "Beantwoorden of een huurschuld naar de deurwaarder mag en of ontruiming is toegestaan (convenant art. 1.13).",
     WGS, "ingezette instrumenten, weigeringen, niet-nagekomen afspraken", "18 maanden na afsluiten zaak"),
    ("privacy", "Verantwoording en rechten van betrokkenen",
     "Inzageverzoeken behandelen en het verwerkingslog raadplegen (AVG art. 15 en 30).",
     "AVG art. 6 lid 1 sub c en art. 15", "alle gegevens van de betrokkene", "verwerkingslog: 5 jaar"),
]


def seed(apps, schema_editor):
    ProcessingActivity = apps.get_model("privacy", "ProcessingActivity")
    for code, name, purpose, basis, categories, retention in ACTIVITIES:
        ProcessingActivity.objects.get_or_create(
            code=code,
            version=1,
            defaults={
                "name": name,
                "purpose": purpose,
                "legal_basis": basis,
                "data_categories": categories,
                "retention": retention,
                "is_current": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
