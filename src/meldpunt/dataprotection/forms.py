"""Forms of the data-protection screens: access requests and retention periods."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput
from meldpunt.privacy.models import RetentionCategory, RetentionUnit


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
    persoon = forms.UUIDField()  # the person's pseudonym (PersonFound.subject_id)
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
