"""Writes of the privacy app: the processing-log writer, retention of the log, the register."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from meldpunt.core.db import db_value, insert_rows
from meldpunt.core.tracing import current_trace_id, new_span_id

from . import chain
from .models import (
    ProcessingActivity,
    ProcessingLogChain,
    ProcessingLogEntry,
    ProcessingLogPruning,
)

logger = logging.getLogger(__name__)


def activity_id(code: str) -> int:
    """Id of the version of a register entry in force now.

    Not cached: a new version made in another process must be used at once, so that each record
    points to the version in force when it was written.
    """
    return ProcessingActivity.objects.values_list("pk", flat=True).get(code=code, is_current=True)


def _chain_head_for_update() -> ProcessingLogChain:
    """Lock the single chain-head row (created on first use, e.g. after a test flush)."""
    head = ProcessingLogChain.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ProcessingLogChain.objects.get_or_create(pk=1)
        head = ProcessingLogChain.objects.select_for_update().get(pk=1)
    return head


def _chain_head_and_activity_for_update(code: str) -> tuple[ProcessingLogChain, int]:
    """``_chain_head_for_update`` and ``activity_id`` in one query (one round trip fewer for
    every page that logs its reads)."""
    current = ProcessingActivity.objects.filter(code=code, is_current=True).values("pk")
    head = (
        ProcessingLogChain.objects.select_for_update(of=("self",))
        .filter(pk=1)
        .annotate(activity_pk=Subquery(current[:1]))
        .first()
    )
    if head is None or head.activity_pk is None:
        return _chain_head_for_update(), activity_id(code)
    return head, head.activity_pk


class Processing(NamedTuple):
    """One processing of one data subject's data, to be logged.

    A named tuple (immutable): an import makes one per signal, and a frozen dataclass cost
    several times as much to make.
    """

    subject_id: str
    object_type: str
    object_id: Any
    fields: Sequence[str] = ()
    subject_type: str = "huurder"


def processing_log_record(
    *,
    actor: Any,
    activity: str,
    action: str,
    name: str,
    subject_id: str,
    object_type: str,
    object_id: Any,
    fields: Iterable[str] = (),
    subject_type: str = "huurder",
    started_at: datetime | None = None,
    status: str = ProcessingLogEntry.Status.OK,
) -> ProcessingLogEntry:
    """Record one read, change, export or deletion of a person's data."""
    return processing_log_record_many(
        actor=actor,
        activity=activity,
        action=action,
        name=name,
        items=[Processing(subject_id, object_type, object_id, tuple(fields), subject_type)],
        started_at=started_at,
        status=status,
    )[0]


def processing_log_record_many(
    *,
    actor: Any,
    activity: str,
    action: str,
    name: str,
    items: Iterable[Processing],
    started_at: datetime | None = None,
    status: str = ProcessingLogEntry.Status.OK,
) -> list[ProcessingLogEntry]:
    """Record the same processing for many subjects at once (lists, imports, exports).

    The records are appended to the hash chain: the chain head is locked for the rest of the
    caller's transaction, hashes are computed in Python and all records go in one bulk insert.
    Returns the records for up to 100 items; larger batches (imports) are not read back and
    return an empty list.
    """
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    organisation_id = getattr(user, "organisation_id", None)
    trace_id = current_trace_id()
    items = list(items)
    if not items:
        return []
    with transaction.atomic():
        head = _chain_head_for_update()
        activity_pk = activity_id(activity)
        if len(items) > 100:
            # Large batches (file imports): rows hashed from a template, one executemany.
            _append_bulk(
                head,
                items,
                {
                    "trace_id": trace_id,
                    "name": name,
                    "start_time": started_at or now,
                    "end_time": now,
                    "status": status,
                    "action": action,
                    "processing_activity_id": activity_pk,
                    "actor_id": user.pk if user is not None else None,
                    "actor_organisation_id": organisation_id,
                },
            )
            return []
        entries = _build_entries(
            items=items,
            user=user,
            organisation_id=organisation_id,
            trace_id=trace_id,
            name=name,
            started_at=started_at or now,
            now=now,
            status=status,
            action=action,
            activity_pk=activity_pk,
        )
        head.last_hash = chain.seal(entries, after_sequence=head.length, after_hash=head.last_hash)
        head.length += len(entries)
        created = ProcessingLogEntry.objects.bulk_create(entries, batch_size=500)
        head.save(update_fields=["length", "last_hash"])
    return created


def record_reads(
    *,
    actor: Any,
    activity: str,
    name: str,
    items: Iterable[Processing],
    started_at: datetime | None = None,
) -> int:
    """Record that ``actor`` read the data of each subject in ``items`` (a page of a list).

    One record per subject, as ``processing_log_record_many`` with ``action="read"`` writes
    them: the same fields, the same place in the hash chain and the same hash. The records go
    in with one statement and are not read back (a list has no use for them), so a page of
    fifty names costs one insert instead of fifty model objects. Returns how many were written.
    """
    items = list(items)
    if not items:
        return 0
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, activity_pk = _chain_head_and_activity_for_update(activity)
        _append_bulk(
            head,
            items,
            {
                "trace_id": current_trace_id(),
                "name": name,
                "start_time": started_at or now,
                "end_time": now,
                "status": ProcessingLogEntry.Status.OK,
                "action": "read",
                "processing_activity_id": activity_pk,
                "actor_id": user.pk if user is not None else None,
                "actor_organisation_id": getattr(user, "organisation_id", None),
            },
        )
    return len(items)


_BULK_ROW_FIELDS = ("span_id", "data_subject_id", "data_subject_type", "object_type", "object_id",
                    "fields", "sequence", "prev_hash", "entry_hash")  # fmt: skip


