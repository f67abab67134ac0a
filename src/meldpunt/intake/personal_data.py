"""What the intake keeps of delivered files, and how retention removes it.

A delivered file is stored encrypted until it is processed (intake.services); a leftover is
removed by the data-protection app's retention run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from .models import SignalImport


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
