"""The status history is append-only, also for code that bypasses the model (queryset.update).

A database trigger refuses UPDATE on cases_casestatuschange. DELETE stays possible because the
retention job deletes a whole case with its history (and records that deletion elsewhere).
"""

from django.db import migrations

SQLITE = """
CREATE TRIGGER cases_casestatuschange_no_update
BEFORE UPDATE ON cases_casestatuschange
BEGIN
    SELECT RAISE(ABORT, 'cases_casestatuschange is append-only');
END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION cases_casestatuschange_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_casestatuschange is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_casestatuschange_no_update
BEFORE UPDATE ON cases_casestatuschange
FOR EACH ROW EXECUTE FUNCTION cases_casestatuschange_no_update();
"""
DROP = {
    "sqlite": "DROP TRIGGER IF EXISTS cases_casestatuschange_no_update;",
    "postgresql": "DROP TRIGGER IF EXISTS cases_casestatuschange_no_update ON cases_casestatuschange;"
    " DROP FUNCTION IF EXISTS cases_casestatuschange_no_update();",
}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor)
    if sql:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    sql = DROP.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_deadline_config")]
    operations = [migrations.RunPython(create, drop)]
