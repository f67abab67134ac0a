import re

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meldpunt.core.forms import AccessibleFormMixin, DateInput
from meldpunt.core.parsing import FieldError, parse_date, parse_postcode
from meldpunt.organisations.models import District, Organisation, OrganisationType, PartnerType

from .frame import ACTIONS
from .models import Instrument, InstrumentDeployment, InstrumentEvent, LetterKind, Track
from .search import Filters
from .selectors import caseworkers_of, current_letter_templates
from .vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay
from .workflow import CaseStatus


class AssignForm(AccessibleFormMixin, forms.Form):
    """Triage: track and provider; the district's provider is proposed."""

    track = forms.ChoiceField(
        label=_("Route"),
        choices=Track.choices,
        widget=forms.RadioSelect,
        initial=Track.VROEG_EROPAF,
    )
    provider = forms.ModelChoiceField(
        label=_("Uitvoerder"),
        queryset=Organisation.objects.filter(type=OrganisationType.PROVIDER, is_active=True),
        required=False,
        empty_label=_("— kies een uitvoerder —"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    reason = forms.CharField(
        label=_("Reden van afwijken"),
        required=False,
        max_length=200,
        help_text=_("Alleen nodig als u een andere uitvoerder kiest dan die van het stadsdeel."),
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )


# --- case work (issue #4) -----------------------------------------------------------------


TEXTBOX = {"class": "utrecht-textbox"}
REACHED_CHOICES = [("ja", _("Ja, bereikt")), ("nee", _("Nee, niet bereikt"))]


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
        label=_("Soort contact"),
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de soort contact.")},
    )
    reached = forms.ChoiceField(
        label=_("Huurder bereikt?"),
        choices=REACHED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Geef aan of u de huurder heeft bereikt.")},
    )
    on = forms.DateField(
        label=_("Datum"),
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    part_of_day = forms.ChoiceField(
        label=_("Dagdeel"),
        choices=PartOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het dagdeel.")},
    )


class DeployForm(AccessibleFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        empty_label=_("— kies een instrument —"),
        # the catalogue is configured in Dutch by functioneel beheer
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True, "lang": "nl"}),
        error_messages={"required": _("Kies een instrument.")},
    )
    deployed_on = forms.DateField(
        label=_("Datum inzet"),
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    first_due_on = forms.DateField(
        label=_("Eerste vervaldatum"),
        required=False,
        widget=DateInput(attrs=TEXTBOX),
        help_text=_(
            "Bij een instrument met afspraken (betalingsregeling, budgetbeheer, …): de eerste "
            "datum waarop een afspraak moet zijn nagekomen, zoals de eerste termijn."
        ),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    agreements = forms.CharField(
        label=_("Gemaakte afspraken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
        help_text=_("Wordt versleuteld bewaard; nooit zichtbaar voor de verhuurder."),
    )
    monthly_amount = forms.CharField(
        label=_("Maandbedrag (alleen Geregelde betaling)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={**TEXTBOX, "inputmode": "decimal"}),
    )

    def __init__(self, *args, organisation=None, with_amount=True, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Instrument.objects.filter(is_active=True, counts_through_attempts=False)
        field = self.fields["instrument"]
        if organisation is not None:
            allowed = [i for i in qs if organisation.type in i.allowed_organisation_types]
            field.queryset = qs.filter(pk__in=[i.pk for i in allowed])
            # The options from the rows in hand, in the catalogue's order, as the field would
            # list them (one read of the catalogue, not two); the queryset checks what is posted.
            field.widget.choices = [("", field.empty_label)] * (field.empty_label is not None) + [
                (ModelChoiceIteratorValue(i.pk, i), field.label_from_instance(i)) for i in allowed
            ]
        else:
            field.queryset = qs
        if organisation is not None and organisation.is_partner:
            self.fields["agreements"].help_text = _(
                "Verplicht bij een betalingsregeling: bedrag en aantal termijnen. Wordt "
                "versleuteld bewaard; de gemeente ziet uw eigen instrumenten."
            )
        if not with_amount:
            del self.fields["monthly_amount"]


class EventForm(OwnIdsMixin, AccessibleFormMixin, forms.Form):
    id_prefix = "gebeurtenis"

    kind = forms.ChoiceField(
        label=_("Wat is er gebeurd?"),
        choices=InstrumentEvent.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat er is gebeurd.")},
    )
    deployment = forms.ModelChoiceField(
        label=_("Bij instrument"),
        queryset=InstrumentDeployment.objects.none(),
        required=False,
        empty_label=_("— geen (alleen bij weigering) —"),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    on = forms.DateField(
        label=_("Datum"),
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(self, *args, deployments=None, shown=None, landlord=False, **kwargs):
        """``deployments``: the queryset a posted deployment must be in; ``shown``: those rows
        already read (with their instrument), to list without reading them again."""
        super().__init__(*args, **kwargs)
        if deployments is not None:
            field = self.fields["deployment"]
            field.queryset = deployments
            field.label_from_instance = lambda d: f"{d.instrument.name} ({d.deployed_on:%d-%m-%Y})"
        if landlord:
            self.fields["kind"].choices = [
                c for c in InstrumentEvent.Kind.choices if c[0] != InstrumentEvent.Kind.REFUSED
            ]
            self.fields["deployment"].required = True
            self.fields["deployment"].empty_label = "— kies uw instrument —"
        if deployments is not None and shown is not None:
            field = self.fields["deployment"]
            field.widget.choices = [("", field.empty_label)] + [
                (ModelChoiceIteratorValue(d.pk, d), field.label_from_instance(d)) for d in shown
            ]


class NoteForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Notitie (andere schulden en problemen)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4, "required": True}),
        help_text=_("Versleuteld; alleen zichtbaar voor de gemeente en de eigen uitvoerder."),
        error_messages={"required": _("Schrijf een notitie.")},
    )


class CloseForm(AccessibleFormMixin, forms.Form):
    end_result = forms.ChoiceField(
        label=_("Eindresultaat"),
        choices=[("", _("— kies een eindresultaat —")), *END_RESULT_CHOICES],
        widget=forms.Select(attrs={"class": "utrecht-select", "required": True}),
        error_messages={"required": _("Kies een eindresultaat.")},
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


# --- lists that find anything (issue #12) -------------------------------------------------


class CaseSearchForm(AccessibleFormMixin, forms.Form):
    """Search by the blind indexes; posted, never in the URL (search.py)."""

    achternaam = forms.CharField(label=_("Achternaam"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}))  # fmt: skip
    geboortedatum = forms.CharField(
        label=_("Geboortedatum"),
        required=False,
        help_text=_("Bijvoorbeeld 17-05-1980."),
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off", "inputmode": "numeric"}),
    )
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=7,
                               widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}))  # fmt: skip
    huisnummer = forms.CharField(
        label=_("Huisnummer"),
        required=False,
        max_length=12,
        help_text=_("Met huisletter of toevoeging als die er is, bijvoorbeeld 12A of 12-2."),
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    referentie = forms.CharField(label=_("Referentie signaalpartner"), required=False,
                                 max_length=60,
                                 widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}))  # fmt: skip
    filters = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def clean(self):
        data = super().clean()
        name, birth = data.get("achternaam", "").strip(), data.get("geboortedatum", "").strip()
        postcode, number = data.get("postcode", "").strip(), data.get("huisnummer", "").strip()
        if name and not birth:
            self.add_error(
                "geboortedatum",
                _("Vul ook de geboortedatum in: zoeken op alleen een naam kan niet."),
            )
        if birth and not name:
            self.add_error("achternaam", _("Vul ook de achternaam in."))
        if birth:
            try:
                data["birth_date"] = parse_date(birth)
            except FieldError as exc:
                self.add_error("geboortedatum", str(exc))
        if postcode and not number:
            self.add_error("huisnummer", _("Vul ook het huisnummer in."))
        if number and not postcode:
            self.add_error("postcode", _("Vul ook de postcode in."))
        if postcode:
            try:
                data["postcode_clean"] = parse_postcode(postcode)
            except FieldError as exc:
                self.add_error("postcode", str(exc))
        if number:
            match = HOUSE_NUMBER.fullmatch(number.replace(" ", ""))
            if match is None:
                self.add_error("huisnummer", _("Gebruik een huisnummer als 12, 12A of 12-2."))
            else:
                # As the intake stores them: the number as an integer, the letter upper case.
                data["number"], data["letter"], data["addition"] = (
                    str(int(match.group(1))), (match.group(2) or "").upper(), match.group(3) or ""
                )  # fmt: skip
        if not (name or birth or postcode or number or data.get("referentie", "").strip()):
            raise forms.ValidationError(
                _("Vul een achternaam en geboortedatum, een postcode en huisnummer of een "
                  "referentie in.")
            )  # fmt: skip
        return data


