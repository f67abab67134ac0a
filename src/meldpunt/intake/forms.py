"""The web form for one signal. Parsing and checks are the shared intake spec (spec.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput
from meldpunt.organisations.models import PartnerType

from .services import signal_check
from .spec import fields_for

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

    def __init__(self, *args: Any, partner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.partner_type = partner.partner_type or PartnerType.HUUR
        for spec in fields_for(self.partner_type):
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
                    # the spec trims, after refusing a leading tab or CR as files and the API do
                    strip=False,
                    widget=forms.TextInput(attrs),
                )
            field.help_text = _HELP.get(spec.name, "")
            self.fields[spec.name] = field
        # Required fields are checked by the spec (one message text for form, file and API).
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, messages in signal_check(partner=self.partner, raw=cleaned).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def fieldsets(self) -> list[tuple[str, list]]:
        groups = [
            (
                _("Huurder") if self.partner_type == PartnerType.HUUR else _("Klant"),
                [
                    "partner_referentie",
                    "voorletters",
                    "tussenvoegsel",
                    "achternaam",
                    "geboortedatum",
                ],
            ),
            (
                _("Adres"),
                [
                    "straat",
                    "huisnummer",
                    "huisletter",
                    "huisnummertoevoeging",
                    "postcode",
                    "woonplaats",
                ],
            ),
            (_("Contact"), ["telefoonnummer", "email"]),
            (
                _("Achterstand"),
                [
                    "achterstand_bedrag",
                    "maandhuur",
                    "maanden_achterstand",
                    "maandtermijn",
                    "maandpremie",
                    "maandlast",
                    "achterstand_sinds",
                    "signaaldatum",
                    "onbereikbaar_in_incasso",
                    "meerdere_problemen",
                    "crisissignaal",
                    "warme_overdracht",
                ],
            ),
            (
                _("Voortraject (Besluit Wgs art. 2)"),
                [
                    "poging_persoonlijk_contact",
                    "gewezen_op_schuldhulp",
                    "schriftelijke_herinnering",
                    "informatieplicht_voldaan",
                    "aanbod_betalingsregeling",
                    "bezwaar_huurder",
                ],
            ),
            (
                _("Medehuurder (als die er is)"),
                [
                    "medehuurder_voorletters",
                    "medehuurder_tussenvoegsel",
                    "medehuurder_achternaam",
                    "medehuurder_geboortedatum",
                ],
            ),
        ]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in groups
            if any(name in self.fields for name in names)
        ]
