"""State only: ConfigurationChange now lives in core (same table, core.0001)."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model="configurationchange").delete()
    ContentType.objects.filter(app_label="intake", model="configurationchange").update(
        app_label="core"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_signal_leaves_the_intake"),
        ("core", "0001_configuration_change"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ConfigurationChange")],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
