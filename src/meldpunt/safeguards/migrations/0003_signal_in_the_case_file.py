"""State only: the check's signal is now ``cases.Signal`` (same table, docs/adr/0008-case-file.md)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("safeguards", "0002_attestation_revoke"),
        ("cases", "0006_signal_moves_to_the_case_file"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="safeguardcheck",
                    name="signal",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="cases.signal",
                    ),
                )
            ],
            database_operations=[],
        )
    ]
