"""Fill ``Case.due_on`` for the cases that exist: the deadline of the step they are in."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

from meldpunt.cases.deadlines import Targets, due_date

OPEN = ("ontvangen", "toegewezen", "opgepakt")


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ContactAttempt = apps.get_model("cases", "ContactAttempt")
    DeadlineConfig = apps.get_model("cases", "DeadlineConfig")
    row = DeadlineConfig.objects.order_by("-changed_at", "-id").first()
    targets = (
        Targets(
            first_attempt_working_days=row.first_attempt_working_days,
            crisis_first_attempt_working_days=row.crisis_first_attempt_working_days,
            outreach_days=row.outreach_days,
        )
        if row
        else Targets()
    )
    cases = Case.objects.filter(status__in=OPEN).annotate(
        attempted=Exists(ContactAttempt.objects.filter(case=OuterRef("pk")))
    )
    for case in cases.only("id", "opened_at", "crisis").iterator(chunk_size=2000):
        due = due_date(
            timezone.localdate(case.opened_at),
            crisis=case.crisis,
            attempted=case.attempted,
            targets=targets,
        )
        Case.objects.filter(pk=case.pk).update(due_on=due)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_caseworkers_and_due_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
