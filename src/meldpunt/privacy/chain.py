"""The hash chain of the processing log: canonical serialisation, hashing and verification.

Each record stores the previous record's hash (``prev_hash``) and its own hash (``entry_hash``):
HMAC-SHA256 over a canonical JSON serialisation of all its fields, its position (``sequence``)
and ``prev_hash``. The HMAC key is derived from the blind-index key, so someone who can write to
the database but does not hold the application's keys cannot recompute a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from .crypto import _blind_index_key
from .models import ProcessingLogChain, ProcessingLogEntry

CHAIN_FORMAT = 1
HASHED_FIELDS = (
    "sequence",
    "prev_hash",
    "trace_id",
    "span_id",
    "name",
    "start_time",
    "end_time",
    "status",
    "action",
    "processing_activity_id",
    "data_subject_id",
    "data_subject_type",
    "actor_id",
    "actor_organisation_id",
    "object_type",
    "object_id",
    "fields",
)


@cache
def _chain_key() -> bytes:
    return hmac.new(
        _blind_index_key(), b"meldpunt processing-log chain v1", hashlib.sha256
    ).digest()


def reset_chain_key() -> None:
    _chain_key.cache_clear()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical(entry: ProcessingLogEntry) -> bytes:
    """The bytes that are hashed: sorted-key JSON of the hashed fields, UTF-8, no whitespace."""
    document = {name: _canonical_value(getattr(entry, name)) for name in HASHED_FIELDS}
    document["v"] = CHAIN_FORMAT
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: ProcessingLogEntry) -> str:
    return hmac.new(_chain_key(), canonical(entry), hashlib.sha256).hexdigest()


def seal(entries: list[ProcessingLogEntry], *, after_sequence: int, after_hash: str) -> str:
    """Give ``entries`` their positions and hashes after the given chain head; returns new head."""
    previous = after_hash
    for offset, entry in enumerate(entries, start=1):
        entry.sequence = after_sequence + offset
        entry.prev_hash = previous
        entry.entry_hash = entry_hash(entry)
        previous = entry.entry_hash
    return previous


_VARIABLE = ("sequence", "prev_hash", "span_id", "data_subject_id", "object_id", "fields")


def _json_str(value: str) -> str:
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)


class BatchSealer:
    """Hashes many records that share most fields, byte-for-byte like ``canonical``.

    A bulk import logs thousands of records that differ only in position, span, subject, object
    and field names. The sorted-key JSON of the shared fields is rendered once as a template with
    a slot per varying field, so each record costs a few string joins and one HMAC instead of a
    full JSON serialisation. ``tests/test_processing_log_chain.py`` checks the bytes are equal.
    """

    def __init__(self, common: dict[str, Any]) -> None:
        document = {name: _canonical_value(common.get(name)) for name in HASHED_FIELDS}
        document["v"] = CHAIN_FORMAT
        for name in _VARIABLE:
            document[name] = f"\x01{name}\x01"
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        self.order: list[str] = []
        self.parts: list[str] = []
        rest = text
        while True:
            start = rest.find('"\\u0001')
            if start < 0:
                self.parts.append(rest)
                break
            end = rest.index('\\u0001"', start + 7)
            self.parts.append(rest[:start])
            self.order.append(rest[start + 7 : end])
            rest = rest[end + 7 :]
        self._fields: dict[tuple[str, ...], str] = {}
        self._last_fields: tuple[Any, str] | None = None
        self._key = _chain_key()
        # Sorted keys put the slots in alphabetical order; ``seal`` fills them in that order.
        if tuple(self.order) != tuple(sorted(_VARIABLE)):
            raise AssertionError(f"unexpected slot order {self.order}")

    def fields_json(self, names: Any) -> str:
        """The canonical JSON of a list of field names (rendered once per distinct list)."""
        # Bulk callers pass the same tuple object for rows with the same names: found by
        # identity first, without hashing the tuple again.
        last = self._last_fields
        if last is not None and last[0] is names:
            return last[1]
        key = tuple(names)
        rendered = self._fields.get(key)
        if rendered is None:
            rendered = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False)
            self._fields[key] = rendered
        self._last_fields = (names, rendered)
        return rendered

    def seal(
        self,
        *,
        data_subject_id: str,
        fields: Any,
        object_id: str,
        prev_hash: str,
        sequence: int,
        span_id: str,
    ) -> str:
        """The hash of one record at ``sequence`` after ``prev_hash``.

        ``prev_hash`` and ``span_id`` must be hex digits (a chain hash, a span id made by the
        caller); the other text is escaped as JSON.
        """
        p = self.parts
        text = "".join(
            (
                p[0],
                _json_str(data_subject_id),
                p[1],
                self.fields_json(fields),
                p[2],
                _json_str(object_id),
                p[3],
                # prev_hash and span_id are hex digits made here: JSON strings as they are.
                f'"{prev_hash}"',
                p[4],
                str(sequence),
                p[5],
                f'"{span_id}"',
                p[6],
            )
        )
        return hmac.digest(self._key, text.encode(), "sha256").hex()


@dataclass(frozen=True)
class Finding:
    """One sign of tampering: what kind, where (position and database id) and a description."""

    kind: str
    sequence: int | None
    entry_id: int | None
    detail: str

    def __str__(self) -> str:
        where = []
        if self.sequence is not None:
            where.append(f"positie {self.sequence}")
        if self.entry_id is not None:
            where.append(f"id {self.entry_id}")
        return f"[{self.kind}] {', '.join(where) or '-'}: {self.detail}"


@dataclass
class VerifyResult:
    checked: int
    head_length: int
    head_hash: str
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def _entries(batch_size: int) -> Iterator[ProcessingLogEntry]:
    """All records in chain order, in keyset-paginated batches (constant memory)."""
    last = -1
    while True:
        batch = list(
            ProcessingLogEntry.objects.filter(sequence__gt=last).order_by("sequence")[:batch_size]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence


def verify(*, batch_size: int = 2000, anchors: dict[int, str] | None = None) -> VerifyResult:
    """Walk the chain and report every changed, removed, inserted or reordered record.

    The head is read first: records appended while the walk runs are checked as a continuation
    of the chain; every record up to the head's position must be present. ``anchors`` are
    (position → hash) pairs recorded earlier outside the database (the output of a previous
    run): they expose a truncated tail even when the head row was rewritten too.
    """
    anchors = dict(anchors or {})
    head = ProcessingLogChain.objects.filter(pk=1).first()
    findings: list[Finding] = []
    if head is None:
        head = ProcessingLogChain(pk=1)
        if ProcessingLogEntry.objects.exists():
            findings.append(Finding("kop-ontbreekt", None, None, "de kop van de keten ontbreekt"))
    expected_sequence = head.pruned_through + 1
    expected_prev = head.pruned_hash
    checked = 0
    seen_head = head.length == head.pruned_through
    for entry in _entries(batch_size):
        checked += 1
        if entry_hash(entry) != entry.entry_hash:
            findings.append(
                Finding(
                    "gewijzigd",
                    entry.sequence,
                    entry.pk,
                    "de inhoud of de opgeslagen hash past niet bij de hash van het record",
                )
            )
        if entry.sequence < expected_sequence:
            findings.append(
                Finding(
                    "volgorde",
                    entry.sequence,
                    entry.pk,
                    f"positie verwacht vanaf {expected_sequence}: ingevoegd, verwisseld of "
                    "van vóór de opschoning",
                )
            )
        elif entry.sequence > expected_sequence:
            missing = entry.sequence - expected_sequence
            findings.append(
                Finding(
                    "verwijderd",
                    expected_sequence,
                    None,
                    f"{missing} record(s) ontbreken (posities {expected_sequence}"
                    f"-{entry.sequence - 1})",
                )
            )
        if entry.prev_hash != expected_prev:
            findings.append(
                Finding(
                    "schakel",
                    entry.sequence,
                    entry.pk,
                    "de verwijzing naar het vorige record klopt niet: een record is ingevoegd, "
                    "verwijderd, verwisseld of gewijzigd",
                )
            )
        if entry.sequence == head.length:
            seen_head = True
            if entry.entry_hash != head.last_hash:
                findings.append(
                    Finding(
                        "kop",
                        entry.sequence,
                        entry.pk,
                        "de hash van het laatste record verschilt van de kop van de keten",
                    )
                )
        if entry.sequence in anchors and anchors.pop(entry.sequence) != entry.entry_hash:
            findings.append(
                Finding(
                    "anker",
                    entry.sequence,
                    entry.pk,
                    "de hash verschilt van het eerder vastgelegde anker",
                )
            )
        expected_sequence = entry.sequence + 1
        expected_prev = entry.entry_hash
    for sequence, anchor_hash in sorted(anchors.items()):
        if sequence < head.pruned_through or (
            sequence == head.pruned_through and anchor_hash == head.pruned_hash
        ):
            continue  # removed by retention, through the logged path
        findings.append(
            Finding(
                "anker",
                sequence,
                None,
                "het record van het eerder vastgelegde anker ontbreekt of is gewijzigd",
            )
        )
    if not seen_head:
        findings.append(
            Finding(
                "verwijderd",
                head.length,
                None,
                f"de keten eindigt bij positie {expected_sequence - 1}, de kop verwacht "
                f"{head.length}: records aan het eind verwijderd",
            )
        )
    return VerifyResult(
        checked=checked, head_length=head.length, head_hash=head.last_hash, findings=findings
    )
