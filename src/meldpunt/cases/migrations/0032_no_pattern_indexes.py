"""No LIKE twins of the blind-index columns on PostgreSQL (docs/adr/0121-intake-ratio.md)."""

from django.db import migrations

from meldpunt.core.schema import DropPatternIndexes


class Migration(migrations.Migration):
    dependencies = [("cases", "0031_triage_indexes")]

    operations = [
        DropPatternIndexes("case", ["household_index"]),
        DropPatternIndexes("signal", ["household_index", "person_index"]),
    ]
