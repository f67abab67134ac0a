"""Forms of the privacy officer's screens."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin

from .models import ProcessingActivity


class ProcessingActivityForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = ["name", "purpose", "legal_basis", "data_categories", "retention"]
        help_texts = {
            "purpose": _("Waarvoor worden de gegevens verwerkt?"),
            "legal_basis": _("Wetsartikel(en), bijvoorbeeld Wgs art. 3 of Participatiewet."),
            "data_categories": _(
                "Welke soorten persoonsgegevens, zonder voorbeelden van echte gegevens."
            ),
            "retention": _("Hoe lang, en vanaf welk moment."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"class": "utrecht-textbox"}),
            "purpose": forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
            "legal_basis": forms.TextInput(attrs={"class": "utrecht-textbox"}),
            "data_categories": forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
            "retention": forms.TextInput(attrs={"class": "utrecht-textbox"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "purpose", "legal_basis"):
            self.fields[name].widget.attrs.update({"required": True, "aria-required": "true"})


class LogSearchForm(AccessibleFormMixin, forms.Form):
    """Search the processing log per data subject (pseudonym) or per user."""

    betrokkene = forms.CharField(
        label=_("Betrokkene (pseudoniem)"),
        required=False,
        max_length=64,
        help_text=_("Het pseudoniem van de betrokkene, zoals het in de zaak staat."),
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )
    gebruiker = forms.ModelChoiceField(
        label=_("Gebruiker"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("— alle gebruikers —"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gebruiker"].queryset = (
            get_user_model().objects.select_related("organisation").order_by("email")
        )
        self.fields["gebruiker"].label_from_instance = lambda user: (
            f"{user.email} ({user.organisation.name if user.organisation else '—'})"
        )

    def clean(self):
        data = super().clean()
        if not data.get("betrokkene") and not data.get("gebruiker"):
            raise forms.ValidationError(_("Vul een betrokkene in of kies een gebruiker."))
        return data
