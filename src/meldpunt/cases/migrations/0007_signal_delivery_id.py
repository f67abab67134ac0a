"""The signal's delivery becomes a plain id: no constraint, no index (docs/adr/0008-case-file.md)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_signal_moves_to_the_case_file'),
        ('intake', '0004_signal_leaves_the_intake'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signal',
            name='batch',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='intake.signalimport'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='signal', name='batch'),
                migrations.AddField(
                    model_name='signal',
                    name='delivery_id',
                    field=models.BigIntegerField(blank=True, db_column='batch_id', null=True),
                ),
            ],
            database_operations=[],
        ),
    ]
