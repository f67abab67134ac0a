"""The organisation admin's form for a new webhook (on screen; the API has POST /webhooks)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin

from .selectors import subscribable_tokens


class TokenChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class WebhookForm(AccessibleFormMixin, forms.Form):
    token = TokenChoiceField(
        label=_("API-koppeling"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "De koppeling met de bevoegdheid ‘Terugkoppeling lezen’ waar de webhook bij hoort. "
            "Trekt u die koppeling in of verloopt zij, dan gaan er geen berichten meer uit."
        ),
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
        error_messages={
            "required": _("Kies een API-koppeling."),
            "invalid_choice": _("Kies een werkende API-koppeling van uw organisatie."),
        },
    )
    url = forms.CharField(
        label=_("Adres van uw ontvanger"),
        max_length=500,
        help_text=_(
            "Een https-adres op internet, bijvoorbeeld https://systeem.voorbeeld.nl/meldpunt."
        ),
        widget=forms.URLInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={
            "required": _("Vul het adres van uw ontvanger in."),
            "max_length": _("Het adres is langer dan 500 tekens."),
        },
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = subscribable_tokens(organisation)
