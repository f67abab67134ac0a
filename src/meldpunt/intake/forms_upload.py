from django import forms

from meldpunt.core.forms import AccessibleFormMixin

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
