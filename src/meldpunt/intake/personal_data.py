"""What the intake keeps of delivered files, and how retention removes it.

A delivered file is stored encrypted until it is processed (intake.services); a leftover is
removed by the data-protection app's retention run. The report of a delivery names each row's
reference (the partner's key of a tenant): it goes with the period of signals not taken up, so
a report never outlives the shortest-kept signal (docs/adr/0116).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef

from .models import ImportLines, ImportRowResult, SignalImport


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def finished_upload_files() -> set[str]:
    """Names of the stored files whose import finished (they may go at once)."""
    return {
        f"{public_id}.enc"
        for public_id in SignalImport.objects.exclude(
            status__in=[SignalImport.Status.QUEUED, SignalImport.Status.RUNNING]
        ).values_list("public_id", flat=True)
    }


def forget_upload_files(names: Iterable[str]) -> None:
    """The deliveries no longer point at files that were removed."""
    SignalImport.objects.filter(stored_file__in=list(names)).update(stored_file="")


def expired_report_batches(finished_before: datetime) -> list[str]:
    """Deliveries finished before this moment whose report still names references."""
    lines = ImportLines.objects.filter(batch=OuterRef("pk")).exclude(references=[])
    results = ImportRowResult.objects.filter(batch=OuterRef("pk")).exclude(reference="")
    return [
        str(public_id)
        for public_id in SignalImport.objects.filter(finished_at__lt=finished_before)
        .filter(Exists(lines) | Exists(results))
        .order_by("pk")
        .values_list("public_id", flat=True)
    ]


def forget_report_references(public_ids: Iterable[str]) -> None:
    """The reports of these deliveries keep lines, statuses and reasons, no references."""
    batches = SignalImport.objects.filter(public_id__in=list(public_ids))
    ImportLines.objects.filter(batch__in=batches).update(references=[])
    ImportRowResult.objects.filter(batch__in=batches).update(reference="")
