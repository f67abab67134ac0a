"""Geregelde betaling end to end (issue #15): the track's steps, the outbox to the income
administration through the file adapter, and its receipts read back."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from meldpunt.accounts.services import user_create
from meldpunt.cases import income_services as gb
from meldpunt.cases.models import (
    Arrangement,
    ArrangementChange,
    IncomeInstruction,
    IncomeReceipt,
    InstrumentDeployment,
    Track,
)
from meldpunt.cases.workflow import ArrangementStatus as A
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.keys import person_key
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.registries import income
from meldpunt.registries.models import LocalRegistryRecord

from .conftest import PASSWORD, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(tmp_path):
    """The file adapter's exchange folder, fresh per test."""
    income.income_administration.cache_clear()
    with override_settings(MELDPUNT_INCOME_FILE_DIR=str(tmp_path)):
        yield tmp_path
    income.income_administration.cache_clear()


@pytest.fixture
def consultant(covenant):
    return user_create(email="inkomen@test.example", organisation=covenant["gemeente-amsterdam"],
                       roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip


@pytest.fixture
def benefit_signal(covenant, users):
    """A signal about a Participatiewet benefit recipient: the intake routes it to the track."""
    LocalRegistryRecord.objects.create(
        person_index=person_key("Uitkering", "", date(1970, 1, 1)), benefit_recipient=True
    )
    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-778", achternaam="Uitkering",
                        geboortedatum="1970-01-01"),
    )  # fmt: skip
    assert signal.case.track == Track.GEREGELDE_BETALING
    assert signal.case.status == CaseStatus.ASSIGNED
    return signal


def propose(case_id, by, **overrides):
    values = {
        "client_number": "K-123456",
        "rent_amount": "712,35",
        "arrears_instalment": "48,65",
        "payment_reference": "EH-778",
        "first_period": date(2026, 1, 15),
    }
    values.update(overrides)
    return gb.arrangement_propose(case_id=case_id, by=by, **values)


