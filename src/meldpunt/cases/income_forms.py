"""Forms of the Geregelde betaling screen; the services check every value again."""

from django import forms

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .workflow import ArrangementEndReason, LegalBasis

TEXTBOX = {"class": "utrecht-textbox"}


class _Step(AccessibleFormMixin, forms.Form):
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_id}-%s")
        super().__init__(*args, **kwargs)


class ProposeForm(_Step):
    prefix_id = "voorstel"
    client_number = forms.CharField(label="Klantnummer inkomensadministratie", max_length=20,
                                    widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    rent_amount = forms.CharField(label="Huur per maand", max_length=20,
                                  help_text="Bijvoorbeeld 712,35", widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    arrears_instalment = forms.CharField(
        label="Aflossing achterstand per maand", max_length=20, required=False,
        help_text="Leeg als er geen achterstand wordt afgelost.",
        widget=forms.TextInput(attrs=TEXTBOX),
    )  # fmt: skip
    payment_reference = forms.CharField(
        label="Betalingskenmerk van de verhuurder", max_length=40,
        help_text="Het kenmerk waarmee de verhuurder de huur herkent; meestal het contractnummer.",
        widget=forms.TextInput(attrs=TEXTBOX),
    )  # fmt: skip
    first_period = forms.DateField(label="Eerste maand van de inhouding", widget=DateInput,
                                   help_text="Een dag in de eerste maand.")  # fmt: skip
    last_period = forms.DateField(label="Laatste maand (als die al vaststaat)", required=False,
                                  widget=DateInput)  # fmt: skip


class AgreeForm(_Step):
    prefix_id = "akkoord"
    consent_on = forms.DateField(label="Datum van toestemming van de huurder", widget=DateInput)
    legal_basis = forms.ChoiceField(label="Grondslag in de Participatiewet",
                                    choices=LegalBasis.choices, widget=forms.RadioSelect)  # fmt: skip


class InstructForm(_Step):
    prefix_id = "opdracht"


class ChangeForm(_Step):
    prefix_id = "wijziging"
    rent_amount = forms.CharField(label="Nieuwe huur per maand", max_length=20,
                                  widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    arrears_instalment = forms.CharField(label="Nieuwe aflossing per maand", max_length=20,
                                         required=False, widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    from_period = forms.DateField(label="Geldt vanaf de maand van", widget=DateInput)


class EndForm(_Step):
    prefix_id = "einde"
    reason = forms.ChoiceField(label="Reden van beëindiging", choices=ArrangementEndReason.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    on = forms.DateField(label="Datum van beëindiging", widget=DateInput, required=False,
                         help_text="Leeg: vandaag.")  # fmt: skip
