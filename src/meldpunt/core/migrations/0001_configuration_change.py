"""State only: the history of configuration changes moves from the intake to core (same table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intake", "0004_signal_leaves_the_intake"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConfigurationChange",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("setting", models.CharField(max_length=80)),
                        ("old_value", models.CharField(max_length=200)),
                        ("new_value", models.CharField(max_length=200)),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        ("by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"ordering": ["-at", "-id"], "db_table": "intake_configurationchange"},
                ),
            ],
            database_operations=[],
        ),
    ]
