"""The privacy officer's home-screen panel (core.home): access requests and retention."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from meldpunt.core.home import Entry, Panel, register_panel
from meldpunt.privacy.models import RetentionRun


@register_panel
def privacy_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("privacy.handle_access_request"):
        return None
    last = RetentionRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    when = (
        formats.date_format(last.finished_at, "SHORT_DATETIME_FORMAT") if last else _("nog nooit")
    )
    return Panel(
        key="privacy",
        title=_("Inzage en bewaartermijnen"),
        order=10,
        entries=(
            Entry(_("Een inzageverzoek behandelen"), reverse("dataprotection:access-request")),
            Entry(
                _("Laatste bewaartermijnrun: %(when)s") % {"when": when},
                reverse("dataprotection:retention"),
                attention=last is None,
            ),
        ),
    )