HOUSE_NUMBER = re.compile(r"(\d{1,5})([A-Za-z]?)(?:-([0-9A-Za-z]{1,4}))?", re.ASCII)


SELECT = {"class": "utrecht-select"}


class CaseFilterForm(forms.Form):
    """Filters of the case list: ids and statuses only, so they may stay in the URL."""

    staat = forms.ChoiceField(
        label=_("Zaken"),
        required=False,
        choices=[("open", _("Lopend")), ("gesloten", _("Afgesloten")), ("alle", _("Alle"))],
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select(attrs=SELECT))
    route = forms.ChoiceField(label=_("Route"), required=False, widget=forms.Select(attrs=SELECT))
    stadsdeel = forms.TypedChoiceField(label=_("Stadsdeel"), required=False, coerce=int,
                                       empty_value=None, widget=forms.Select(attrs=SELECT))  # fmt: skip
    uitvoerder = forms.TypedChoiceField(label=_("Uitvoerder"), required=False, coerce=int,
                                        empty_value=None, widget=forms.Select(attrs=SELECT))  # fmt: skip
    casemanager = forms.ChoiceField(label=_("Casemanager"), required=False,
                                    widget=forms.Select(attrs=SELECT))  # fmt: skip
    partner = forms.TypedChoiceField(label=_("Signaalpartner"), required=False, coerce=int,
                                     empty_value=None, widget=forms.Select(attrs=SELECT))  # fmt: skip
    te_laat = forms.BooleanField(label=_("Alleen over de termijn"), required=False)
    crisis = forms.BooleanField(label=_("Alleen crisissignalen"), required=False)
    sorteer = forms.ChoiceField(
        label=_("Sorteer op"),
        required=False,
        choices=[
            ("termijn", _("Termijn (te laat eerst)")),
            ("ontvangen", _("Ontvangen (nieuwste eerst)")),
        ],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Alle"))]
        self.fields["status"].choices = any_ + list(CaseStatus.choices)
        self.fields["route"].choices = any_ + list(Track.choices)
        organisation = user.organisation
        districts = District.objects.filter(
            municipality_id__in=organisation.municipality_ids()
        ).order_by("name")
        self.fields["stadsdeel"].choices = any_ + list(districts.values_list("pk", "name"))
        regie = user.has_perm("cases.view_all_cases") and organisation.is_municipality
        if regie:
            # Providers and partners in one query (every query of a page is a round trip).
            kinds = (OrganisationType.PROVIDER, OrganisationType.PARTNER)
            named: dict[str, list] = {kind: [] for kind in kinds}
            for pk, name, kind in Organisation.objects.filter(
                type__in=kinds, is_active=True
            ).values_list("pk", "name", "type"):
                named[kind].append((pk, name))
            self.fields["uitvoerder"].choices = any_ + named[OrganisationType.PROVIDER]
            self.fields["partner"].choices = any_ + named[OrganisationType.PARTNER]
        else:
            del self.fields["uitvoerder"], self.fields["partner"]
        workers = [("", _("Iedereen")), ("mijn", _("Mijn zaken")), ("geen", _("Nog niemand"))]
        if user.has_perm("cases.distribute_cases"):
            workers += [(str(w.pk), worker_name(w)) for w in caseworkers_of(organisation)]
        if regie:
            del self.fields["casemanager"]
        else:
            self.fields["casemanager"].choices = workers

    def filters(self) -> Filters:
        """The valid filters; a value that is not a choice is dropped, never an error page."""
        data = self.cleaned_data if self.is_valid() else {
            k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors
        }  # fmt: skip
        return Filters(
            state=data.get("staat") or "open",
            status=data.get("status") or "",
            track=data.get("route") or "",
            district=data.get("stadsdeel"),
            provider=data.get("uitvoerder"),
            caseworker=data.get("casemanager") or "",
            partner=data.get("partner"),
            overdue=bool(data.get("te_laat")),
            crisis=bool(data.get("crisis")),
            sort=data.get("sorteer") or "termijn",
        )


class HomeVisitForm(OwnIdsMixin, AccessibleFormMixin, forms.Form):
    """Plan a home visit: a date and a part of the day."""

    id_prefix = "bezoek"

    planned_on = forms.DateField(
        label=_("Datum bezoek"),
        initial=_today,
        widget=DateInput(attrs={**TEXTBOX, "required": True}),
        error_messages={
            "required": _("Vul de datum van het bezoek in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    part_of_day = forms.ChoiceField(
        label=_("Dagdeel"),
        choices=PartOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het dagdeel van het bezoek.")},
    )


LANGUAGE_CHOICES = [("nl", _("Nederlands")), ("en", _("Engels"))]


class LetterForm(OwnIdsMixin, AccessibleFormMixin, forms.Form):
    """Which letter or card, in which language. A caseworker makes letters and door cards;
    regie makes the information letter on receipt of a signal (AVG art. 14)."""

    id_prefix = "brief"

    template = forms.ChoiceField(
        label=_("Brief of kaartje"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een brief of kaartje.")},
    )
    language = forms.ChoiceField(
        label=_("Taal"),
        choices=LANGUAGE_CHOICES,
        initial="nl",
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de taal van de brief.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = set()
        if user is not None and user.has_perm("cases.work_case"):
            kinds |= {LetterKind.LETTER, LetterKind.DOOR_CARD}
        if user is not None and user.has_perm("intake.triage_signal"):
            kinds.add(LetterKind.INFORMATION)
        self.fields["template"].choices = [
            # a template's name is configuration, written in Dutch by functioneel beheer
            (t.code, format_html('<span lang="nl">{}</span>', t.name))
            for t in current_letter_templates()
            if t.kind in kinds
        ]
        self.fields["template"].error_messages["invalid_choice"] = _("Kies een brief of kaartje.")


def _text_area(rows: int):
    return forms.Textarea(attrs={"class": "utrecht-textarea", "rows": rows})


class LetterTemplateForm(AccessibleFormMixin, forms.Form):
    """The texts of one template, in Dutch and in English."""

    subject_nl = forms.CharField(label=_("Onderwerp (Nederlands)"), max_length=150,
                                 widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    action_nl = forms.CharField(
        label=_("Wat de huurder moet doen (Nederlands)"),
        help_text=_("Staat bovenaan in een kader: de actie eerst."),
        widget=_text_area(3),
    )
    body_nl = forms.CharField(label=_("Tekst (Nederlands)"), widget=_text_area(14))
    subject_en = forms.CharField(label=_("Onderwerp (Engels)"), max_length=150,
                                 widget=forms.TextInput(attrs=TEXTBOX))  # fmt: skip
    action_en = forms.CharField(label=_("Wat de huurder moet doen (Engels)"), widget=_text_area(3))
    body_en = forms.CharField(label=_("Tekst (Engels)"), widget=_text_area(14))


class FrameRuleForm(forms.Form):
    """One rule of the assessment frame: the conditions it sets, the queue and first action."""

    def full_clean(self) -> None:
        super().full_clean()
        # In a formset the ids carry the prefix: tie each error to its own input.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    queue = forms.CharField(label=_("Werkbak"), max_length=80, widget=forms.TextInput(attrs=TEXTBOX),
                            error_messages={"required": _("Vul de naam van de werkbak in.")})  # fmt: skip
    action = forms.ChoiceField(
        label=_("Eerste actie"),
        choices=[(a, a) for a in ACTIONS],
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    partner_type = forms.ChoiceField(
        label=_("Soort signaalpartner"),
        required=False,
        choices=[("", _("elke soort")), *PartnerType.choices],
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    min_amount = forms.DecimalField(label=_("Achterstand vanaf (€)"), required=False, min_value=0,
                                    max_digits=10, decimal_places=2,
                                    widget=forms.NumberInput(attrs=TEXTBOX))  # fmt: skip
    min_months = forms.DecimalField(label=_("Maanden achterstand vanaf"), required=False,
                                    min_value=0, max_digits=4, decimal_places=1,
                                    widget=forms.NumberInput(attrs=TEXTBOX))  # fmt: skip
    several_creditors = forms.BooleanField(label=_("Meer schuldeisers"), required=False)
    crisis = forms.BooleanField(label=_("Crisissignaal"), required=False)
    under_27 = forms.BooleanField(label=_("Jonger dan 27"), required=False)
    warm_handover = forms.BooleanField(label=_("Warme overdracht"), required=False)
    repeat = forms.BooleanField(label=_("Herhaald signaal"), required=False)


FrameRuleFormSet = forms.formset_factory(FrameRuleForm, extra=1, can_delete=True, can_order=True)
