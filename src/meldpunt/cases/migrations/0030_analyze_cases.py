"""Statistics for the crisis indexes of 0029, right after the upgrade.

SQLite has no statistics for an index until ANALYZE runs, and never runs it by itself: without
them it keeps counting a provider's crisis cases through (provider, status) of all its cases,
a hundred thousand rows on a million, instead of the partial index (make bench, case list
"crisis + uitvoerder"; ADR 0120). PostgreSQL's autovacuum would get there later; ANALYZE of
one table is the same statement on both and takes seconds on a million cases.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0029_crisis_indexes")]

    operations = [migrations.RunSQL("ANALYZE cases_case", reverse_sql=migrations.RunSQL.noop)]
