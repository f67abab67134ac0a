"""The processing log is append-only and hash-chained; the verifier finds tampering (issue #5).

Each tamper case changes the database the way an attacker with SQL access would (raw SQL, not
the ORM) and asserts that ``verify-processing-log`` exits non-zero and says what and where.
"""

from __future__ import annotations

import io
import itertools
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meldpunt.privacy import chain
from meldpunt.privacy.models import (
    GENESIS_HASH,
    AppendOnlyError,
    ProcessingActivity,
    ProcessingLogChain,
    ProcessingLogEntry,
    ProcessingLogPruning,
)
from meldpunt.privacy.services import (
    Processing,
    processing_log_prune,
    processing_log_record,
    processing_log_record_many,
    record_reads,
)

pytestmark = pytest.mark.django_db
TABLE = ProcessingLogEntry._meta.db_table
HEAD = ProcessingLogChain._meta.db_table


def _log(actor, count: int = 5, activity: str = "triage") -> list[ProcessingLogEntry]:
    return processing_log_record_many(
        actor=actor,
        activity=activity,
        action="read",
        name="case.view",
        items=[
            Processing(str(uuid.uuid4()), "case", uuid.uuid4(), ("person",)) for _ in range(count)
        ],
    )


def verify(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-processing-log", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue()
    return 0, out.getvalue()


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def logged(users):
    return _log(users["regie"])


def test_an_untouched_chain_verifies(logged):
    code, output = verify()
    assert code == 0, output
    assert "5 records gecontroleerd" in output
    entries = list(ProcessingLogEntry.objects.all())
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.entry_hash
    head = ProcessingLogChain.objects.get()
    assert (head.length, head.last_hash) == (5, entries[-1].entry_hash)


def test_records_from_views_and_services_join_the_same_chain(logged, users):
    processing_log_record(
        actor=users["centram"],
        activity="outreach",
        action="read",
        name="case.view",
        subject_id=str(uuid.uuid4()),
        object_type="case",
        object_id="x",
    )
    _log(users["regie"], 3)
    assert ProcessingLogEntry.objects.count() == 9
    assert verify()[0] == 0


def _swap_sequences(a: int, b: int) -> None:
    sql(f"UPDATE {TABLE} SET sequence = 0 WHERE sequence = %s", a)
    sql(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", a, b)
    sql(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = 0", b)


def _insert_copy(source_sequence: int, new_sequence: int) -> None:
    columns = [
        f.column
        for f in ProcessingLogEntry._meta.concrete_fields
        if f.column not in ("id", "sequence")
    ]
    names = ", ".join(columns)
    sql(
        f"INSERT INTO {TABLE} ({names}, sequence) SELECT {names}, %s FROM {TABLE} "
        "WHERE sequence = %s",
        new_sequence,
        source_sequence,
    )


def _insert_forged_in_middle(position: int) -> None:
    """An insider with the key forges a valid-looking record and shifts the rest up."""
    sql(f"UPDATE {TABLE} SET sequence = sequence + 1000 WHERE sequence >= %s", position)
    sql(f"UPDATE {TABLE} SET sequence = sequence - 999 WHERE sequence >= 1000")
    previous = ProcessingLogEntry.objects.get(sequence=position - 1)
    forged = ProcessingLogEntry(
        **{
            f.attname: getattr(previous, f.attname)
            for f in ProcessingLogEntry._meta.concrete_fields
            if f.attname != "id"
        }
    )
    forged.data_subject_id = "forged"
    chain.seal([forged], after_sequence=position - 1, after_hash=previous.entry_hash)
    ProcessingLogEntry.objects.bulk_create([forged])


def _truncate_and_rewrite_head() -> None:
    fourth = ProcessingLogEntry.objects.get(sequence=4)
    sql(f"DELETE FROM {TABLE} WHERE sequence = 5")
    sql(f"UPDATE {HEAD} SET length = 4, last_hash = %s", fourth.entry_hash)


TAMPER_CASES = {
    # kind of tampering: (how, expected finding kinds, expected position)
    "changed-name": (
        lambda: sql(f"UPDATE {TABLE} SET name = 'x' WHERE sequence = 3"),
        {"gewijzigd"},
        3,
    ),
    "changed-subject": (
        lambda: sql(f"UPDATE {TABLE} SET data_subject_id = 'ander' WHERE sequence = 2"),
        {"gewijzigd"},
        2,
    ),
    "changed-time": (
        lambda: sql(
            f"UPDATE {TABLE} SET end_time = %s WHERE sequence = 4",
            timezone.now() - timedelta(days=1),
        ),
        {"gewijzigd"},
        4,
    ),
    "changed-actor": (
        lambda: sql(f"UPDATE {TABLE} SET actor_id = NULL WHERE sequence = 1"),
        {"gewijzigd"},
        1,
    ),
    "changed-fields": (
        lambda: sql(f"UPDATE {TABLE} SET fields = '[]' WHERE sequence = 5"),
        {"gewijzigd"},
        5,
    ),
    "deleted-middle": (
        lambda: sql(f"DELETE FROM {TABLE} WHERE sequence = 3"),
        {"verwijderd", "schakel"},
        3,
    ),
    "deleted-first": (
        lambda: sql(f"DELETE FROM {TABLE} WHERE sequence = 1"),
        {"verwijderd", "schakel"},
        1,
    ),
    "deleted-last": (lambda: sql(f"DELETE FROM {TABLE} WHERE sequence = 5"), {"verwijderd"}, 5),
    "inserted-copy-at-end": (lambda: _insert_copy(2, 6), {"gewijzigd", "schakel"}, 6),
    "inserted-before-start": (lambda: _insert_copy(2, 0), {"gewijzigd", "volgorde", "schakel"}, 0),
    "inserted-forged-in-middle": (lambda: _insert_forged_in_middle(3), {"schakel", "gewijzigd"}, 4),
    "swapped-order": (lambda: _swap_sequences(2, 3), {"gewijzigd", "schakel"}, 2),
    "changed-hash": (
        lambda: sql(f"UPDATE {TABLE} SET entry_hash = %s WHERE sequence = 3", "f" * 64),
        {"gewijzigd", "schakel"},
        3,
    ),
    "changed-prev-hash": (
        lambda: sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE sequence = 3", "e" * 64),
        {"gewijzigd", "schakel"},
        3,
    ),
    "changed-head": (lambda: sql(f"UPDATE {HEAD} SET last_hash = %s", "d" * 64), {"kop"}, 5),
    "deleted-head": (lambda: sql(f"DELETE FROM {HEAD}"), {"kop-ontbreekt"}, None),
}


@pytest.mark.parametrize("case", sorted(TAMPER_CASES))
def test_tampering_is_detected(case, logged):
    tamper, kinds, position = TAMPER_CASES[case]
    assert verify()[0] == 0
    tamper()
    code, output = verify()
    assert code == 2
    assert "verwerkingslog gemanipuleerd" not in output  # the error itself goes to the exit
    for kind in kinds:
        assert f"[{kind}]" in output, output
    if position is not None:
        assert f"positie {position}" in output, output


def test_a_truncated_tail_with_rewritten_head_is_caught_by_an_anchor(logged):
    code, output = verify()
    anchor = output.split("--anchor ")[1].split()[0]
    _truncate_and_rewrite_head()
    assert verify()[0] == 0  # the chain alone cannot see this: that is what anchors are for
    code, output = verify("--anchor", anchor)
    assert code == 2 and "[anker] positie 5" in output


def test_the_tamper_case_count(logged):
    # The figure reported in the issue note: tamper cases the verifier detects.
    assert len(TAMPER_CASES) + 1 == 17


def test_the_orm_refuses_updates_and_deletes(logged):
    entry = ProcessingLogEntry.objects.first()
    entry.name = "other"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).update(name="other")
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.bulk_update([entry], ["name"])
    unsealed = ProcessingLogEntry(name="x")
    with pytest.raises(AppendOnlyError):
        unsealed.save()
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.bulk_create([unsealed])
    assert verify()[0] == 0


def test_records_of_a_rolled_back_transaction_leave_no_hole(users):
    from django.db import transaction

    _log(users["regie"], 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _log(users["regie"], 2)
        raise RuntimeError
    _log(users["regie"], 2)
    assert list(ProcessingLogEntry.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert verify()[0] == 0


def test_bulk_logging_is_one_lock_and_bulk_inserts(users):
    items = [Processing(str(i), "signal", i) for i in range(1000)]
    with CaptureQueriesContext(connection) as queries:
        processing_log_record_many(
            actor=users["regie"], activity="intake", action="create", name="import", items=items
        )
    # an executemany is captured once, as "N times: INSERT ..."
    statements = [
        q["sql"].split(" times: ")[-1].split()[0].upper() for q in queries.captured_queries
    ]
    # one head lock + one register look-up, one head update, inserts in the largest batches
    # the database allows (SQLite caps bound parameters), nothing per record
    assert statements.count("SELECT") == 2
    assert statements.count("UPDATE") == 1
    assert statements.count("INSERT") <= 1000 // 40  # PostgreSQL: one COPY, not captured
    assert ProcessingLogEntry.objects.count() == 1000
    assert verify()[0] == 0


def test_the_bulk_template_hashes_exactly_like_the_canonical_form(users):
    """Bulk batches are hashed from a template; odd values must give the same bytes."""
    odd = ['kwo"te', "back\\slash", "ëxtra", "tab\there", "regel\nnieuw"]
    items = [
        Processing(
            odd[i % len(odd)] if i % 7 == 0 else str(uuid.uuid4()),
            "huurder" if i % 3 else "medebewoner",
            odd[i % len(odd)] if i % 11 == 0 else i,
            ("achternaam", "postcode") if i % 2 else ("ëmail",),
            "huurder" if i % 5 else "huishouden",
        )
        for i in range(150)
    ]
    processing_log_record_many(
        actor=users["regie"], activity="intake", action="create", name="import", items=items
    )
    entries = list(ProcessingLogEntry.objects.order_by("sequence"))
    assert len(entries) == 150
    assert {e.data_subject_type for e in entries} == {"huurder", "huishouden"}
    for entry in entries:
        assert entry.entry_hash == chain.entry_hash(entry)
    assert verify()[0] == 0


# What a record says, without where it sits in the chain or when and in which span it was made.
_CONTENT = ("name", "action", "status", "processing_activity_id", "data_subject_id",
            "data_subject_type", "actor_id", "actor_organisation_id", "object_type", "object_id",
            "fields")  # fmt: skip


def test_the_batch_reader_writes_what_single_writes_would_in_one_insert(users, logged):
    """A list page's reads (``record_reads``): one record per subject, equal to the records of
    one ``processing_log_record`` each, joining the same chain; one insert, nothing read back."""
    odd = ['kwo"te', "ëxtra", "regel\nnieuw"]
    items = [
        Processing(
            odd[i % 3] if i % 4 == 0 else str(uuid.uuid4()),
            "case" if i % 2 else "signal",
            uuid.uuid4() if i % 3 else odd[i % 3],
            ("name", "address") if i % 2 else ("name",),
            "huurder" if i % 5 else "medehuurder",
        )
        for i in range(12)
    ]
    regie = users["regie"]
    for item in items:
        processing_log_record(actor=regie, activity="outreach", action="read", name="case.list",
                              subject_id=item.subject_id, object_type=item.object_type,
                              object_id=item.object_id, fields=item.fields,
                              subject_type=item.subject_type)  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        written = record_reads(actor=regie, activity="outreach", name="case.list", items=items)
    assert written == len(items)
    entries = list(ProcessingLogEntry.objects.order_by("sequence"))
    single, batch = entries[5 : 5 + len(items)], entries[5 + len(items) :]
    assert len(batch) == len(items)
    assert [[getattr(e, f) for f in _CONTENT] for e in batch] == [
        [getattr(e, f) for f in _CONTENT] for e in single
    ]
    assert [e.sequence for e in batch] == list(range(6 + len(items), 6 + 2 * len(items)))
    assert batch[0].prev_hash == single[-1].entry_hash
    assert len({e.span_id for e in batch}) == len(items)
    assert all(e.entry_hash == chain.entry_hash(e) for e in batch)
    code, output = verify()
    assert code == 0, output
    assert ProcessingLogChain.objects.get().length == 5 + 2 * len(items)
    statements = [
        q["sql"].split(" times: ")[-1].split()[0].upper() for q in queries.captured_queries
    ]
    # the head lock with the register look-up in it, one insert (PostgreSQL: a COPY, not
    # captured), the head's update: nothing per record and nothing read back
    assert statements.count("SELECT") == 1 and statements.count("UPDATE") == 1
    assert statements.count("INSERT") == (0 if connection.vendor == "postgresql" else 1)
    assert record_reads(actor=regie, activity="outreach", name="case.list", items=[]) == 0
    assert ProcessingLogChain.objects.get().length == 5 + 2 * len(items)


def test_the_batch_reader_starts_the_chain_and_refuses_an_unknown_activity(users):
    """After a flush there is no chain head yet: the first page of reads makes it. An activity
    missing from the register is refused, and nothing is written."""
    ProcessingLogChain.objects.all().delete()
    items = [Processing(str(uuid.uuid4()), "case", uuid.uuid4(), ("name",)) for _ in range(3)]
    with pytest.raises(ProcessingActivity.DoesNotExist):
        record_reads(actor=users["regie"], activity="no-such-activity", name="x", items=items)
    assert not ProcessingLogEntry.objects.exists()
    assert record_reads(actor=users["regie"], activity="outreach", name="x", items=items) == 3
    assert ProcessingLogChain.objects.get().length == 3
    assert verify()[0] == 0


def test_retention_prunes_the_oldest_records_by_the_logged_path_only(users, logged):
    cut = timezone.now()
    later = _log(users["regie"], 2)
    pruning = processing_log_prune(before=cut, reason="bewaartermijn verwerkingslog")
    assert pruning is not None and pruning.count == 5
    assert (pruning.first_sequence, pruning.last_sequence) == (1, 5)
    assert pruning.anchor_hash == logged[-1].entry_hash
    assert list(ProcessingLogEntry.objects.values_list("sequence", flat=True)) == [6, 7]
    assert later[0].prev_hash == pruning.anchor_hash
    code, output = verify()
    assert code == 0, output
    assert processing_log_prune(before=cut, reason="nogmaals") is None
    assert ProcessingLogPruning.objects.count() == 1


def test_a_record_put_back_before_the_pruned_point_is_detected(users, logged):
    processing_log_prune(before=timezone.now(), reason="test")
    _log(users["regie"], 1)
    _insert_copy(6, 3)
    code, output = verify()
    assert code == 2 and "[volgorde] positie 3" in output


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot be shared by threads; on SQLite the "
    "IMMEDIATE transaction mode serialises all writers at BEGIN",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(covenant):
    from meldpunt.accounts.services import user_create

    actor = user_create(
        email="regie-concurrent@test.example",
        organisation=covenant["gemeente-amsterdam"],
        roles=["regie"],
    )
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(10):
                _log(actor, 3)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    sequences = list(ProcessingLogEntry.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 121))
    code, output = verify()
    assert code == 0, output


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_records_written_before_the_chain_existed():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("privacy", "0002_register_seed")])
    old_apps = executor.loader.project_state([("privacy", "0002_register_seed")]).apps
    Activity = old_apps.get_model("privacy", "ProcessingActivity")
    Entry = old_apps.get_model("privacy", "ProcessingLogEntry")
    activity = Activity.objects.get(code="intake", is_current=True)
    now = timezone.now()
    for i in range(3):
        Entry.objects.create(
            trace_id="a" * 32,
            span_id="b" * 16,
            name="signal.submit",
            start_time=now,
            end_time=now,
            action="create",
            processing_activity=activity,
            data_subject_id=str(i),
            object_type="signal",
            object_id=str(i),
            fields=["achternaam"],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(ProcessingLogEntry.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    code, output = verify()
    assert code == 0, output
    assert ProcessingLogChain.objects.get().length == 3


def test_the_public_writer_signatures_are_unchanged():
    """Other apps call these; the chain must not change how they are called."""
    import inspect

    assert list(inspect.signature(processing_log_record).parameters) == [
        "actor",
        "activity",
        "action",
        "name",
        "subject_id",
        "object_type",
        "object_id",
        "fields",
        "subject_type",
        "started_at",
        "status",
    ]
    assert list(inspect.signature(processing_log_record_many).parameters) == [
        "actor",
        "activity",
        "action",
        "name",
        "items",
        "started_at",
        "status",
    ]
    assert list(inspect.signature(record_reads).parameters) == [
        "actor",
        "activity",
        "name",
        "items",
        "started_at",
    ]
