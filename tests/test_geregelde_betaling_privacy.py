# ruff: noqa: F811 - the fixtures of test_geregelde_betaling, imported by name
"""Geregelde betaling and the tenant's rights (issue #15; AVG art. 15, art. 5.1.e): the
arrangement and the instructions to the income administration are in the access-request export,
are forgotten by the retention run, and every read of them is in the processing log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases import income_services as gb
from meldpunt.cases.models import (
    Arrangement,
    ArrangementChange,
    IncomeInstruction,
    InstrumentDeployment,
)
from meldpunt.cases.services import case_close
from meldpunt.cases.workflow import ArrangementStatus as A
from meldpunt.dataprotection.retention import retention_apply
from meldpunt.privacy.models import ProcessingLogEntry, RetentionDeletion

from .conftest import mfa_client
from .test_geregelde_betaling import (  # noqa: F401 - fixtures
    benefit_signal,
    consultant,
    exchange,
    receipt,
    running,
)

pytestmark = pytest.mark.django_db

# Probe values: each must be in the export and gone after retention.
CLIENT, RENT, INSTALMENT, REFERENCE = "K-123456", "712.35", "48.65", "EH-778"
ANSWER = "ingehouden via klantdossier 4711"


def _running_with_answers(benefit_signal, consultant, exchange, today) -> Arrangement:
    arrangement = running(benefit_signal, consultant, exchange, today)
    change = gb.arrangement_change(arrangement_id=arrangement.pk, by=consultant,
                                   rent_amount="730,00", arrears_instalment="48,65",
                                   from_period=today)  # fmt: skip
    gb.instructions_deliver()
    receipt(exchange, "ontvangst-w.csv", (str(change.public_id), "verwerkt", today.isoformat(),
                                          ANSWER))  # fmt: skip
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    arrangement.refresh_from_db()
    return arrangement


def test_the_access_request_export_holds_the_arrangement_and_its_instructions(
    benefit_signal, consultant, exchange, clients, today
):
    arrangement = _running_with_answers(benefit_signal, consultant, exchange, today)
    subject = str(benefit_signal.person.subject_id)
    response = clients["privacy"].post(
        reverse("dataprotection:access-request-export"), {"persoon": subject, "formaat": "json"}
    )
    assert response.status_code == 200
    export = json.loads(response.content)
    [case] = export["zaken"]
    [exported] = case["geregelde_betalingen"]
    assert exported["id"] == str(arrangement.public_id)
    assert exported["klantnummer_inkomensadministratie"] == CLIENT
    assert exported["huur_per_maand"] == "730.00" and exported["aflossing_per_maand"] == INSTALMENT
    assert exported["betalingskenmerk_verhuurder"] == REFERENCE
    assert exported["grondslag"].startswith("Participatiewet art. 60b")
    assert exported["loopt_sinds"] == today.isoformat()
    assert [s["naar"] for s in exported["stappen"]] == [
        A.PROPOSED, A.AGREED, A.INSTRUCTED, A.RUNNING, A.RUNNING, A.RUNNING,
    ]  # fmt: skip
    start, change = exported["opdrachten_inkomensadministratie"]
    assert start["soort"] == "Start inhouding" and start["stand"] == "Bevestigd"
    assert start["opdracht"]["klantnummer"] == CLIENT
    assert start["opdracht"]["huur_per_maand"] == RENT
    assert change["opdracht"]["huur_per_maand"] == "730.00"
    assert change["antwoord_inkomensadministratie"] == ANSWER
    # The export of the arrangement is in the processing log, with the tenant's pseudonym.
    logged = ProcessingLogEntry.objects.filter(
        name="access_request.export.json", object_type="arrangement",
        object_id=str(arrangement.public_id),
    )  # fmt: skip
    assert logged.count() == 1
    assert logged.get().data_subject_id == str(benefit_signal.case.subject_id)


def test_retention_forgets_the_arrangement_and_its_instructions_but_keeps_the_figures(
    benefit_signal, consultant, exchange, today
):
    arrangement = _running_with_answers(benefit_signal, consultant, exchange, today)
    gb.arrangement_end(arrangement_id=arrangement.pk, by=consultant, reason="achterstand-ingelopen")
    gb.instructions_deliver()
    case_close(case_id=benefit_signal.case_id, by=consultant,
               end_result="Vervolghulp en/of verwijzing financieel")  # fmt: skip

    def held() -> str:
        """Everything the Meldpunt holds about the arrangement, decrypted."""
        a = Arrangement.objects.get(pk=arrangement.pk)
        values = [a.client_number, a.rent_amount, a.arrears_instalment, a.payment_reference]
        values += [json.dumps(i.payload) + i.answer for i in IncomeInstruction.objects.all()]
        values += list(ArrangementChange.objects.values_list("reason", flat=True))
        values += [str(d.monthly_amount) for d in InstrumentDeployment.objects.all()]
        return " ".join(str(v) for v in values)

    before = held()
    assert all(probe in before for probe in (CLIENT, RENT, INSTALMENT, REFERENCE, ANSWER))

    with time_machine.travel(timezone.now() + timedelta(days=17 * 31), tick=False):
        retention_apply(trigger="test")
    assert CLIENT in held()  # not yet expired (18 months after closing)

    with time_machine.travel(timezone.now() + timedelta(days=19 * 31), tick=False):
        run = retention_apply(trigger="test")
    after = held()
    assert [probe for probe in (CLIENT, RENT, "730.00", INSTALMENT, REFERENCE, ANSWER)
            if probe in after] == []  # fmt: skip
    a = Arrangement.objects.get(pk=arrangement.pk)
    # What the figures need stays: the steps, the end reason, the month it started and ended.
    assert a.status == A.ENDED and a.end_reason == "achterstand-ingelopen"
    assert a.started_on == today.replace(day=1) and a.ended_on == today.replace(day=1)
    assert ArrangementChange.objects.filter(arrangement=a).count() == 7
    assert all(i.payload == {} for i in IncomeInstruction.objects.all())
    record = RetentionDeletion.objects.get(run=run, object_type="arrangement")
    assert record.object_ids == [str(a.public_id)]
    assert CLIENT not in json.dumps(record.object_ids + record.subject_ids)
    assert ProcessingLogEntry.objects.filter(
        action="delete", object_type="arrangement", object_id=str(a.public_id)
    ).exists()
    # A second run finds nothing new.
    with time_machine.travel(timezone.now() + timedelta(days=19 * 31 + 1), tick=False):
        again = retention_apply(trigger="test")
    assert not RetentionDeletion.objects.filter(run=again, object_type="arrangement").exists()


def test_the_proposal_form_prefill_is_a_logged_read(benefit_signal, consultant, exchange):
    case = benefit_signal.case
    web = mfa_client(consultant)
    page = web.get(reverse("cases:income-arrangement", args=[case.public_id])).content.decode()
    assert 'value="EH-778"' in page  # the landlord's reference, proposed as payment reference
    entry = ProcessingLogEntry.objects.get(name="arrangement.propose_form")
    assert entry.action == "read" and entry.object_type == "signal"
    assert entry.object_id == str(benefit_signal.public_id)
    assert entry.data_subject_id == str(benefit_signal.subject_id)
    assert entry.fields == ["partner_reference"]
    assert entry.actor_organisation_id == consultant.organisation_id


def test_retention_clears_the_exchange_folder_once_the_other_side_answered(
    benefit_signal, consultant, exchange, today
):
    """The batch files hold copies of the instructions: a batch whose every instruction was
    answered goes after the upload-file period (7 days), and so do put-away receipts; a batch
    with an instruction still waiting for its answer stays."""
    import os

    arrangement = running(benefit_signal, consultant, exchange, today)
    change = gb.arrangement_change(arrangement_id=arrangement.pk, by=consultant,
                                   rent_amount="730,00", from_period=today)  # fmt: skip
    gb.instructions_deliver()
    [batch] = (exchange / "uit").glob("opdrachten-*.csv")
    assert CLIENT in batch.read_text()

    def age_everything() -> list:
        old = (timezone.now() - timedelta(days=8)).timestamp()
        files = [batch, *(exchange / "in").rglob("*.*")]
        for path in files:
            if path.is_file():
                os.utime(path, (old, old))
        return [p for p in files if p.is_file() and p != batch]

    age_everything()
    first = retention_apply(trigger="test")
    assert batch.exists()  # the change waits for its answer: the batch stays
    assert RetentionDeletion.objects.get(run=first, object_type="income_exchange_file").count == 1

    receipt(exchange, "ontvangst-w.csv", (str(change.public_id), "verwerkt", today.isoformat(), ""))
    assert gb.income_receipts_read() == {"verwerkt": 1, "geweigerd": 0}
    put_away = age_everything()
    assert put_away
    run = retention_apply(trigger="test")
    assert not batch.exists() and not any(p.exists() for p in put_away)
    record = RetentionDeletion.objects.get(run=run, object_type="income_exchange_file")
    assert f"uit/{batch.name}" in record.object_ids and record.count == 2
    assert record.subject_ids == [str(benefit_signal.case.subject_id)]
    assert CLIENT not in " ".join(record.object_ids)
    assert ProcessingLogEntry.objects.filter(
        name="retention.delete.income_exchange_file", object_type="income_instruction",
        object_id=str(change.public_id),
    ).exists()  # fmt: skip
    again = retention_apply(trigger="test")
    assert not RetentionDeletion.objects.filter(run=again, object_type="income_exchange_file")
