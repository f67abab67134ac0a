"""Forms of the privacy officer's screens."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .models import ProcessingActivity, RetentionCategory, RetentionUnit


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


class AccessRequestSearchForm(AccessibleFormMixin, forms.Form):
    """Find a person for an access request: surname + birth date, or address (posted, never GET)."""

    achternaam = forms.CharField(
        label=_("Achternaam"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )
    geboortedatum = forms.DateField(
        label=_("Geboortedatum"),
        required=False,
        widget=DateInput(attrs={"class": "utrecht-textbox"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=7,
        help_text=_("Bijvoorbeeld 1012 LG."),
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )
    huisnummer = forms.CharField(
        label=_("Huisnummer"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "inputmode": "numeric"}),
    )
    huisletter = forms.CharField(
        label=_("Huisletter"),
        required=False,
        max_length=1,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )
    huisnummertoevoeging = forms.CharField(
        label=_("Huisnummertoevoeging"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )

    def clean(self):
        data = super().clean()
        by_person = data.get("achternaam") and data.get("geboortedatum")
        by_address = data.get("postcode") and data.get("huisnummer")
        if not by_person and not by_address:
            raise forms.ValidationError(
                _("Vul achternaam en geboortedatum in, of postcode en huisnummer.")
            )
        if data.get("postcode"):
            data["postcode"] = "".join(data["postcode"].split()).upper()
        return data


class AccessRequestExportForm(forms.Form):
    persoon = forms.RegexField(regex=r"^[0-9a-f]{40}$")
    formaat = forms.ChoiceField(choices=[("json", "JSON"), ("html", "HTML"), ("pdf", "PDF")])


class RetentionPeriodForm(AccessibleFormMixin, forms.Form):
    categorie = forms.ChoiceField(
        label=_("Categorie"),
        choices=RetentionCategory.choices,
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
    )
    termijn = forms.IntegerField(
        label=_("Termijn"),
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "required": True}),
    )
    eenheid = forms.ChoiceField(
        label=_("Eenheid"),
        choices=RetentionUnit.choices,
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
    )
