"""Background work of the intake: processing an uploaded file."""

from __future__ import annotations

import logging

from django_tasks import task

from .files import FileRefused
from .models import SignalImport
from .services import signal_import_process_stored

logger = logging.getLogger(__name__)


@task()
def process_upload(batch_id: int) -> None:
    batch = SignalImport.objects.select_related("partner", "uploaded_by").get(pk=batch_id)
    try:
        signal_import_process_stored(batch=batch)
    except FileRefused:
        logger.info("upload %s refused as a whole", batch.public_id)
