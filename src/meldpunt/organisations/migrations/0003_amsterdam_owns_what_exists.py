"""What existed belonged to one municipality: Amsterdam (CBS 0363). Its districts and every
organisation become Amsterdam's; the partners that existed were all landlords (Huur)."""

from django.db import migrations


def to_amsterdam(apps, schema_editor):
    Municipality = apps.get_model("organisations", "Municipality")
    Organisation = apps.get_model("organisations", "Organisation")
    District = apps.get_model("organisations", "District")
    if not (Organisation.objects.exists() or District.objects.exists()):
        return  # a new installation: nothing to adopt
    amsterdam, _ = Municipality.objects.get_or_create(code="0363", defaults={"name": "Amsterdam"})
    District.objects.filter(municipality__isnull=True).update(municipality=amsterdam)
    Organisation.objects.filter(type="partner", partner_type="").update(partner_type="Huur")
    for organisation in Organisation.objects.all():
        organisation.municipalities.add(amsterdam)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_municipalities_and_partner_types")]
    operations = [migrations.RunPython(to_amsterdam, migrations.RunPython.noop)]