def _append_bulk(head: ProcessingLogChain, items: list[Processing], common: dict[str, Any]) -> None:
    """Append a large batch without building model instances (see ``chain.BatchSealer``)."""
    spans = os.urandom(8 * len(items)).hex()
    shared = tuple(db_value(ProcessingLogEntry, name, value) for name, value in common.items())
    # Rows may differ in subject and object type; each kind gets its own template.
    sealers: dict[tuple[str, str], chain.BatchSealer] = {}
    previous, sequence = head.last_hash, head.length
    rows = []
    kind: tuple[str, str] = ("", "")
    sealer: chain.BatchSealer | None = None
    for n, item in enumerate(items):
        if sealer is None or item.subject_type != kind[0] or item.object_type != kind[1]:
            kind = (item.subject_type, item.object_type)  # most batches have one kind
            sealer = sealers.get(kind)
            if sealer is None:
                sealer = sealers[kind] = chain.BatchSealer(
                    {**common, "data_subject_type": kind[0], "object_type": kind[1]}
                )
        subject, object_id, span = (
            str(item.subject_id),
            str(item.object_id),
            spans[16 * n : 16 * n + 16],
        )
        sequence += 1
        entry_hash = sealer.seal(
            data_subject_id=subject,
            fields=item.fields,
            object_id=object_id,
            prev_hash=previous,
            sequence=sequence,
            span_id=span,
        )
        # "fields" as the JSON text the sealer hashed (rendered once per set of names).
        rows.append(
            (*shared, span, subject, *kind, object_id, sealer.fields_json(item.fields),
             sequence, previous, entry_hash)
        )  # fmt: skip
        previous = entry_hash
    head.last_hash, head.length = previous, sequence
    insert_rows(ProcessingLogEntry, [*common, *_BULK_ROW_FIELDS], rows, ready=(*common, "fields"))
    head.save(update_fields=["length", "last_hash"])


def _build_entries(
    *,
    items: list[Processing],
    user: Any,
    organisation_id: int | None,
    trace_id: str,
    name: str,
    started_at: datetime,
    now: datetime,
    status: str,
    action: str,
    activity_pk: int,
) -> list[ProcessingLogEntry]:
    return [
        ProcessingLogEntry(
            trace_id=trace_id,
            span_id=new_span_id(),
            name=name,
            start_time=started_at,
            end_time=now,
            status=status,
            action=action,
            processing_activity_id=activity_pk,
            data_subject_id=str(item.subject_id),
            data_subject_type=item.subject_type,
            actor=user,
            actor_organisation_id=organisation_id,
            object_type=item.object_type,
            object_id=str(item.object_id),
            fields=list(item.fields),
        )
        for item in items
    ]


@transaction.atomic
def processing_log_prune(*, before: datetime, reason: str) -> ProcessingLogPruning | None:
    """The retention hook: remove the oldest records written before ``before``.

    Only a prefix of the chain is removed (records are in time order), so the rest stays
    verifiable: the chain head keeps the position and hash of the last removed record as the new
    starting point, and a ``ProcessingLogPruning`` row records what was removed (no personal
    data). This is the only path that deletes processing-log records.
    """
    head = _chain_head_for_update()
    removable = ProcessingLogEntry.objects.filter(
        sequence__gt=head.pruned_through, end_time__lt=before
    ).order_by("sequence")
    # Stop at the first record that must stay: never leave a hole in the chain.
    first_kept = (
        ProcessingLogEntry.objects.filter(sequence__gt=head.pruned_through, end_time__gte=before)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if first_kept is not None:
        removable = removable.filter(sequence__lt=first_kept)
    last = removable.values("sequence", "entry_hash").last()
    if last is None:
        return None
    first_sequence = head.pruned_through + 1
    count = ProcessingLogEntry.objects.filter(
        sequence__gte=first_sequence, sequence__lte=last["sequence"]
    )._retention_delete()
    head.pruned_through = last["sequence"]
    head.pruned_hash = last["entry_hash"]
    head.save(update_fields=["pruned_through", "pruned_hash"])
    pruning = ProcessingLogPruning.objects.create(
        before=before,
        first_sequence=first_sequence,
        last_sequence=last["sequence"],
        count=count,
        anchor_hash=last["entry_hash"],
        reason=reason,
    )
    logger.info(
        "processing log pruned: %s records, positions %s-%s",
        count,
        first_sequence,
        last["sequence"],
    )
    return pruning


REGISTER_FIELDS = ("name", "purpose", "legal_basis", "data_categories", "retention")


@transaction.atomic
def processing_activity_revise(
    *,
    code: str,
    by: Any,
    name: str,
    purpose: str,
    legal_basis: str,
    data_categories: str,
    retention: str,
) -> ProcessingActivity:
    """Change a register entry: the change is a new version, the old version is kept.

    Log records keep pointing to the version that was in force when they were written; new
    records point to the new version from the moment this transaction commits. Nothing changes
    (and no version is made) when the values are the same.
    """
    current = ProcessingActivity.objects.select_for_update().get(code=code, is_current=True)
    values = {
        "name": name,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "data_categories": data_categories,
        "retention": retention,
    }
    if all(getattr(current, key) == value for key, value in values.items()):
        return current
    ProcessingActivity.objects.filter(pk=current.pk).update(is_current=False)
    revised = ProcessingActivity.objects.create(
        code=code,
        version=current.version + 1,
        is_current=True,
        valid_from=timezone.now(),
        changed_by=by if getattr(by, "is_authenticated", False) else None,
        **values,
    )
    logger.info("register entry %s revised to version %s", code, revised.version)
    return revised
