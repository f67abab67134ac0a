import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_amsterdam_owns_what_exists")]

    operations = [
        migrations.AlterField(
            model_name="district",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="districts",
                to="organisations.municipality",
                verbose_name="gemeente",
            ),
        ),
    ]
