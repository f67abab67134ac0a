from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .models import OutcomeKind, RuleConfig, WeightyGround, WithdrawReason


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


class TenancyRegisterForm(AccessibleFormMixin, forms.Form):
    """A landlord's own tenant, registered without a signal (to record its own payment plan)."""

    reference = forms.CharField(
        label="Referentie (uw contract- of dossiernummer)",
        max_length=60,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={"required": "Referentie is verplicht."},
    )
    initials = forms.CharField(
        label="Voorletters", max_length=20, required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )  # fmt: skip
    prefix = forms.CharField(
        label="Tussenvoegsel", max_length=20, required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )  # fmt: skip
    surname = forms.CharField(
        label="Achternaam",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={"required": "Achternaam is verplicht."},
    )
    birth_date = forms.DateField(
        label="Geboortedatum",
        widget=DateInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={
            "required": "Vul de geboortedatum in.",
            "invalid": "Vul een geldige datum in.",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=8,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={"required": "Postcode is verplicht."},
    )
    house_number = forms.CharField(
        label="Huisnummer",
        max_length=5,
        widget=forms.TextInput(
            attrs={"class": "utrecht-textbox", "inputmode": "numeric", "required": True}
        ),
        error_messages={"required": "Huisnummer is verplicht."},
    )
    house_letter = forms.CharField(
        label="Huisletter", max_length=1, required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )  # fmt: skip
    addition = forms.CharField(
        label="Toevoeging", max_length=4, required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )  # fmt: skip


class OutcomeForm(AccessibleFormMixin, forms.Form):
    """What followed for the landlord's own tenant: a kind and a date, nothing more (ADR 0106)."""

    kind = forms.ChoiceField(
        label=_("Wat is er gebeurd?"),
        choices=OutcomeKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wat er is gebeurd."),
            "invalid_choice": _("Kies een uitkomst uit de lijst."),
        },
    )
    occurred_on = forms.DateField(
        label=_("Datum"),
        widget=DateInput(attrs={"class": "utrecht-textbox", "required": True}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    verification_code = forms.CharField(
        label=_("Verificatiecode van de verklaring waarop u zich baseert"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
        help_text=_(
            "Alleen bij deurwaarder of ontruiming. Zonder code zoekt het Meldpunt zelf of er op "
            "die datum een geldige verklaring voor deze huurder was."
        ),
    )


class OutcomeWithdrawForm(AccessibleFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Welke uitkomst trekt u in?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies de uitkomst die u intrekt."),
            "invalid_choice": _("Kies een uitkomst uit de lijst."),
        },
    )
    reason = forms.ChoiceField(
        label=_("Reden van intrekking"),
        choices=WithdrawReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies de reden van intrekking."),
            "invalid_choice": _("Kies een reden uit de lijst."),
        },
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (str(o.public_id), f"{o.get_kind_display()}, {o.occurred_on:%d-%m-%Y}")
            for o in outcomes
        ]


class OutcomeFilterForm(AccessibleFormMixin, forms.Form):
    """Regie narrows its list of outcomes without a valid verklaring to a landlord or a year."""

    verhuurder = forms.ModelChoiceField(
        label=_("Verhuurder"),
        queryset=None,
        required=False,
        empty_label=_("Alle verhuurders"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
        error_messages={"invalid_choice": _("Kies een verhuurder uit de lijst.")},
    )
    jaar = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Vul een jaartal in, bijvoorbeeld 2026."),
            "min_value": _("Vul een jaartal in, bijvoorbeeld 2026."),
            "max_value": _("Vul een jaartal in, bijvoorbeeld 2026."),
        },
    )

    def __init__(self, *args, landlords, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verhuurder"].queryset = landlords
