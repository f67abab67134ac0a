"""The form renderer prints Django's widget templates in Python (issue #14): the same bytes as
the templates, for every widget, value and attribute the templates distinguish."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given, settings
from hypothesis import strategies as st

from meldpunt.core.widgets import WidgetRenderer

TEMPLATES = DjangoTemplates()
PYTHON = WidgetRenderer()

CHOICES = [
    ("", "— kies —"),
    ("a", "Één & <twee>"),
    (3, gettext_lazy("Nee")),
    ("Groep", [("g1", "in groep"), ("g2", mark_safe("<b>veilig</b>"))]),
    (Decimal("1.50"), 1.5),
    (date(2026, 3, 2), date(2026, 3, 2)),
]
VALUES = [
    None, "", "tekst", 'a"b<c>&\'d', mark_safe("<i>veilig</i>"), 0, 12, 1.25, Decimal("1234.50"),
    True, False, date(2026, 3, 2), datetime(2026, 3, 2, 9, 30, tzinfo=UTC), ["a", "g2"], ("a", 3),
    gettext_lazy("Ja"),
]  # fmt: skip
ATTRS = [
    {},
    {"id": "id_veld"},
    {"id": "id_veld", "class": "mp-x", "required": True, "disabled": False},
    {"aria-describedby": 'x" onload="y', "data-n": 3, "placeholder": gettext_lazy("Nee")},
    {"id": "", "class": "", "min": date(2026, 1, 1), "step": Decimal("0.01")},
]
WIDGETS = [
    forms.TextInput(), forms.NumberInput(), forms.EmailInput(), forms.URLInput(),
    forms.PasswordInput(render_value=True), forms.HiddenInput(), forms.DateInput(),
    forms.DateInput(format="%d-%m-%Y"), forms.DateTimeInput(), forms.TimeInput(),
    forms.SearchInput(), forms.TelInput(), forms.ColorInput(), forms.CheckboxInput(),
    forms.FileInput(), forms.Textarea(), forms.Textarea(attrs={"rows": 3}),
    forms.Select(choices=CHOICES), forms.SelectMultiple(choices=CHOICES),
    forms.NullBooleanSelect(), forms.RadioSelect(choices=CHOICES),
    forms.CheckboxSelectMultiple(choices=CHOICES), forms.ClearableFileInput(),
    forms.MultipleHiddenInput(), forms.SplitDateTimeWidget(), forms.SelectDateWidget(),
]  # fmt: skip


def both(widget: forms.Widget, value, attrs) -> tuple[str, str]:
    return (
        widget.render("veld", value, attrs=dict(attrs), renderer=TEMPLATES),
        widget.render("veld", value, attrs=dict(attrs), renderer=PYTHON),
    )


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_widget_prints_the_bytes_of_its_template(widget, language):
    with override(language):
        for value in VALUES:
            for attrs in ATTRS:
                try:
                    expected = widget.render("veld", value, attrs=dict(attrs), renderer=TEMPLATES)
                except (TypeError, ValueError, AttributeError):
                    continue  # a value this widget cannot take: neither renderer is asked
                printed = widget.render("veld", value, attrs=dict(attrs), renderer=PYTHON)
                assert printed == expected, (type(widget).__name__, value, attrs)


def test_each_radio_button_and_its_label_print_as_the_template():
    field = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    form_templates = forms.Form(renderer=TEMPLATES)
    form_python = forms.Form(renderer=PYTHON)
    for form in (form_templates, form_python):
        form.fields["soort"] = field
    radios = zip(form_templates["soort"], form_python["soort"], strict=True)
    for template_radio, python_radio in radios:
        assert python_radio.tag() == template_radio.tag()
        assert python_radio.tag(wrap_label=True) == template_radio.tag(wrap_label=True)
        assert str(python_radio) == str(template_radio)


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(st.none(), st.text(), st.integers(), st.decimals(allow_nan=False)),
    attrs=st.dictionaries(
        st.sampled_from(["id", "class", "title", "data-x", "required", "aria-label"]),
        st.one_of(st.text(), st.booleans(), st.integers()),
        max_size=4,
    ),
    label=st.text(),
)
def test_any_value_attribute_and_label(value, attrs, label):
    for widget in (
        forms.TextInput(),
        forms.Textarea(),
        forms.Select(choices=[(value, label), ("x", label)]),
        forms.RadioSelect(choices=[(value, label), ("x", label)]),
    ):
        expected, printed = both(widget, value, attrs)
        assert printed == expected


def test_an_overridden_widget_template_is_rendered_by_the_engine(tmp_path, settings):
    """An app that brings its own widget template gets it: nothing is printed in Python."""

    class Overriding(WidgetRenderer):
        @property
        def engine(self):
            return self.backend(
                {
                    "APP_DIRS": False,
                    "DIRS": [tmp_path, *TEMPLATES.engine.dirs],
                    "NAME": "overriding",
                    "OPTIONS": {},
                }
            )

    widgets = tmp_path / "django" / "forms" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "input.html").write_text('<input class="eigen" name="{{ widget.name }}">')
    assert forms.TextInput().render("veld", "x", renderer=Overriding()) == (
        '<input class="eigen" name="veld">'
    )


def test_the_project_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


@pytest.mark.django_db
def test_the_case_page_is_the_same_with_the_templates(clients, covenant, users, today, settings):
    """The page with the most forms, with and without errors, in Dutch and English."""
    import re

    from django.urls import reverse

    from meldpunt.cases.models import Instrument, Track
    from meldpunt.cases.services import case_assign, contact_attempt_record, instrument_deploy
    from meldpunt.intake.services import signal_submit

    from .conftest import signal_data

    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    case_assign(case_id=signal.case_id, provider=covenant["centram"],
                track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
    contact_attempt_record(case_id=signal.case_id, by=users["centram"], kind="Telefoon",
                           reached=True, on=today, part_of_day="Ochtend")  # fmt: skip
    instrument_deploy(case_id=signal.case_id, by=users["centram"],
                      instrument=Instrument.objects.get(code="budgetbeheer"), deployed_on=today,
                      agreements="<b>elke maand</b>", first_due_on=today)  # fmt: skip
    public_id = signal.case.public_id
    client = clients["centram"]

    def pages() -> list[str]:
        shown = []
        for language in ("nl", "en"):
            client.cookies["django_language"] = language
            shown.append(client.get(reverse("cases:case-detail", args=[public_id])).content)
            bad = {"kind": "Duif", "reached": "misschien", "on": "31-02-2026"}
            shown.append(
                client.post(reverse("cases:attempt-create", args=[public_id]), bad).content
            )
        token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
        return [token.sub(b"", page).decode() for page in shown]

    python = pages()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    assert not isinstance(get_default_renderer(), WidgetRenderer)
    assert pages() == python
    assert "<select" in python[0] and 'type="radio"' in python[0] and "<textarea" in python[0]
    assert "fouten in het formulier" in python[1] and "errors in the form" in python[3]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_each_field_prints_as_its_include(covenant, users, language):
    """{% field_html %} and {% radios_html %} print what includes/field.html and
    cases/includes/radios.html print, for every field of the case page's forms, with and
    without errors, and for a checkbox with help text."""
    from django.template.loader import render_to_string

    from meldpunt.cases import forms as case_forms
    from meldpunt.cases.models import InstrumentDeployment
    from meldpunt.core.templatetags.fields import field_html, radios_html

    class Checkbox(forms.Form):
        agree = forms.BooleanField(label="Akkoord <ja>", help_text="Met & zonder")
        name = forms.CharField(widget=forms.TextInput(attrs={"required": True}))

    worker = users["centram"]
    deployments = InstrumentDeployment.objects.none()
    unbound = [
        case_forms.ContactAttemptForm(), case_forms.HomeVisitForm(), case_forms.NoteForm(),
        case_forms.CloseForm(), case_forms.EventForm(deployments=deployments),
        case_forms.DeployForm(organisation=worker.organisation, with_amount=True),
        case_forms.LetterForm(user=worker), case_forms.AssignForm(), Checkbox(),
    ]  # fmt: skip
    bad = {"kind": "Duif", "on": "31-02-2026", "planned_on": "x", "text": "", "agree": ""}
    bound = [
        case_forms.ContactAttemptForm(bad), case_forms.HomeVisitForm(bad),
        case_forms.NoteForm(bad), case_forms.CloseForm(bad),
        case_forms.EventForm(bad, deployments=deployments),
        case_forms.DeployForm(bad, organisation=worker.organisation), Checkbox(bad),
    ]  # fmt: skip
    compared = errors = 0
    with override(language):
        for form in [*unbound, *bound]:
            form.is_valid() if form.is_bound else None
            for field in form:
                expected = render_to_string("includes/field.html", {"field": field})
                assert field_html(field) == expected, (type(form).__name__, field.name)
                if isinstance(field.field.widget, forms.RadioSelect):
                    expected = render_to_string("cases/includes/radios.html", {"field": field})
                    assert radios_html(field) == expected, (type(form).__name__, field.name)
                compared += 1
                errors += bool(field.errors)
    assert compared > 30 and errors > 5


@pytest.mark.django_db
def test_the_required_mark_is_in_the_page_language(covenant):
    """ "(verplicht)" was written into both the include and its Python version, so English pages
    said it in Dutch; the check for Dutch on English pages only knows the catalogue's texts."""
    from meldpunt.cases import forms as case_forms
    from meldpunt.core.templatetags.fields import field_html, radios_html

    class Required(forms.Form):
        name = forms.CharField(widget=forms.TextInput(attrs={"required": True}))

    for language, mark, other in (("nl", "(verplicht)", "(required)"),
                                  ("en", "(required)", "(verplicht)")):  # fmt: skip
        with override(language):
            for html in (radios_html(case_forms.ContactAttemptForm()["kind"]),
                         field_html(Required()["name"])):  # fmt: skip
                assert mark in html and other not in html, (language, html)
