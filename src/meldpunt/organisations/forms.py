from django import forms

from meldpunt.core.forms import AccessibleFormMixin

from .models import District, Organisation, OrganisationType


class DistrictProviderForm(AccessibleFormMixin, forms.Form):
    district = forms.ModelChoiceField(
        label="Stadsdeel",
        queryset=District.objects.all(),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    provider = forms.ModelChoiceField(
        label="Uitvoerder",
        queryset=Organisation.objects.filter(type=OrganisationType.PROVIDER, is_active=True),
        required=False,
        empty_label="— geen (handmatige triage) —",
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            municipality_id__in=municipality_ids
        )
        self.fields["provider"].queryset = (
            self.fields["provider"].queryset.filter(municipalities__in=municipality_ids).distinct()
        )


class PostcodeExceptionForm(AccessibleFormMixin, forms.Form):
    postcode = forms.CharField(
        label="Postcode", max_length=7, widget=forms.TextInput(attrs={"class": "utrecht-textbox"})
    )
    district = forms.ModelChoiceField(
        label="Stadsdeel",
        queryset=District.objects.all(),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    reason = forms.CharField(
        label="Reden",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            municipality_id__in=municipality_ids
        )
