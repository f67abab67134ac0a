"""Positions in the processing-log chain are unique and required (a separate migration, so the
sealing of existing rows in 0003 is committed before the table is altered on PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("privacy", "0003_processing_log_chain")]

    operations = [
        migrations.AlterField(
            model_name="processinglogentry",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
