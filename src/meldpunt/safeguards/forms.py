from django import forms

from meldpunt.core.forms import AccessibleFormMixin

from .models import WeightyGround


class EvictionCheckForm(AccessibleFormMixin, forms.Form):
    weighty_ground = forms.ChoiceField(
        label="Zwaarwegende grond (alleen als die er is)",
        choices=WeightyGround.choices,
        required=False,
        widget=forms.Select(attrs={"class": "utrecht-select"}),
        error_messages={"invalid_choice": "Kies een zwaarwegende grond uit de lijst."},
    )
    justification = forms.CharField(
        label="Schriftelijke onderbouwing van de zwaarwegende grond",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
        help_text="Verplicht bij een zwaarwegende grond. Wordt versleuteld bewaard.",
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verificatiecode",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )
