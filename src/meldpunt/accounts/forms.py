"""The organisation admin's form for a new API client (API-koppeling)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .scopes import scopes_for


class ApiClientForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Naam van de koppeling"),
        max_length=100,
        help_text=_("Welk systeem de sleutel gebruikt, bijvoorbeeld 'huuradministratie'."),
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={"required": _("Geef de koppeling een naam.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Bevoegdheden"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "utrecht-checkbox"}),
        error_messages={"required": _("Kies ten minste één bevoegdheid.")},
    )
    valid_until = forms.DateField(
        label=_("Geldig tot en met"),
        widget=DateInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={
            "required": _("Vul de einddatum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_days = settings.MELDPUNT_API_TOKEN_MAX_DAYS
        self.fields["scopes"].choices = [(s.code, s.label) for s in scopes_for(organisation.type)]
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=self.max_days)
        self.fields["valid_until"].help_text = _(
            "Hoogstens %(days)s dagen na vandaag; daarna werkt de sleutel niet meer."
        ) % {"days": self.max_days}

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("De einddatum moet na vandaag liggen."))
        if day > today + timedelta(days=self.max_days):
            raise forms.ValidationError(
                _("Een koppeling is hoogstens %(days)s dagen geldig.") % {"days": self.max_days}
            )
        return day
