"""The dashboard's period and breakdown (GET, so a view can be bookmarked and shared)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin
from meldpunt.organisations.models import Municipality

from .figures import add_months, month_start, next_month
from .kpis import BREAKDOWNS, Scope
from .models import CostMethod

MAX_MONTHS = 60
# The months a period may name: no figures exist before the Wgs (2012), and every month in the
# range stays computable (a month in year 9999 has no next month: it was a 500).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%m-%Y", "%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-03."),
        "out_of_range": _("Kies een maand van %(first)s tot en met %(last)s."),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": f"{FIRST_DAY:%Y-%m}", "last": f"{LAST_DAY:%Y-%m}"},
            )


class EuroField(forms.CharField):
    """An amount in euros as people type it: 1.234,56 or 1234,56 or 1234.56 (0 or more)."""

    def to_python(self, value):
        text = (
            (super().to_python(value) or "").replace("€", "").replace(" ", "").replace("\u00a0", "")
        )
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text, re.ASCII):
            text = text.replace(".", "")
        if not re.fullmatch(r"\d{1,10}(\.\d{1,2})?", text, re.ASCII):
            raise forms.ValidationError(
                _("Vul een bedrag in euro in, 0 of meer, met hoogstens twee cijfers achter de "
                  "komma, bijvoorbeeld 12.500,00.")
            )  # fmt: skip
        return Decimal(text)


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


class StatementForm(PeriodForm):
    """The cost statement: a municipality of the user's, a period of whole months, and the
    amount to divide (empty: the yearly costs of the cost key, prorated)."""

    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=None, empty_label=None)
    amount = EuroField(
        label=_("Te verdelen bedrag (euro)"), required=False,
        help_text=_("Leeg: de kosten per jaar van de verdeelsleutel, naar rato van de maanden."),
    )  # fmt: skip

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        del self.fields["breakdown"]
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=scope.municipality_ids
        ).order_by("name")


class CostKeyForm(AccessibleFormMixin, forms.Form):
    """Functioneel beheer: the method, the yearly costs and (for a fixed key) a percentage per
    partner of the municipality."""

    method = forms.ChoiceField(label=_("Verdeelsleutel"), choices=CostMethod.choices)
    yearly_amount = EuroField(label=_("Kosten per jaar (euro)"))

    def __init__(self, *args, partners, key, **kwargs):
        initial = {"method": key.method, "yearly_amount": key.yearly_amount}
        shares = {s.partner_id: s.percentage for s in key.shares.all()}
        for partner in partners:
            initial[f"partner_{partner.pk}"] = shares.get(partner.pk)
        super().__init__(*args, initial=initial, **kwargs)
        self.partners = partners
        for partner in partners:
            self.fields[f"partner_{partner.pk}"] = forms.DecimalField(
                label=_("%(name)s: percentage bij een vaste verdeling") % {"name": partner.name},
                required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
                localize=True,
            )  # fmt: skip

    def percentages(self) -> dict[int, Decimal]:
        return {p.pk: self.cleaned_data.get(f"partner_{p.pk}") or Decimal(0) for p in self.partners}


class DdasExportForm(AccessibleFormMixin, forms.Form):
    """The month of the DDAS delivery to download (a completed month or the current one)."""

    month = MonthField(label=_("Maand"))

    def clean_month(self):
        month = month_start(self.cleaned_data["month"])
        if month > month_start(timezone.localdate()):
            raise forms.ValidationError(_("Kies deze maand of een eerdere."))
        return month
