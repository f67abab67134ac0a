"""No LIKE twins of the processing log's keys on PostgreSQL (docs/adr/0121-intake-ratio.md)."""

from django.db import migrations

from meldpunt.core.schema import DropPatternIndexes


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_register_ddas")]

    operations = [DropPatternIndexes("processinglogentry", ["data_subject_id", "trace_id"])]
