"""The first assessment frame: crisis, young people, several creditors, high arrears, the rest."""

from django.db import migrations

RULES = [
    {"queue": "Crisis", "action": "Huisbezoek", "crisis": True},
    {"queue": "Jongeren tot 27", "action": "Telefoon", "under_27": True},
    {"queue": "Meerdere schuldeisers", "action": "Huisbezoek", "several_creditors": True},
    {"queue": "Hoge achterstand", "action": "Huisbezoek", "min_amount": "2500"},
    {"queue": "Lage urgentie", "action": "Brief"},
]


def add_frame(apps, schema_editor):
    AssessmentFrame = apps.get_model("cases", "AssessmentFrame")
    if not AssessmentFrame.objects.exists():
        AssessmentFrame.objects.create(rules=RULES)


class Migration(migrations.Migration):
    dependencies = [("cases", "0026_assessment_frame")]

    operations = [migrations.RunPython(add_frame, migrations.RunPython.noop)]
