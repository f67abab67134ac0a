from django import forms

from meldpunt.core.forms import AccessibleFormMixin
from meldpunt.organisations.models import PartnerType

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="Signaalbestand (CSV of Excel)",
        help_text="Een CSV-bestand (komma of puntkomma) of een Excel-bestand (.xlsx) volgens het aanleverformaat.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("Het bestand is leeg.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Het bestand is groter dan 200 MB; splits het bestand.")
        return upload


class ConfigurationChoiceForm(forms.Form):
    """Which municipality's thresholds, for which kind of signal partner (GET)."""

    gemeente = forms.ModelChoiceField(
        label="Gemeente",
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    soort = forms.ChoiceField(
        label="Soort signaalpartner",
        choices=PartnerType.choices,
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = municipalities


class ConfigurationForm(AccessibleFormMixin, forms.Form):
    months_of_arrears = forms.DecimalField(
        label="Maanden achterstand die zeker meetellen",
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "step": "0.5"}),
    )
    minimum_amount = forms.DecimalField(
        label="Minimaal achterstandsbedrag (euro)",
        min_value=0,
        max_value=100000,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "step": "0.01"}),
    )
    repeat_window_days = forms.IntegerField(
        label="Venster voor een herhaalde melding (dagen)",
        min_value=1,
        max_value=730,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox"}),
    )
    auto_route = forms.BooleanField(
        label="Automatisch toewijzen aan de uitvoerder van het stadsdeel",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}),
    )


class OverturnForm(forms.Form):
    """Regie takes a signal up after all: the reason is required and recorded."""

    reason = forms.CharField(
        label="Reden",
        max_length=250,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={
            "required": "Geef de reden waarom u het signaal toch oppakt.",
            "max_length": "Een reden is hoogstens 250 tekens.",
        },
    )
