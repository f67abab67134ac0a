"""State only: the signal record now lives in the case file (``cases.Signal``, same table).

The content type follows the model, so the admin log and permissions keep pointing at it; the
intake's own permissions (submit_signal, triage_signal) move to the delivery model and keep their
names ("intake.submit_signal"). On a new database there is nothing to move yet.
"""

from django.db import migrations


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label="intake", model="signal").first()
    if old is None:
        return
    intake_permissions = Permission.objects.filter(
        content_type=old, codename__in=["submit_signal", "triage_signal"]
    )
    if intake_permissions.exists():
        delivery, _ = ContentType.objects.get_or_create(app_label="intake", model="signalimport")
        intake_permissions.update(content_type=delivery)
    if ContentType.objects.filter(app_label="cases", model="signal").exists():
        # Created by an earlier run of post_migrate: keep the one that rows point at.
        ContentType.objects.filter(app_label="cases", model="signal").delete()
    old.app_label = "cases"
    old.save(update_fields=["app_label"])


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_person_key_canonical"),
        ("cases", "0006_signal_moves_to_the_case_file"),
        ("safeguards", "0003_signal_in_the_case_file"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Signal")],
            database_operations=[],
        ),
        migrations.AlterModelOptions(
            name="signalimport",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("submit_signal", "Mag signalen melden voor eigen huurders"),
                    ("triage_signal", "Mag signalen trieren en toewijzen"),
                ],
                "verbose_name": "aanlevering",
                "verbose_name_plural": "aanleveringen",
            },
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
