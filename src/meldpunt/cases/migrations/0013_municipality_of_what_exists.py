"""Every signal, case, tenancy and check that exists gets its municipality: the one of its
district (all Amsterdam's before this change), else Amsterdam (organisations.0003)."""

from django.db import migrations


def fill(apps, schema_editor):
    Municipality = apps.get_model("organisations", "Municipality")
    District = apps.get_model("organisations", "District")
    Signal = apps.get_model("cases", "Signal")
    Case = apps.get_model("cases", "Case")
    Tenancy = apps.get_model("cases", "Tenancy")
    SafeguardCheck = apps.get_model("safeguards", "SafeguardCheck")
    IntakeConfiguration = apps.get_model("intake", "IntakeConfiguration")
    if not (Signal.objects.exists() or IntakeConfiguration.objects.exists()):
        return
    default, _ = Municipality.objects.get_or_create(code="0363", defaults={"name": "Amsterdam"})
    of_district = dict(District.objects.values_list("pk", "municipality_id"))
    for model in (Signal, Case):
        for district_id in model.objects.values_list("district_id", flat=True).distinct():
            model.objects.filter(district_id=district_id, municipality__isnull=True).update(
                municipality_id=of_district.get(district_id, default.pk)
            )
    for tenancy in Tenancy.objects.filter(municipality__isnull=True):
        latest = (
            Signal.objects.filter(tenancy_id=tenancy.pk).order_by("-received_at", "-id").first()
        )
        Tenancy.objects.filter(pk=tenancy.pk).update(
            municipality_id=latest.municipality_id if latest else default.pk
        )
    for check in SafeguardCheck.objects.filter(municipality__isnull=True):
        municipality_id = (
            Tenancy.objects.filter(pk=check.tenancy_id).values_list("municipality_id", flat=True)
            .first()
        )
        SafeguardCheck.objects.filter(pk=check.pk).update(
            municipality_id=municipality_id or default.pk
        )
    IntakeConfiguration.objects.filter(municipality__isnull=True).update(municipality=default)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_municipality"),
        ("safeguards", "0006_check_municipality"),
        ("intake", "0006_per_municipality_and_partner_type"),
        ("organisations", "0004_district_municipality_required"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
