"""The dashboard's period and breakdown (GET, so a view can be bookmarked and shared)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin

from .figures import add_months, month_start, next_month
from .kpis import BREAKDOWNS, Scope

MAX_MONTHS = 60


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%m-%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-03.")}


def breakdowns_for(scope: Scope) -> list[tuple[str, str]]:
    hidden = set()
    if scope.partner_id:
        hidden = {"partner", "partner_type", "provider", "municipality"}
    elif scope.provider_id:
        hidden = {"partner", "provider"}
    if len(scope.municipality_ids) < 2 and not scope.provider_id:
        hidden.add("municipality")
    return [(key, label) for key, label in BREAKDOWNS.items() if key not in hidden]


class PeriodForm(AccessibleFormMixin, forms.Form):
    start = MonthField(label=_("Van (maand)"), required=False)
    end = MonthField(label=_("Tot en met (maand)"), required=False)
    breakdown = forms.ChoiceField(label=_("Uitsplitsen naar"), required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakdown"].choices = breakdowns_for(scope)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = month_start(data.get("end") or today)
        start = month_start(data.get("start") or date(end.year, 1, 1))
        if start > end:
            self.add_error("start", _("De eerste maand ligt na de laatste."))
        elif add_months(start, MAX_MONTHS) <= end:
            self.add_error(
                "end", _("Kies een periode van hoogstens %(n)s maanden.") % {"n": MAX_MONTHS}
            )
        data["start"], data["end"] = start, end
        data["last_day"] = next_month(end) - timedelta(days=1)
        return data


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year, 1, 1), today
