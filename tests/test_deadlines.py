"""Deadlines: overdue list per provider and the daily reminder job (issue #4)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.deadlines import (
    add_working_days,
    current_targets,
    due_date,
    overdue_cases,
    overdue_queryset,
    possible_holidays,
    public_holidays,
)
from meldpunt.cases.models import Case, DeadlineConfig, Track
from meldpunt.cases.services import case_assign, contact_attempt_record
from meldpunt.cases.tasks import deadline_reminders_send
from meldpunt.intake.services import signal_submit

from .conftest import signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(covenant, users):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(achternaam="Termijnpersoon"))  # fmt: skip
    case_assign(case_id=signal.case_id, provider=covenant["centram"], track=Track.VROEG_EROPAF,
                by=users["regie"])  # fmt: skip
    return Case.objects.get(pk=signal.case_id)


def test_working_days_skip_the_weekend():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert add_working_days(friday, 5) == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2027, 3, 26), 1, date(2027, 3, 30)),  # Good Friday counts; Easter Monday does not
        (date(2026, 4, 24), 1, date(2026, 4, 28)),  # King's Day (Monday 27 April 2026)
        (date(2026, 4, 30), 3, date(2026, 5, 6)),  # 5 May, also outside lustrum years
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension Day
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Whit Monday
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas (and Boxing Day a Saturday)
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day, then the weekend
    ],
)
def test_deadlines_skip_the_public_holidays_of_the_algemene_termijnenwet(start, days, due):
    assert add_working_days(start, days) == due


def test_every_public_holiday_is_one_of_the_possible_holidays():
    """A day outside ``possible_holidays`` is taken as no holiday without asking the
    ``holidays`` package (it loads every country's calendar): that must never change a
    deadline, in any year of this century and the last half of the one before."""
    for year in range(1950, 2101):
        assert public_holidays(year) <= possible_holidays(year), year


def test_first_attempt_deadline_and_outreach_deadline(case, users):
    received = timezone.localdate(case.opened_at)
    due = add_working_days(received, 5)
    assert overdue_cases(Case.objects.all(), today=due) == []
    [item] = overdue_cases(Case.objects.all(), today=due + timedelta(days=1))
    assert item.case == case and item.reason == "Eerste contactpoging te laat"
    contact_attempt_record(case_id=case.pk, by=users["centram"], kind="Brief", reached=False,
                           on=timezone.localdate(), part_of_day="Ochtend")  # fmt: skip
    assert overdue_cases(Case.objects.all(), today=due + timedelta(days=1)) == []
    [item] = overdue_cases(Case.objects.all(), today=received + timedelta(days=29))
    assert item.reason == "Geen contact en outreach niet af"


def test_crisis_and_configured_targets(case):
    case.crisis = True
    case.save(update_fields=["crisis"])
    received = timezone.localdate(case.opened_at)
    assert overdue_cases(Case.objects.all(), today=add_working_days(received, 1) + timedelta(1))
    DeadlineConfig.objects.create(crisis_first_attempt_working_days=10)
    assert not overdue_cases(Case.objects.all(), today=add_working_days(received, 1) + timedelta(1))


def test_overdue_list_is_scoped_and_shows_no_personal_data(case, clients):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=40))
    own = clients["centram"].get(reverse("cases:overdue"))
    other = clients["doras"].get(reverse("cases:overdue"))
    landlord = clients["eigen-haard"].get(reverse("cases:overdue"))
    short = case.reference
    assert own.status_code == 200 and short in own.content.decode()
    assert "Termijnpersoon" not in own.content.decode()
    assert short not in other.content.decode()
    assert landlord.status_code == 403


def test_daily_reminder_mails_the_provider_without_personal_data(case, users):
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        result = deadline_reminders_send.enqueue()
    assert result.return_value == 1
    [message] = mail.outbox
    assert sorted(message.to) == sorted([users["centram"].email,
                                         users["centram-teamleider"].email])  # fmt: skip
    assert "1 zaken" in message.subject
    assert "Termijnpersoon" not in message.body and "Damrak" not in message.body


def test_reminder_command_enqueues_the_job(case):
    call_command("deadline-reminders")
    assert mail.outbox == []  # nothing overdue today


def test_the_database_selects_exactly_the_cases_the_rule_calls_overdue(covenant, users):
    """The overdue selection in SQL against the rule case by case (``due_date``): every day of
    receipt around Christmas, New Year and a weekend, crisis or not, attempted or not, on each
    day from the receipt to past the outreach deadline; also at the local day's edges."""
    cases = {}
    for crisis in (False, True):
        for attempted in (False, True):
            signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                                   raw=signal_data(achternaam="Termijn" + "abcd"[2 * crisis + attempted],
                                                   partner_referentie=f"T{crisis:d}{attempted:d}"))  # fmt: skip
            case_assign(case_id=signal.case_id, provider=covenant["centram"],
                        track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
            Case.objects.filter(pk=signal.case_id).update(crisis=crisis)
            if attempted:
                contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind="Brief",
                                       reached=False, on=timezone.localdate(),
                                       part_of_day="Ochtend")  # fmt: skip
            cases[signal.case_id] = (crisis, attempted)
    assert len(cases) == 4
    targets = current_targets()
    for received in [date(2026, 12, 17) + timedelta(days=n) for n in range(0, 20, 3)]:
        for moment in ("00:00:01", "23:59:59"):  # the first and the last second of the day
            opened = timezone.make_aware(timezone.datetime.fromisoformat(f"{received} {moment}"))
            Case.objects.filter(pk__in=cases).update(opened_at=opened)
            for today in [received + timedelta(days=n) for n in range(0, 33)]:
                expected = {
                    pk for pk, (crisis, attempted) in cases.items()
                    if (not attempted and today > due_date(received, crisis=crisis,
                                                           attempted=False, targets=targets))
                    or today > received + timedelta(days=targets.outreach_days)
                }  # fmt: skip
                found = set(
                    overdue_queryset(Case.objects.all(), today=today).values_list("pk", flat=True)
                )
                assert found == expected, (received, moment, today)
