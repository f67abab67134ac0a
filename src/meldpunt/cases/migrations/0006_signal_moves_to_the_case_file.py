"""The signal record moves to the case file (docs/adr/0008-case-file.md).

State only: the table stays ``intake_signal`` and no row moves. Then the reference to the
intake's delivery (``batch``) becomes a plain id (``delivery_id``, same column) so the case file
does not depend on the intake's tables; its foreign-key constraint and index go.
"""

import django.db.models.deletion
import meldpunt.privacy.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_history_no_update'),
        ('intake', '0003_person_key_canonical'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Signal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('subject_id', models.UUIDField(db_index=True, default=uuid.uuid4, verbose_name='betrokkene (pseudoniem)')),
                        ('partner_reference', models.CharField(max_length=60, verbose_name='referentie verhuurder')),
                        ('details', meldpunt.privacy.fields.EncryptedJSONField()),
                        ('household_index', models.CharField(db_index=True, max_length=40)),
                        ('person_index', models.CharField(db_index=True, max_length=40)),
                        ('intake_key', models.CharField(max_length=40)),
                        ('channel', models.CharField(default='formulier', max_length=10, verbose_name='kanaal')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='intake.signalimport')),
                        ('signal_date', models.DateField(verbose_name='signaaldatum')),
                        ('received_at', models.DateTimeField(auto_now_add=True, verbose_name='ontvangen')),
                        ('contact_attempted_on', models.DateField(verbose_name='poging tot persoonlijk contact')),
                        ('referred_to_debt_help_on', models.DateField(verbose_name='gewezen op schuldhulpverlening')),
                        ('written_reminder_on', models.DateField(verbose_name='schriftelijke herinnering')),
                        ('tenant_informed_on', models.DateField(verbose_name='huurder geïnformeerd')),
                        ('crisis', models.BooleanField(default=False, verbose_name='crisissignaal')),
                        ('warm_handover', models.BooleanField(default=False, verbose_name='warme overdracht')),
                        ('unreachable_in_collection', models.BooleanField(default=False)),
                        ('multiple_problems', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('Nog niet opgepakt', 'Nog niet opgepakt'), ('Niet opgepakt: onterecht signaal', 'Niet opgepakt: onterecht signaal'), ('Inwoner is overleden', 'Inwoner is overleden'), ('Persoon is geen inwoner (meer) in de gemeente', 'Persoon is geen inwoner (meer) in de gemeente'), ('Niet opgepakt: herhaalde melding', 'Niet opgepakt: herhaalde melding'), ('Niet opgepakt: andere reden', 'Niet opgepakt: andere reden')], default='Nog niet opgepakt', max_length=60, verbose_name='status')),
                        ('decision', models.CharField(blank=True, max_length=200, verbose_name='beslissing bij ontvangst')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signals', to='cases.case')),
                        ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.district')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signals', to='organisations.organisation')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'signaal',
                        'verbose_name_plural': 'signalen',
                        'db_table': 'intake_signal',
                        'ordering': ['-received_at', '-id'],
                    },
                ),
                migrations.AlterField(
                    model_name='instrumentdeployment',
                    name='signal',
                    field=models.ForeignKey(blank=True, help_text="The landlord's own signal through which the tenant was identified.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.signal'),
                ),
                migrations.AddConstraint(
                    model_name='signal',
                    constraint=models.CheckConstraint(condition=models.Q(('partner_reference', ''), _negated=True), name='signal_partner_reference_required'),
                ),
                migrations.AddConstraint(
                    model_name='signal',
                    constraint=models.UniqueConstraint(fields=('partner', 'intake_key'), name='signal_once'),
                ),
            ],
            database_operations=[],
        ),
    ]
