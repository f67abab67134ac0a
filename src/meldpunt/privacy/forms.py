"""Forms of the privacy officer's screens."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .models import ProcessingActivity, ProcessingLogEntry


class ProcessingActivityForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = ["name", "purpose", "legal_basis", "data_categories", "retention"]
        help_texts = {
            "purpose": _("Waarvoor worden de gegevens verwerkt?"),
            "legal_basis": _("Wetsartikel(en), bijvoorbeeld Wgs art. 3 of Participatiewet."),
            "data_categories": _(
                "Welke soorten persoonsgegevens, zonder voorbeelden van echte gegevens."
            ),
            "retention": _("Hoe lang, en vanaf welk moment."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"class": "utrecht-textbox"}),
            "purpose": forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
            "legal_basis": forms.TextInput(attrs={"class": "utrecht-textbox"}),
            "data_categories": forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
            "retention": forms.TextInput(attrs={"class": "utrecht-textbox"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "purpose", "legal_basis"):
            self.fields[name].widget.attrs.update({"required": True, "aria-required": "true"})


class DutchOptionsSelect(forms.Select):
    """A select whose options are stored Dutch names (the register's): they keep lang="nl" on
    an English page, the empty "all" choice is interface text and is translated."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = "nl"
        return option


class LogSearchForm(AccessibleFormMixin, forms.Form):
    """Filters of the processing-log search: period, action, activity, user, data subject.

    All are ids, vocabulary values or dates, no personal data, so they stay in the URL (a
    person by name and birth date is ``LogPersonForm``, posted). ``has_person`` says a looked
    up person narrows the search already, so no other criterion is needed.
    """

    van = forms.DateField(
        label=_("Van"),
        required=False,
        help_text=_("Eerste dag van de periode."),
        widget=DateInput(attrs={"class": "utrecht-textbox"}),
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        help_text=_("Laatste dag van de periode."),
        widget=DateInput(attrs={"class": "utrecht-textbox"}),
    )
    handeling = forms.ChoiceField(
        label=_("Handeling"),
        required=False,
        choices=[("", _("— alle handelingen —")), *ProcessingLogEntry.Action.choices],
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    verwerking = forms.ChoiceField(
        label=_("Verwerking"),
        required=False,
        choices=(),
        help_text=_("De verwerkingsactiviteit uit het verwerkingsregister."),
        widget=DutchOptionsSelect(attrs={"class": "utrecht-select"}),
    )
    gebruiker = forms.ModelChoiceField(
        label=_("Gebruiker"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("— alle gebruikers —"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    betrokkene = forms.CharField(
        label=_("Betrokkene (pseudoniem)"),
        required=False,
        max_length=64,
        help_text=_("Het pseudoniem van de betrokkene, zoals het in de zaak staat."),
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )

    def __init__(self, *args, has_person: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_person = has_person
        self.fields["gebruiker"].queryset = (
            get_user_model().objects.select_related("organisation").order_by("email")
        )
        self.fields["gebruiker"].label_from_instance = lambda user: (
            f"{user.email} ({user.organisation.name if user.organisation else '—'})"
        )
        self.fields["verwerking"].choices = [
            ("", _("— alle verwerkingen —")),
            *ProcessingActivity.objects.filter(is_current=True)
            .order_by("name")
            .values_list("code", "name"),
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("van"), data.get("tot")
        if since and until and until < since:
            self.add_error(
                "tot", _("Deze datum ligt vóór de datum bij ‘Van’. Kies een latere dag.")
            )
        criteria = ("van", "tot", "handeling", "verwerking", "gebruiker", "betrokkene")
        given = self.has_person or any(data.get(name) for name in criteria)
        if not given and not self.errors:
            raise forms.ValidationError(
                _(
                    "Geef ten minste één zoekvraag: een persoon, een periode, een handeling, "
                    "een verwerking, een gebruiker of een betrokkene."
                )
            )
        return data

    def criteria(self) -> dict:
        """The cleaned filters as the keyword arguments of ``processing_log_search``."""
        data = self.cleaned_data
        user = data.get("gebruiker")
        return {
            "subject_id": (data.get("betrokkene") or "").strip() or None,
            "actor_id": user.pk if user else None,
            "action": data.get("handeling") or "",
            "activity": data.get("verwerking") or "",
            "since": data.get("van"),
            "until": data.get("tot"),
        }


class LogPersonForm(AccessibleFormMixin, forms.Form):
    """A person for the log search: surname + birth date, found through the blind index.

    Posted, never in a URL; ``filters`` carries the log search's own query back.
    """

    achternaam = forms.CharField(
        label=_("Achternaam"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "utrecht-textbox", "autocomplete": "off", "required": True}
        ),
    )
    geboortedatum = forms.DateField(
        label=_("Geboortedatum"),
        widget=DateInput(attrs={"class": "utrecht-textbox", "required": True}),
    )
    filters = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_achternaam(self) -> str:
        surname = self.cleaned_data["achternaam"].strip()
        if not surname:
            raise forms.ValidationError(_("Vul de achternaam in."))
        return surname
