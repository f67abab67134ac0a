"""Writes of the intake app: receiving signals one by one (form, API) or as a file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.cases.filing import refresh_statistics
from meldpunt.cases.models import Signal
from meldpunt.core.memory import collect_young, without_cycle_collection
from meldpunt.core.models import ConfigurationChange
from meldpunt.organisations.models import Municipality, Organisation, PartnerType
from meldpunt.privacy.files import open_encrypted, write_encrypted

from .ahead import can_write_ahead, written
from .files import FileRefused, open_signal_file
from .models import IntakeConfiguration, SignalImport
from .parallel import Batches, PreparationFailed, prepared_batches, rows_read
from .pipeline import ACCEPTED, REFUSED, IntakeRun, RowOutcome

CHUNK_SIZE = 5000  # rows per transaction (docs/adr/0007-intake-throughput.md)


def signal_check(*, partner: Organisation, raw: dict[str, Any]) -> dict[str, list[str]]:
    """Dutch errors per field for one signal of this partner, exactly as the intake would
    refuse it (the form shows them before anything is sent)."""
    result = IntakeRun(partner=partner, by=None, channel="formulier").check(1, raw)
    return result.field_errors if isinstance(result, RowOutcome) else {}


def _require_partner(partner: Organisation) -> None:
    if not partner.is_partner:
        raise ValidationError("Alleen een verhuurder (partner) kan signalen melden.")


def signal_submit(
    *, partner: Organisation, raw: dict[str, Any], submitted_by: Any, channel: str = "formulier"
) -> Signal:
    """Receive one signal. Raises ValidationError per field (Dutch) and stores nothing if wrong.

    Delivering the same signal again returns the signal already received.
    """
    _require_partner(partner)
    outcome = IntakeRun(partner=partner, by=submitted_by, channel=channel).process([(1, raw)])[0]
    if outcome.status == REFUSED:
        raise ValidationError(outcome.field_errors or outcome.errors)
    return Signal.objects.get(public_id=outcome.public_id)


@dataclass
class ImportSummary:
    accepted: int = 0
    refused: int = 0
    already_received: int = 0
    rows: list[RowOutcome] = field(default_factory=list)


def signal_import_run(
    *,
    batch: SignalImport,
    stream: IO[bytes],
    by: Any,
    channel: str = "bestand",
    keep_rows: bool = True,
    on_chunk: Callable[[list[RowOutcome]], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    reopen: Callable[[], IO[bytes]] | None = None,
) -> ImportSummary:
    """Process a delivered file in batches; each batch is one transaction.

    ``reopen`` opens the same file again (its own read position): with it, a large file is
    prepared in a second process from the start (intake/parallel.py).

    A file that cannot be read as a whole (header, encoding, format) is refused and nothing
    of it is stored. Valid rows are taken, invalid rows reported (docs/adr/0005-intake.md).
    """
    _require_partner(batch.partner)
    with without_cycle_collection():
        return _import(batch, stream, by, channel, keep_rows, on_chunk, chunk_size, reopen)


def _import(
    batch: SignalImport,
    stream: IO[bytes],
    by: Any,
    channel: str,
    keep_rows: bool,
    on_chunk: Callable[[list[RowOutcome]], None] | None,
    chunk_size: int,
    reopen: Callable[[], IO[bytes]] | None,
) -> ImportSummary:
    summary = ImportSummary()
    SignalImport.objects.filter(pk=batch.pk).update(status=SignalImport.Status.RUNNING)
    batches: Batches | None = None
    writes: Generator[list[RowOutcome]] | None = None
    try:
        run = IntakeRun(partner=batch.partner, by=by, channel=channel, batch=batch)
        if reopen is not None and settings.MELDPUNT_INTAKE_PARALLEL:
            # A child process opens its own copy and prepares the first batches while this
            # process checks the structure below (docs/adr/0007-intake-throughput.md).
            batches = prepared_batches(
                run,
                lambda: open_signal_file(reopen(), partner_type=run.partner_type).rows,
                chunk_size,
                parallel=True,
            )
        # A first pass checks the structure and counts rows, so a file that breaks halfway
        # (a NUL byte, a cut-off line, a corrupt sheet) is refused before anything is stored.
        total = open_signal_file(stream, partner_type=run.partner_type).count()
        if total == 0:
            raise FileRefused("Het bestand bevat geen signalen, alleen een kopregel.")
        SignalImport.objects.filter(pk=batch.pk).update(rows_total=total)
        if batches is None:
            stream.seek(0)
            batches = prepared_batches(
                run,
                open_signal_file(stream, partner_type=run.partner_type).rows,
                chunk_size,
                parallel=settings.MELDPUNT_INTAKE_PARALLEL and total > chunk_size,
            )
        # Large files on PostgreSQL: the next batch is decided while one is written (ADR 0127).
        ahead = settings.MELDPUNT_INTAKE_WRITE_AHEAD and total > chunk_size and can_write_ahead()
        writes = written(run, batches, ahead=ahead)
        for number, outcomes in enumerate(writes):
            if number == 1:  # a first large file into a new database (filing.refresh_statistics)
                refresh_statistics()
            for outcome in outcomes:
                if outcome.status == ACCEPTED:
                    summary.accepted += 1
                    summary.already_received += outcome.already_received
                else:
                    summary.refused += 1
            if keep_rows:
                summary.rows.extend(outcomes)
            SignalImport.objects.filter(pk=batch.pk).update(
                rows_done=summary.accepted + summary.refused,
                accepted=summary.accepted,
                refused=summary.refused,
                already_received=summary.already_received,
            )
            if on_chunk:
                on_chunk(outcomes)
            collect_young()
        read = rows_read(batches)
        if read is not None and read != total:
            # The child read another file than was checked (replaced or still being written).
            raise PreparationFailed(
                f"Het bestand veranderde tijdens het inlezen ({total} regels gecontroleerd, "
                f"{read} gelezen)."
            )
    except FileRefused as exc:
        # Rows of earlier batches stay: they were valid and complete; a repeat delivery of a
        # corrected file finds them as already received.
        SignalImport.objects.filter(pk=batch.pk).update(
            status=SignalImport.Status.REFUSED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    except Exception:
        # Batches already committed stay (whole and valid); the delivery shows as failed so the
        # landlord knows to deliver it again (a repeat adds nothing that was already received).
        SignalImport.objects.filter(pk=batch.pk).update(
            status=SignalImport.Status.FAILED,
            message="De verwerking is onverwacht afgebroken. Lever het bestand opnieuw aan; "
            "wat al ontvangen is, wordt niet dubbel opgenomen.",
            finished_at=timezone.now(),
        )
        raise
    finally:
        if writes is not None:
            writes.close()  # waits for a batch still being written (ahead)
        if batches is not None:
            batches.close()  # stops the preparing process when writing stopped early
    SignalImport.objects.filter(pk=batch.pk).update(
        status=SignalImport.Status.DONE, finished_at=timezone.now()
    )
    return summary


def upload_path(batch: SignalImport) -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads" / f"{batch.public_id}.enc"


def signal_import_upload(
    *, partner: Organisation, by: Any, upload: IO[bytes], file_name: str
) -> SignalImport:
    """Store an uploaded file encrypted and queue it; the file is deleted once processed."""
    _require_partner(partner)
    digest = file_digest(upload)
    with transaction.atomic():
        batch = signal_import_create(partner=partner, by=by, file_name=file_name, sha256=digest)
        path = upload_path(batch)
        write_encrypted(upload, path, str(batch.public_id))
        SignalImport.objects.filter(pk=batch.pk).update(stored_file=path.name)

        def enqueue() -> None:
            from .tasks import process_upload

            process_upload.enqueue(batch.pk)

        transaction.on_commit(enqueue)
    batch.refresh_from_db()
    return batch


def signal_import_process_stored(*, batch: SignalImport) -> ImportSummary:
    path = upload_path(batch)
    try:
        with open_encrypted(path, str(batch.public_id)) as stream:
            return signal_import_run(
                batch=batch,
                stream=stream,
                by=batch.uploaded_by,
                keep_rows=False,
                reopen=lambda: open_encrypted(path, str(batch.public_id)),
            )
    finally:
        path.unlink(missing_ok=True)
        SignalImport.objects.filter(pk=batch.pk).update(stored_file="")


def file_digest(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


@transaction.atomic
def signal_import_create(
    *,
    partner: Organisation,
    by: Any,
    file_name: str,
    sha256: str = "",
    rows_total: int | None = None,
) -> SignalImport:
    _require_partner(partner)
    return SignalImport.objects.create(
        partner=partner,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        file_name=file_name[-200:],
        file_sha256=sha256,
        rows_total=rows_total,
    )


CONFIGURATION_FIELDS = ("months_of_arrears", "minimum_amount", "repeat_window_days", "auto_route")


@transaction.atomic
def intake_configuration_update(
    *, by: Any, municipality: Municipality, partner_type: str, **changes: Any
) -> IntakeConfiguration:
    """Change the intake thresholds of one municipality for one kind of signal partner
    (functioneel beheer of that municipality); every changed setting is recorded."""
    if not by.has_perm("organisations.manage_configuration") or (
        municipality.pk not in by.organisation.municipality_ids()
    ):
        raise PermissionDenied
    if partner_type not in PartnerType.values:
        raise ValidationError({"partner_type": "Kies een soort signaalpartner."})
    config = IntakeConfiguration.objects.select_for_update().get(
        pk=IntakeConfiguration.current(municipality.pk, partner_type).pk
    )
    records = []
    for name, value in changes.items():
        if name not in CONFIGURATION_FIELDS:
            raise ValueError(name)
        old = getattr(config, name)
        if old != value:
            records.append(
                ConfigurationChange(
                    scope=municipality.code,
                    setting=f"{partner_type}: {name}"[:80],
                    old_value=str(old),
                    new_value=str(value),
                    by=by,
                )
            )
            setattr(config, name, value)
    config.full_clean()
    config.save()
    ConfigurationChange.objects.bulk_create(records)
    return config
