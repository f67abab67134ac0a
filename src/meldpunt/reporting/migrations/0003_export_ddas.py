from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_cost_key")]

    operations = [
        migrations.AlterModelOptions(
            name="figure",
            options={
                "permissions": [
                    ("export_ddas", "Mag de DDAS-levering aan het CBS downloaden (MFA verplicht)")
                ]
            },
        ),
    ]
