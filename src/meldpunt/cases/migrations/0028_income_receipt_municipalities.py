"""Receipts scoped to the municipalities of the instructions they name (issue #15).

Receipts read before this migration get the municipalities of the known instruction ids their
message quotes (a refused file names them by line); one naming none stays nobody's.
"""

import re

from django.db import migrations, models

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def backfill(apps, schema_editor):
    IncomeReceipt = apps.get_model("cases", "IncomeReceipt")
    IncomeInstruction = apps.get_model("cases", "IncomeInstruction")
    for receipt in IncomeReceipt.objects.exclude(message=""):
        ids = _UUID.findall(receipt.message)
        municipalities = set(
            IncomeInstruction.objects.filter(public_id__in=ids).values_list(
                "arrangement__case__municipality_id", flat=True
            )
        )
        receipt.municipalities.set(municipalities)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0027_default_assessment_frame"),
        ("organisations", "0006_organisation_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="incomereceipt",
            name="municipalities",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="organisations.municipality"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