def batch_rows(exchange) -> list[dict]:
    rows = []
    for path in sorted((exchange / "uit").glob("opdrachten-*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f, delimiter=";"))
    return rows


def receipt(exchange, name: str, *lines: tuple[str, str, str, str]) -> None:
    inbox = exchange / "in"
    inbox.mkdir(exist_ok=True)
    text = "opdracht_id;resultaat;datum;toelichting\r\n" + "".join(
        ";".join(line) + "\r\n" for line in lines
    )
    (inbox / name).write_text(text, encoding="utf-8")


def running(benefit_signal, consultant, exchange, today) -> Arrangement:
    arrangement = propose(benefit_signal.case_id, consultant)
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-60b")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    gb.instructions_deliver()
    receipt(exchange, "ontvangst-1.csv", (str(start.public_id), "verwerkt", today.isoformat(), ""))
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    arrangement.refresh_from_db()
    return arrangement


def test_the_track_from_proposal_to_running_to_end(benefit_signal, consultant, exchange, today):
    case = benefit_signal.case
    arrangement = propose(case.pk, consultant)
    case.refresh_from_db()
    assert arrangement.status == A.PROPOSED and case.status == CaseStatus.PICKED_UP
    assert arrangement.first_period == date(2026, 1, 1) and arrangement.due_on > today
    with pytest.raises(ValidationError) as exc:
        gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    assert "akkoord" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=None,
                             legal_basis="iets")  # fmt: skip
    assert set(exc.value.message_dict) == {"consent_on", "legal_basis"}
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-60b")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    arrangement.refresh_from_db()
    assert arrangement.status == A.INSTRUCTED and start.status == "te-versturen"

    assert gb.instructions_deliver() == {"verstuurd": 1, "mislukt": 0}
    [row] = batch_rows(exchange)
    assert row == {
        "opdracht_id": str(start.public_id), "soort": "start", "klantnummer": "K-123456",
        "huur_per_maand": "712.35", "aflossing_per_maand": "48.65", "betalingskenmerk": "EH-778",
        "ontvanger": "Eigen Haard", "eerste_periode": "2026-01", "laatste_periode": "",
    }  # fmt: skip
    start.refresh_from_db()
    assert start.status == "verstuurd" and start.batch == f"opdrachten-{today:%Y-%m-%d}.csv"

    receipt(exchange, "ontvangst-1.csv", (str(start.public_id), "verwerkt", today.isoformat(), ""))
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    arrangement.refresh_from_db()
    case.refresh_from_db()
    start.refresh_from_db()
    assert start.status == "bevestigd"
    assert arrangement.status == A.RUNNING and arrangement.started_on == today
    assert case.status == CaseStatus.INSTRUMENT_DEPLOYED
    assert arrangement.deployment.instrument.code == "geregelde-betaling"
    assert list((exchange / "in" / "verwerkt").glob("*ontvangst-1.csv"))

    gb.arrangement_end(arrangement_id=arrangement.pk, by=consultant, reason="achterstand-ingelopen")
    arrangement.refresh_from_db()
    assert arrangement.status == A.ENDED and arrangement.ended_on == today
    deployment = InstrumentDeployment.objects.get(pk=arrangement.deployment_id)
    assert deployment.ended_on == today and not deployment.ended_by_tenant
    gb.instructions_deliver()
    stop = batch_rows(exchange)[-1]
    assert stop["soort"] == "stop" and stop["laatste_periode"] == f"{today:%Y-%m}"

    steps = list(ArrangementChange.objects.filter(arrangement=arrangement)
                 .values_list("from_status", "to_status", "by_id"))  # fmt: skip
    assert steps == [
        ("", A.PROPOSED, consultant.pk), (A.PROPOSED, A.AGREED, consultant.pk),
        (A.AGREED, A.INSTRUCTED, consultant.pk), (A.INSTRUCTED, A.RUNNING, None),
        (A.RUNNING, A.ENDED, consultant.pk),
    ]  # fmt: skip
    names = set(ProcessingLogEntry.objects.values_list("name", flat=True))
    assert {"arrangement.propose", "arrangement.instruct", "income_instruction.deliver",
            "income_receipt.read", "arrangement.end"} <= names  # fmt: skip


def test_a_stop_by_the_tenant_is_recorded_as_such(benefit_signal, consultant, exchange, today):
    arrangement = running(benefit_signal, consultant, exchange, today)
    gb.arrangement_end(arrangement_id=arrangement.pk, by=consultant, reason="verzoek-huurder")
    deployment = InstrumentDeployment.objects.get(pk=arrangement.deployment_id)
    assert deployment.ended_by_tenant and deployment.ended_on == today


def test_a_receipt_for_an_unknown_or_confirmed_instruction_is_refused_whole(
    benefit_signal, consultant, exchange, today
):
    arrangement = running(benefit_signal, consultant, exchange, today)
    start = arrangement.instructions.get(kind="start")
    change = gb.arrangement_change(arrangement_id=arrangement.pk, by=consultant,
                                   rent_amount="730,00", from_period=date(2026, 3, 1))  # fmt: skip
    gb.instructions_deliver()
    assert batch_rows(exchange)[-1]["soort"] == "wijziging"
    unknown = "0f1e2d3c-4b5a-4968-8776-655443322110"
    receipt(exchange, "ontvangst-2.csv",
            (str(change.public_id), "verwerkt", today.isoformat(), ""),
            (unknown, "verwerkt", today.isoformat(), ""),
            (str(start.public_id), "verwerkt", today.isoformat(), ""))  # fmt: skip
    assert gb.income_receipts_read() == {"verwerkt": 0, "geweigerd": 1}
    refused = IncomeReceipt.objects.get(name="ontvangst-2.csv")
    assert not refused.accepted
    assert "er is niets gewijzigd" in refused.message
    assert f"Regel 3: opdracht {unknown} is onbekend" in refused.message
    assert f"Regel 4: opdracht {start.public_id} is al bevestigd" in refused.message
    change.refresh_from_db()
    assert change.status == "verstuurd"  # nothing changed, also not the valid first line
    [put_away] = (exchange / "in" / "geweigerd").glob("*ontvangst-2.csv")
    assert "onbekend" in put_away.with_name(put_away.name + ".fout.txt").read_text()
    # A file that cannot be read says where.
    receipt(exchange, "ontvangst-3.csv", (str(change.public_id), "misschien", "gisteren", ""))
    gb.income_receipts_read()
    assert "Regel 2: resultaat moet" in IncomeReceipt.objects.get(name="ontvangst-3.csv").message


def test_a_refused_start_goes_back_to_agreed(benefit_signal, consultant, exchange, today):
    arrangement = propose(benefit_signal.case_id, consultant)
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-vrijwillig")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    gb.instructions_deliver()
    receipt(exchange, "r.csv", (str(start.public_id), "afgewezen", today.isoformat(),
                                "klantnummer onbekend"))  # fmt: skip
    gb.income_receipts_read()
    arrangement.refresh_from_db()
    start.refresh_from_db()
    assert arrangement.status == A.AGREED and start.status == "afgewezen"
    assert start.answer == "klantnummer onbekend"
    assert "klantnummer onbekend" in arrangement.history.last().reason


def test_delivery_is_retried_and_never_twice(benefit_signal, consultant, exchange, today):
    arrangement = propose(benefit_signal.case_id, consultant)
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-57")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    (exchange / "uit").write_text("geen map")  # the other side is "down"
    assert gb.instructions_deliver() == {"verstuurd": 0, "mislukt": 1}
    start.refresh_from_db()
    assert start.status == "te-versturen" and start.attempts == 1
    assert "niet beschikbaar" in start.last_error and start.next_attempt_at is not None
    (exchange / "uit").unlink()
    IncomeInstruction.objects.filter(pk=start.pk).update(next_attempt_at=start.created_at)
    assert gb.instructions_deliver() == {"verstuurd": 1, "mislukt": 0}
    # Delivered but not recorded (a crash in between): the adapter does not write it again.
    IncomeInstruction.objects.filter(pk=start.pk).update(status="te-versturen")
    assert gb.instructions_deliver() == {"verstuurd": 1, "mislukt": 0}
    assert [r["opdracht_id"] for r in batch_rows(exchange)] == [str(start.public_id)]


def test_only_the_income_team_and_regie_of_the_municipality_act(
    benefit_signal, consultant, users, exchange, covenant
):
    for who in ("centram", "eigen-haard", "beleid", "diemen-regie", "privacy"):
        with pytest.raises(PermissionDenied):
            propose(benefit_signal.case_id, users[who])
    arrangement = propose(benefit_signal.case_id, users["regie"])  # regie may
    assert arrangement.organisation == covenant["gemeente-amsterdam"]
    with pytest.raises(ValidationError):
        propose(benefit_signal.case_id, consultant)  # one open arrangement per case


def test_bad_terms_are_refused_per_field(benefit_signal, consultant):
    with pytest.raises(ValidationError) as exc:
        propose(benefit_signal.case_id, consultant, client_number="=1+2", rent_amount="veel",
                payment_reference="", first_period=None)  # fmt: skip
    assert set(exc.value.message_dict) == {"client_number", "rent_amount", "payment_reference",
                                           "first_period"}  # fmt: skip
    assert not Arrangement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_outbox_survives_a_killed_worker_and_delivers_once(tmp_path, covenant, users, today):
    """kill -9 of the worker after the adapter wrote the instruction but before it was recorded
    as delivered; after a restart it is delivered once: one line in the batch, marked sent."""
    import os
    import subprocess
    import sys
    from datetime import timedelta
    from pathlib import Path

    from django.utils import timezone

    from meldpunt.operations.models import JobRun, ScheduledJob
    from meldpunt.operations.services import scheduled_jobs_sync

    from .test_operations_scheduler import _database_url

    consultant = user_create(email="inkomen@test.example", organisation=covenant["gemeente-amsterdam"],
                             roles=["inkomensconsulent"], password=PASSWORD)  # fmt: skip
    LocalRegistryRecord.objects.create(
        person_index=person_key("Uitkering", "", date(1970, 1, 1)), benefit_recipient=True
    )
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data(achternaam="Uitkering", geboortedatum="1970-01-01"))  # fmt: skip
    arrangement = propose(signal.case_id, consultant)
    gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                         legal_basis="pw-art-60b")  # fmt: skip
    start = gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
    scheduled_jobs_sync()
    ScheduledJob.objects.update(enabled=False)  # only the outbox job runs in these workers
    job = ScheduledJob.objects.get(name="deliver-income-instructions")
    ScheduledJob.objects.filter(pk=job.pk).update(
        enabled=True, next_run_at=timezone.now() - timedelta(minutes=1)
    )
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(root),
        "MELDPUNT_INCOME_ADMINISTRATION": "tests.income_adapters.BlockingFileIncomeAdministration",
        "MELDPUNT_INCOME_FILE_DIR": str(tmp_path),
    }
    worker = [str(Path(sys.executable).parent / "meldpunt"), "run-worker", "--backend", "database",
              "--no-reload", "--no-startup-delay", "--interval", "0.2"]  # fmt: skip
    first = subprocess.Popen(worker, env={**env, "MELDPUNT_TEST_DELIVER_BLOCK": "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        assert first.stdout.readline().strip() == "DELIVERED", "the worker did not deliver"
    finally:
        first.kill()  # SIGKILL: written to the batch, not recorded as delivered
        first.wait(timeout=30)
        first.stdout.close()
    start.refresh_from_db()
    assert start.status == "te-versturen"
    assert len(batch_rows(tmp_path)) == 1

    # The job's lease runs out; a restarted worker runs the outbox again.
    ScheduledJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    restarted = subprocess.run([*worker, "--once"], env=env, capture_output=True, text=True,
                               timeout=120)  # fmt: skip
    assert restarted.returncode == 0, restarted.stderr
    start.refresh_from_db()
    assert start.status == "verstuurd" and start.batch.startswith("opdrachten-")
    assert [r["opdracht_id"] for r in batch_rows(tmp_path)] == [str(start.public_id)]
    assert list(JobRun.objects.filter(job=job).order_by("id").values_list("status", flat=True)) == [
        "afgebroken",
        "geslaagd",
    ]


def test_geregelde_betaling_counts_in_the_kpis(benefit_signal, consultant, exchange, users,
                                               clients, covenant, today, settings):  # fmt: skip
    """Started (the total), still running, ended per reason, arrears cleared: for beleid, never
    per partner."""
    from meldpunt.reporting.figures import figures_refresh
    from meldpunt.reporting.kpis import dashboard

    settings.MELDPUNT_SUPPRESSION_K = 1
    first = running(benefit_signal, consultant, exchange, today)
    LocalRegistryRecord.objects.create(
        person_index=person_key("Tweede", "", date(1975, 2, 2)), benefit_recipient=True
    )
    second = signal_submit(
        partner=covenant["ymere"], submitted_by=users["ymere"],
        raw=signal_data(partner_referentie="Y-2", achternaam="Tweede", geboortedatum="1975-02-02",
                        postcode="1021 JK", huisnummer="3"),
    )  # fmt: skip
    other = running(second, consultant, exchange, today)
    gb.arrangement_end(arrangement_id=first.pk, by=consultant, reason="achterstand-ingelopen")
    figures_refresh(months=1, today=today)
    table = dashboard(users["beleid"], start=today.replace(day=1), end=today).table(
        "geregelde-betaling"
    )
    cells = dict(zip(table.columns, table.column_totals, strict=True))
    assert table.total == 2  # started
    assert cells["loopt"] == 1 and cells["beëindigd: achterstand ingelopen"] == 1
    assert cells["beëindigd: op verzoek van de huurder"] == 0
    assert other.status == A.RUNNING
    headline = dashboard(users["beleid"], start=today.replace(day=1), end=today).headline
    assert (headline["geregeld_started"], headline["geregeld_running"],
            headline["geregeld_arrears_cleared"]) == (2, 1, 1)  # fmt: skip
    page = clients["beleid"].get(reverse("reporting:dashboard")).content.decode()
    assert "Geregelde betaling gestart" in page and "waarvan beëindigd omdat de achterstand" in page
    # A landlord's own figures have no such table: it never learns why it ended.
    partner = dashboard(users["eigen-haard"], start=today.replace(day=1), end=today)
    assert "geregelde-betaling" not in {t.slug for t in partner.tables}
    assert "geregeld_started" not in partner.headline
    page = clients["eigen-haard"].get(reverse("reporting:dashboard")).content.decode()
    assert "Geregelde betaling" not in page


def test_the_case_and_the_arrangement_share_one_transition_mechanism():
    """One TransitionTable for both status machines: complete by construction, one refusal."""
    from meldpunt.cases.workflow import (
        ARRANGEMENT_FLOW,
        CASE_FLOW,
        ArrangementStatus,
        CaseStatus,
        TransitionTable,
    )

    assert CASE_FLOW.allows(CaseStatus.ASSIGNED, CaseStatus.PICKED_UP)
    assert not ARRANGEMENT_FLOW.allows(A.PROPOSED, A.RUNNING)
    with pytest.raises(ValidationError) as exc:
        ARRANGEMENT_FLOW.check(A.ENDED, A.RUNNING, subject="Deze geregelde betaling")
    assert exc.value.messages == ["Deze geregelde betaling kan niet van 'Beëindigd' naar 'Loopt'."]
    with pytest.raises(ValueError, match="missing rows"):
        TransitionTable(ArrangementStatus, {A.PROPOSED: {A.AGREED}})
    with pytest.raises(ValueError, match="unknown statuses"):
        TransitionTable(CaseStatus, {**CASE_FLOW.moves, CaseStatus.CLOSED: {"heropend"}})
