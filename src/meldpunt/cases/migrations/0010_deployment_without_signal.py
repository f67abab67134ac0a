"""A landlord's own instrument belongs to its tenancy now (filled by 0009), not to a signal."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_file_existing_signals")]

    operations = [migrations.RemoveField(model_name="instrumentdeployment", name="signal")]
