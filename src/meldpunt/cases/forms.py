from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput
from meldpunt.organisations.models import Organisation, OrganisationType

from .models import Instrument, InstrumentDeployment, InstrumentEvent, Track
from .vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay


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


# --- case work (issue #4) -----------------------------------------------------------------


TEXTBOX = {"class": "utrecht-textbox"}
REACHED_CHOICES = [("ja", "Ja, bereikt"), ("nee", "Nee, niet bereikt")]


def _today():
    return timezone.localdate()


class OwnIdsMixin:
    """Forms that share a page get their own element ids (no duplicate ids, labels stay tied).

    Field names in POST stay the same; only the HTML ids get the form's prefix.
    """

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                ids = [f"{bound.auto_id}_error"]
                if bound.help_text:
                    ids.append(f"{bound.auto_id}_helptext")
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)


class ContactAttemptForm(OwnIdsMixin, AccessibleFormMixin, forms.Form):
    """Quick entry on a phone: four taps and save."""

    id_prefix = "poging"

    kind = forms.ChoiceField(
        label="Soort contact",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies de soort contact."},
    )
    reached = forms.ChoiceField(
        label="Huurder bereikt?",
        choices=REACHED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Geef aan of u de huurder heeft bereikt."},
    )
    on = forms.DateField(
        label="Datum",
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={"required": "Vul de datum in.", "invalid": "Vul een geldige datum in."},
    )
    part_of_day = forms.ChoiceField(
        label="Dagdeel",
        choices=PartOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies het dagdeel."},
    )


class DeployForm(AccessibleFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(
        label="Instrument",
        queryset=Instrument.objects.none(),
        empty_label="— kies een instrument —",
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
        error_messages={"required": "Kies een instrument."},
    )
    deployed_on = forms.DateField(
        label="Datum inzet",
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={"required": "Vul de datum in.", "invalid": "Vul een geldige datum in."},
    )
    first_due_on = forms.DateField(
        label="Eerste vervaldatum",
        required=False,
        widget=DateInput(attrs=TEXTBOX),
        help_text=(
            "Bij een instrument met afspraken (betalingsregeling, budgetbeheer, …): de eerste "
            "datum waarop een afspraak moet zijn nagekomen, zoals de eerste termijn."
        ),
        error_messages={"invalid": "Vul een geldige datum in."},
    )
    agreements = forms.CharField(
        label="Gemaakte afspraken",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
        help_text="Wordt versleuteld bewaard; nooit zichtbaar voor de verhuurder.",
    )
    monthly_amount = forms.CharField(
        label="Maandbedrag (alleen Geregelde betaling)",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={**TEXTBOX, "inputmode": "decimal"}),
    )

    def __init__(self, *args, organisation=None, with_amount=True, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Instrument.objects.filter(is_active=True, counts_through_attempts=False)
        if organisation is not None:
            qs = qs.filter(
                pk__in=[i.pk for i in qs if organisation.type in i.allowed_organisation_types]
            )
        self.fields["instrument"].queryset = qs
        if organisation is not None and organisation.is_partner:
            self.fields["agreements"].help_text = (
                "Verplicht bij een betalingsregeling: bedrag en aantal termijnen. Wordt "
                "versleuteld bewaard; de gemeente ziet uw eigen instrumenten."
            )
        if not with_amount:
            del self.fields["monthly_amount"]


class EventForm(OwnIdsMixin, AccessibleFormMixin, forms.Form):
    id_prefix = "gebeurtenis"

    kind = forms.ChoiceField(
        label="Wat is er gebeurd?",
        choices=InstrumentEvent.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies wat er is gebeurd."},
    )
    deployment = forms.ModelChoiceField(
        label="Bij instrument",
        queryset=InstrumentDeployment.objects.none(),
        required=False,
        empty_label="— geen (alleen bij weigering) —",
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    on = forms.DateField(
        label="Datum",
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={"required": "Vul de datum in.", "invalid": "Vul een geldige datum in."},
    )

    def __init__(self, *args, deployments=None, landlord=False, **kwargs):
        super().__init__(*args, **kwargs)
        if deployments is not None:
            self.fields["deployment"].queryset = deployments
            self.fields["deployment"].label_from_instance = lambda d: (
                f"{d.instrument.name} ({d.deployed_on:%d-%m-%Y})"
            )
        if landlord:
            self.fields["kind"].choices = [
                c for c in InstrumentEvent.Kind.choices if c[0] != InstrumentEvent.Kind.REFUSED
            ]
            self.fields["deployment"].required = True
            self.fields["deployment"].empty_label = "— kies uw instrument —"


class NoteForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Notitie (andere schulden en problemen)",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4, "required": True}),
        help_text="Versleuteld; alleen zichtbaar voor de gemeente en de eigen uitvoerder.",
        error_messages={"required": "Schrijf een notitie."},
    )


class CloseForm(AccessibleFormMixin, forms.Form):
    end_result = forms.ChoiceField(
        label="Eindresultaat",
        choices=[("", "— kies een eindresultaat —"), *END_RESULT_CHOICES],
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
        error_messages={"required": "Kies een eindresultaat."},
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


# --- caseworkers (issue #12) --------------------------------------------------------------


class DistributeForm(AccessibleFormMixin, forms.Form):
    """The team lead gives the ticked cases to one caseworker (or back to the team's queue)."""

    cases = forms.MultipleChoiceField(
        label=_("Zaken"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    caseworker = forms.ModelChoiceField(
        label=_("Casemanager"),
        queryset=None,
        required=False,
        empty_label=_("— niemand: terug naar de organisatie —"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    reason = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: verlof, of verdeling naar werkvoorraad."),
        widget=forms.TextInput(attrs=TEXTBOX),
    )

    def __init__(self, *args, caseworkers, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = caseworkers
        self.fields["caseworker"].label_from_instance = worker_name
        self.fields["cases"].choices = [(str(c.public_id), c.reference) for c in cases]
        self.fields["cases"].error_messages["required"] = _("Kies de zaken die u wilt toewijzen.")


def worker_name(user) -> str:
    """How a colleague is named on screen: the name, else the log-in address."""
    return user.get_full_name() or user.email
