"""The processing log's daily chain check on the privacy officer's home screen (core.home)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel
from meldpunt.privacy.models import ProcessingLogChain

from .models import JobRun, ScheduledJob


@register_panel
def processing_log_panel(request: HttpRequest) -> Panel | None:
    if not request.user.has_perm("privacy.view_processing_log"):
        return None
    job = ScheduledJob.objects.filter(name="verify-processing-log").first()
    head = ProcessingLogChain.objects.first()
    if job is None or job.last_finished_at is None:
        status, attention = _("Controle van de keten: nog niet uitgevoerd"), True
    else:
        when = formats.date_format(job.last_finished_at, "SHORT_DATETIME_FORMAT")
        ok = job.last_status == JobRun.Status.SUCCEEDED
        status = (
            _("Keten intact bij de controle van %(when)s") % {"when": when}
            if ok
            else _("Keten NIET intact bij de controle van %(when)s") % {"when": when}
        )
        attention = not ok
    return Panel(
        key="processing-log",
        title=_("Verwerkingslog"),
        order=20,
        entries=(
            Entry(
                _("Records in het verwerkingslog"),
                reverse("privacy:log-search"),
                head.length if head else 0,
            ),
            Entry(status, reverse("privacy:log-search"), attention=attention),
        ),
    )
