"""Case work: pick up, contact attempts, notes, instruments, events, closing (issue #4)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from meldpunt.accounts.services import user_create
from meldpunt.cases.models import (
    AppendOnlyError,
    Case,
    CaseNote,
    CaseStatusChange,
    ContactAttempt,
    Instrument,
    InstrumentDeployment,
    InstrumentEvent,
    Track,
)
from meldpunt.cases.services import (
    StaleCaseError,
    case_assign,
    case_close,
    case_note_add,
    case_pick_up,
    case_transition,
    contact_attempt_record,
    instrument_deploy,
    instrument_event_record,
    landlord_instrument_event_record,
    landlord_instrument_record,
)
from meldpunt.cases.vocabulary import ContactKind, PartOfDay, SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import PASSWORD, signal_data
from .reference import DDAS_V12, reference_json

pytestmark = pytest.mark.django_db

DDAS_CONTACT_KINDS = [
    "Administratief", "Afspraak op locatie", "Brief", "Huisbezoek", "Kaartje", "Mail",
    "Onbekend", "Overige", "SMS/Whatsapp", "Telefoon",
]  # fmt: skip


def make_case(covenant, users, *, ref="EH-1", provider="centram"):
    signal = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie=ref),
    )
    case_assign(
        case_id=signal.case_id,
        provider=covenant[provider],
        track=Track.VROEG_EROPAF,
        by=users["regie"],
    )
    return signal


@pytest.fixture
def signal(covenant, users):
    return make_case(covenant, users)


def test_ddas_vocabularies_are_exact():
    from meldpunt.cases.vocabulary import END_RESULTS

    assert ContactKind.values == DDAS_CONTACT_KINDS
    assert PartOfDay.values == ["Ochtend", "Middag", "Avond"]
    defs = reference_json(DDAS_V12 / "json_schema_Uitwisselmodel.json")["$defs"]
    assert ContactKind.values == defs["EnumContactsoort"]["enum"]
    assert PartOfDay.values == defs["EnumDagdeel"]["enum"]
    assert set(defs["EnumEindresultaat"]["enum"]) == END_RESULTS


def test_pick_up_records_datum_opgepakt_and_history(signal, users, today):
    case = case_pick_up(case_id=signal.case_id, by=users["centram"])
    assert case.status == CaseStatus.PICKED_UP and case.picked_up_on == today
    history = [h.to_status for h in case.history.all()]
    assert history[0] == "ontvangen" and history[-1] == "opgepakt"
    assert history.count("opgepakt") == 1
    assert ProcessingLogEntry.objects.filter(name="case.pick_up").count() == 1


def test_other_provider_and_landlord_cannot_work_the_case(signal, users):
    for key in ("doras", "eigen-haard", "beleid"):
        with pytest.raises(PermissionDenied):
            case_pick_up(case_id=signal.case_id, by=users[key])


def test_first_attempt_picks_up_and_reaching_moves_to_in_contact(signal, users, today):
    attempt = contact_attempt_record(
        case_id=signal.case_id,
        by=users["centram"],
        kind="Telefoon",
        reached=False,
        on=today,
        part_of_day="Ochtend",
    )
    assert attempt.organisation.slug == "centram"
    case = Case.objects.get(pk=signal.case_id)
    assert case.status == CaseStatus.PICKED_UP and case.picked_up_on == today
    contact_attempt_record(
        case_id=signal.case_id,
        by=users["centram"],
        kind="Huisbezoek",
        reached=True,
        on=today,
        part_of_day="Avond",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CONTACT
    assert ProcessingLogEntry.objects.filter(name="contact_attempt.record").count() == 2


def test_bad_attempt_gives_dutch_errors_per_field_and_saves_nothing(signal, users, today):
    with pytest.raises(ValidationError) as exc:
        contact_attempt_record(
            case_id=signal.case_id,
            by=users["centram"],
            kind="Duif",
            reached=False,
            on=today + timedelta(days=1),
            part_of_day="Nacht",
        )
    assert set(exc.value.message_dict) == {"kind", "on", "part_of_day"}
    assert "toekomst" in exc.value.message_dict["on"][0]
    assert not ContactAttempt.objects.exists()
    assert Case.objects.get(pk=signal.case_id).status == CaseStatus.ASSIGNED


def test_notes_are_encrypted_at_rest(signal, users):
    case_note_add(case_id=signal.case_id, by=users["centram"], text="Schuld bij energiebedrijf")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote")
        raw = bytes(cursor.fetchone()[0])
    assert b"energiebedrijf" not in raw
    assert CaseNote.objects.get().text == "Schuld bij energiebedrijf"


def test_instrument_catalogue_is_seeded_with_who_may_deploy():
    catalogue = {i.code: i for i in Instrument.objects.all()}
    assert len(catalogue) >= 13
    assert catalogue["betalingsregeling-verhuurder"].allowed_organisation_types == ["partner"]
    assert catalogue["geregelde-betaling"].allowed_organisation_types == ["gemeente"]
    assert catalogue["geregelde-betaling"].has_monthly_amount
    assert catalogue["vroeg-eropaf"].counts_through_attempts
    assert "uitvoerder" in catalogue["schuldhulpverlening"].allowed_organisation_types


def test_provider_deploys_and_records_events(signal, users, today):
    budget = Instrument.objects.get(code="budgetbeheer")
    deployment = instrument_deploy(
        case_id=signal.case_id,
        by=users["centram"],
        instrument=budget,
        deployed_on=today,
        agreements="Huur eerst",
        first_due_on=today,
    )
    case = Case.objects.get(pk=signal.case_id)
    assert case.status == CaseStatus.INSTRUMENT_DEPLOYED
    instrument_event_record(
        case_id=case.pk, by=users["centram"], kind="nagekomen", on=today,
        deployment_id=deployment.pk,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING
    instrument_event_record(case_id=case.pk, by=users["centram"], kind="geweigerd", on=today)
    assert InstrumentEvent.objects.count() == 2


def test_provider_cannot_deploy_landlord_instrument(signal, users, today):
    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    with pytest.raises(ValidationError) as exc:
        instrument_deploy(case_id=signal.case_id, by=users["centram"], instrument=plan,
                          deployed_on=today)  # fmt: skip
    assert "instrument" in exc.value.message_dict


def test_broken_event_needs_an_instrument(signal, users, today):
    with pytest.raises(ValidationError) as exc:
        instrument_event_record(case_id=signal.case_id, by=users["centram"], kind="verbroken",
                                on=today)  # fmt: skip
    assert "deployment" in exc.value.message_dict


def test_landlord_records_own_plan_for_its_own_tenancy_only(signal, users, covenant, today):
    plan = Instrument.objects.get(code="betalingsregeling-verhuurder")
    terms = {"agreements": "4 termijnen van € 300", "first_due_on": today - timedelta(days=1)}
    deployment = landlord_instrument_record(
        tenancy_id=signal.tenancy_id, by=users["eigen-haard"], instrument=plan,
        deployed_on=today - timedelta(days=10), **terms,
    )  # fmt: skip
    # It belongs to the tenancy, never to the provider's case.
    assert deployment.tenancy_id == signal.tenancy_id and deployment.case_id is None
    # Ymere cannot use Eigen Haard's tenancy.
    with pytest.raises(PermissionDenied):
        landlord_instrument_record(
            tenancy_id=signal.tenancy_id, by=users["ymere"], instrument=plan, deployed_on=today,
            **terms,
        )  # fmt: skip
    # A landlord may not deploy a provider's instrument.
    with pytest.raises(ValidationError):
        landlord_instrument_record(
            tenancy_id=signal.tenancy_id,
            by=users["eigen-haard"],
            instrument=Instrument.objects.get(code="schuldhulpverlening"),
            deployed_on=today,
            **terms,
        )
    # Without terms and a first due date the plan is not demonstrable: refused, nothing saved.
    with pytest.raises(ValidationError) as exc:
        landlord_instrument_record(
            tenancy_id=signal.tenancy_id, by=users["eigen-haard"], instrument=plan,
            deployed_on=today,
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"agreements", "first_due_on"}
    assert InstrumentDeployment.objects.filter(tenancy_id=signal.tenancy_id).count() == 1
    # "Not kept" cannot come before a due date has passed.
    with pytest.raises(ValidationError) as exc:
        landlord_instrument_event_record(
            deployment_id=deployment.pk, by=users["eigen-haard"], kind="verbroken",
            on=today - timedelta(days=5),
        )  # fmt: skip
    assert "eerste vervaldatum" in exc.value.message_dict["on"][0]
    landlord_instrument_event_record(
        deployment_id=deployment.pk, by=users["eigen-haard"], kind="verbroken", on=today
    )
    with pytest.raises(PermissionDenied):
        landlord_instrument_event_record(
            deployment_id=deployment.pk, by=users["ymere"], kind="verbroken", on=today
        )
    with pytest.raises(ValidationError):
        landlord_instrument_event_record(
            deployment_id=deployment.pk, by=users["eigen-haard"], kind="geweigerd", on=today
        )


def test_geregelde_betaling_is_recorded_by_the_income_team(covenant, users, today):
    consultant = user_create(
        email="inkomen@test.example",
        organisation=covenant["gemeente-amsterdam"],
        roles=["inkomensconsulent"],
        password=PASSWORD,
    )
    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    case_assign(case_id=signal.case_id, provider=None, track=Track.GEREGELDE_BETALING,
                by=users["regie"])  # fmt: skip
    assert list(Case.objects.for_user(consultant)) == [signal.case]
    gb = Instrument.objects.get(code="geregelde-betaling")
    with pytest.raises(ValidationError) as exc:
        instrument_deploy(case_id=signal.case_id, by=consultant, instrument=gb,
                          deployed_on=today, monthly_amount="")  # fmt: skip
    assert "monthly_amount" in exc.value.message_dict
    deployment = instrument_deploy(case_id=signal.case_id, by=consultant, instrument=gb,
                                   deployed_on=today, monthly_amount="650,00")  # fmt: skip
    assert deployment.monthly_amount == "650.00"
    # Regie (municipality, no income role) may not record Geregelde betaling.
    with pytest.raises(PermissionDenied):
        instrument_deploy(case_id=signal.case_id, by=users["regie"], instrument=gb,
                          deployed_on=today, monthly_amount="650")  # fmt: skip


def test_close_with_ddas_end_result(signal, users):
    with pytest.raises(ValidationError):
        case_close(case_id=signal.case_id, by=users["centram"], end_result="Klaar")
    case = case_close(
        case_id=signal.case_id, by=users["centram"], end_result="Niet opgepakt: andere reden"
    )
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OTHER_REASON


def test_history_is_append_only(signal):
    change = CaseStatusChange.objects.filter(case_id=signal.case_id).first()
    change.reason = "herschreven"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()


def test_a_stale_transition_is_refused(signal, users):
    """Two caseworkers looked at the case while it was 'toegewezen'; only the first wins."""
    case_pick_up(case_id=signal.case_id, by=users["centram"], expected_status="toegewezen")
    with pytest.raises(StaleCaseError):
        case_close(
            case_id=signal.case_id,
            by=users["centram-teamleider"],
            end_result="Verwijzing zonder tussenkomst inwoner",
            expected_status="toegewezen",
        )
    with pytest.raises(ValidationError):  # a second pick-up is not in the transition table
        case_pick_up(case_id=signal.case_id, by=users["centram-teamleider"])
    history = [h.to_status for h in CaseStatusChange.objects.filter(case_id=signal.case_id)]
    assert history[-1] == "opgepakt" and history.count("opgepakt") == 1
    assert "afgesloten" not in history


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks of PostgreSQL")
def test_two_threads_picking_up_the_same_case_leave_one_history_row(covenant, users):
    from django.db import connections

    signal = make_case(covenant, users)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(user):
        try:
            barrier.wait()
            case_transition(case_id=signal.case_id, to_status="opgepakt", by=user)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(users[k],)) for k in ("centram", "centram-teamleider")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    history = [h.to_status for h in CaseStatusChange.objects.filter(case_id=signal.case_id)]
    assert history[-1] == "opgepakt" and history.count("opgepakt") == 1
    assert "afgesloten" not in history


def test_history_refuses_update_even_past_the_model(signal):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        CaseStatusChange.objects.filter(case_id=signal.case_id).update(reason="herschreven")
    assert not CaseStatusChange.objects.filter(reason="herschreven").exists()


def test_unassigned_case_cannot_be_worked(covenant, users, today):
    signal = signal_submit(partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"],
                           raw=signal_data())  # fmt: skip
    # Whatever intake's routing did, this case waits for triage.
    Case.objects.filter(pk=signal.case_id).update(status="ontvangen", provider=None, track="")
    with pytest.raises(ValidationError) as exc:
        contact_attempt_record(case_id=signal.case_id, by=users["regie"], kind="Brief",
                               reached=False, on=today, part_of_day="Ochtend")  # fmt: skip
    assert "nog niet toegewezen" in exc.value.messages[0]


def test_catalogue_is_ensured_again_after_a_flush_without_touching_existing_rows():
    from meldpunt.cases.catalogue import catalogue_ensure

    Instrument.objects.filter(code="bemoeizorg").update(name="Bemoeizorg (hernoemd)")
    Instrument.objects.filter(code="budgetcoaching").delete()
    catalogue_ensure()
    assert Instrument.objects.get(code="bemoeizorg").name == "Bemoeizorg (hernoemd)"
    assert Instrument.objects.filter(code="budgetcoaching").exists()
