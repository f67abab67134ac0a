"""The register gains the DDAS delivery to CBS (a new activity; 0002 stays as applied)."""

from django.db import migrations

ACTIVITIES = [
    ("ddas", "Levering DDAS vroegsignalering aan het CBS",
     "De vroegsignalen, vroegsignaalzaken en contactpogingen van een periode leveren aan het CBS "
     "(DDAS v1.2) voor de landelijke monitor vroegsignalering; het CBS haalt op via FSC, beleid "
     "kan een maand downloaden.",
     "Wet gemeentelijke schuldhulpverlening art. 3 en 5 (vroegsignalering); verstrekking aan "
     "het CBS voor statistiek (Wet op het Centraal bureau voor de statistiek art. 33) - door de "
     "gemeente te bevestigen in de DPIA",
     "postcode, huisnummer en toevoeging, geboortedatum, achterstandsbedrag, signaal- en "
     "zaakgegevens, contactpogingen (geen BSN, geen naam)",
     "verwerkingslog: 5 jaar; de levering zelf wordt niet bewaard"),
]  # fmt: skip


def seed(apps, schema_editor):
    ProcessingActivity = apps.get_model("privacy", "ProcessingActivity")
    for code, name, purpose, basis, categories, retention in ACTIVITIES:
        if ProcessingActivity.objects.filter(code=code, is_current=True).exists():
            continue
        ProcessingActivity.objects.create(
            code=code,
            version=ProcessingActivity.objects.filter(code=code).count() + 1,
            name=name,
            purpose=purpose,
            legal_basis=basis,
            data_categories=categories,
            retention=retention,
            is_current=True,
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_retention")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
