from django import forms

from meldpunt.core.forms import AccessibleFormMixin
from meldpunt.organisations.models import Organisation, OrganisationType

from .models import Track


class AssignForm(AccessibleFormMixin, forms.Form):
    """Triage: track and provider; the district's provider is proposed."""

    track = forms.ChoiceField(
        label="Route", choices=Track.choices, widget=forms.RadioSelect, initial=Track.VROEG_EROPAF
    )
    provider = forms.ModelChoiceField(
        label="Uitvoerder",
        queryset=Organisation.objects.filter(type=OrganisationType.PROVIDER, is_active=True),
        required=False,
        empty_label="— kies een uitvoerder —",
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    reason = forms.CharField(
        label="Reden van afwijken",
        required=False,
        max_length=200,
        help_text="Alleen nodig als u een andere uitvoerder kiest dan die van het stadsdeel.",
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )
