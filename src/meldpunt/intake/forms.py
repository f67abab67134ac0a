"""The web form for one signal. Parsing and checks are the shared intake spec (spec.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput

from .services import signal_validate
from .spec import FIELDS

_AUTOCOMPLETE = {
    "voorletters": "off",
    "achternaam": "off",
    "email": "off",
    "telefoonnummer": "off",
}
_HELP = {
    "partner_referentie": _(
        "Uw eigen referentie van het huurcontract, zoals in uw huuradministratie."
    ),
    "achterstand_bedrag": _("In euro's, bijvoorbeeld 1234,56."),
    "postcode": _("Bijvoorbeeld 1012 AB."),
    "informatieplicht_voldaan": _(
        "Datum waarop de huurder is verteld dat zijn gegevens worden doorgegeven."
    ),
    "bezwaar_huurder": _(
        "Vink aan als de huurder bezwaar heeft gemaakt. Het signaal mag dan niet worden gemeld."
    ),
}


class SignalForm(AccessibleFormMixin, forms.Form):
    """Every field is parsed by the shared spec, so the form accepts exactly what files do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in FIELDS:
            attrs: dict[str, Any] = {"class": "utrecht-textbox"}
            if spec.required:
                attrs["required"] = True
                attrs["aria-required"] = "true"
            if spec.name in _AUTOCOMPLETE:
                attrs["autocomplete"] = _AUTOCOMPLETE[spec.name]
            if spec.kind == "bool":
                field: forms.Field = forms.BooleanField(
                    label=_(spec.label),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}),
                )
            elif spec.kind == "date":
                field = forms.CharField(
                    label=_(spec.label), required=False, widget=DateInput(attrs)
                )
            else:
                if spec.kind in ("amount", "housenumber"):
                    attrs["inputmode"] = "decimal" if spec.kind == "amount" else "numeric"
                if spec.kind == "email":
                    attrs["type"] = "email"
                if spec.kind == "phone":
                    attrs["type"] = "tel"
                field = forms.CharField(
                    label=_(spec.label),
                    required=False,
                    max_length=300,
                    widget=forms.TextInput(attrs),
                )
            field.help_text = _HELP.get(spec.name, "")
            self.fields[spec.name] = field
        # Required fields are checked by the spec (one message text for form, file and API).
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _values, errors, _routing = signal_validate(cleaned)
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name, message)
        return cleaned

    def fieldsets(self) -> list[tuple[str, list]]:
        groups = [
            (
                "Huurder",
                [
                    "partner_referentie",
                    "voorletters",
                    "tussenvoegsel",
                    "achternaam",
                    "geboortedatum",
                ],
            ),
            (
                "Adres",
                [
                    "straat",
                    "huisnummer",
                    "huisletter",
                    "huisnummertoevoeging",
                    "postcode",
                    "woonplaats",
                ],
            ),
            ("Contact", ["telefoonnummer", "email"]),
            (
                "Achterstand",
                [
                    "achterstand_bedrag",
                    "maandhuur",
                    "achterstand_sinds",
                    "signaaldatum",
                    "onbereikbaar_in_incasso",
                    "meerdere_problemen",
                    "crisissignaal",
                    "warme_overdracht",
                ],
            ),
            (
                "Voortraject (Besluit Wgs art. 2)",
                [
                    "poging_persoonlijk_contact",
                    "gewezen_op_schuldhulp",
                    "schriftelijke_herinnering",
                    "informatieplicht_voldaan",
                    "bezwaar_huurder",
                ],
            ),
        ]
        return [(legend, [self[name] for name in names]) for legend, names in groups]
