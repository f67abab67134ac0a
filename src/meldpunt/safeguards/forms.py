from django import forms

from meldpunt.core.forms import AccessibleFormMixin

from .models import RuleConfig, WeightyGround


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


class RuleConfigForm(AccessibleFormMixin, forms.ModelForm):
    """Functioneel beheer changes the numbers; each save is a new row (who, when)."""

    class Meta:
        model = RuleConfig
        fields = ["max_age_months", "min_attempts", "min_days", "min_home_visits", "min_refusals"]
        widgets = {
            name: forms.NumberInput(attrs={"class": "utrecht-textbox", "min": 1, "required": True})
            for name in fields
        }

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            if data.get(name) is not None and data[name] < 1:
                self.add_error(name, "Vul een getal van 1 of hoger in.")
            elif data.get(name) is not None and data[name] > 120:
                self.add_error(name, "Vul een getal van hoogstens 120 in.")
        if (
            data.get("min_days")
            and data.get("min_attempts")
            and data["min_days"] > data["min_attempts"]
        ):
            self.add_error("min_days", "Er kunnen niet meer dagen zijn dan contactpogingen.")
        return data
