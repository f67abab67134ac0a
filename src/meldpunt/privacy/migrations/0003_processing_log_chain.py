"""Hash-chain the processing log, make it append-only, and version the register (issue #5).

Existing records are sealed in id order, so the chain covers the log from the start.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from meldpunt.privacy import chain
    from meldpunt.privacy.models import GENESIS_HASH

    Entry = apps.get_model("privacy", "ProcessingLogEntry")
    Chain = apps.get_model("privacy", "ProcessingLogChain")
    previous = GENESIS_HASH
    sequence = 0
    for entry in Entry.objects.order_by("id").iterator():
        sequence += 1
        entry.sequence = sequence
        entry.prev_hash = previous
        entry.entry_hash = chain.entry_hash(entry)
        Entry.objects.filter(pk=entry.pk).update(
            sequence=entry.sequence, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash
    Chain.objects.update_or_create(pk=1, defaults={"length": sequence, "last_hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0002_register_seed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcessingLogChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("length", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64)),
                ("pruned_through", models.PositiveBigIntegerField(default=0)),
                ("pruned_hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64)),
            ],
            options={"verbose_name": "kop van het verwerkingslog"},
        ),
        migrations.CreateModel(
            name="ProcessingLogPruning",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("before", models.DateTimeField()),
                ("first_sequence", models.PositiveBigIntegerField()),
                ("last_sequence", models.PositiveBigIntegerField()),
                ("count", models.PositiveIntegerField()),
                ("anchor_hash", models.CharField(max_length=64)),
                ("reason", models.CharField(max_length=200)),
            ],
            options={"verbose_name": "opschoning van het verwerkingslog"},
        ),
        migrations.AddField(
            model_name="processingactivity",
            name="valid_from",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="geldig vanaf"),
        ),
        migrations.AddField(
            model_name="processingactivity",
            name="changed_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="gewijzigd door"),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterModelOptions(
            name="processinglogentry",
            options={"ordering": ["sequence"], "permissions": [("view_personal_data", "Mag persoonsgegevens inzien (MFA verplicht)"), ("view_processing_log", "Mag het verwerkingslog doorzoeken")], "verbose_name": "verwerkingslogregel", "verbose_name_plural": "verwerkingslog"},
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="entry_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
