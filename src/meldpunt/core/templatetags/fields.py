"""A form field as ``includes/field.html`` and a radio group as ``cases/includes/radios.html``
print it, in Python: ``{% load fields %}``, then ``{% field_html form.name %}`` or
``{% radios_html form.kind %}``.

An include costs a template render with a dozen lookups per field; the case page shows some
twenty fields (issue #14). The output is the include's, byte for byte (the same escaping and
whitespace; tests/test_widget_rendering.py compares both for every field of the case page's
forms, with and without errors, in Dutch and English). The include stays the one to change for
a new design: change both, the test tells when they differ.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from meldpunt.core.widgets import template_text as text

register = template.Library()


def _errors(field: BoundField) -> str:
    messages = "".join(f"<p>{text(error)}</p>" for error in field.errors)
    return f'<div class="utrecht-form-field-error-message" id="{text(field.auto_id)}_error">{messages}</div>'


@register.simple_tag
def field_html(field: BoundField) -> SafeString:
    """includes/field.html: label, description, errors and the input, tied together."""
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    errors = bool(field.errors)
    label_for, label = text(field.id_for_label), text(field.label)
    parts = [
        '\n<div class="utrecht-form-field',
        " utrecht-form-field--checkbox" if checkbox else "",
        " utrecht-form-field--invalid" if errors else "",
        '">\n  ',
    ]
    if checkbox:
        parts.append(
            f'\n  <div class="utrecht-form-field__input">{text(field)}</div>\n'
            f'  <div class="utrecht-form-field__label"><label class="utrecht-form-label '
            f'utrecht-form-label--checkbox" for="{label_for}">{label}</label></div>\n  '
        )
    else:
        required = (
            f' <span class="mp-required">{text(gettext("(verplicht)"))}</span>'
            if field.field.widget.attrs.get("required")
            else ""
        )
        parts.append(
            f'\n  <div class="utrecht-form-field__label"><label class="utrecht-form-label" '
            f'for="{label_for}">{label}{required}</label></div>\n  '
        )
    parts.append("\n  ")
    if field.help_text:
        parts.append(
            f'<div class="utrecht-form-field__description" id="{text(field.auto_id)}_helptext">'
            f"{text(field.help_text)}</div>"
        )
    parts.append("\n  ")
    if errors:
        parts.append(_errors(field))
    parts.append("\n  ")
    if not checkbox:
        parts.append(f'<div class="utrecht-form-field__input">{text(field)}</div>')
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped by text()


@register.simple_tag
def radios_html(field: BoundField) -> SafeString:
    """cases/includes/radios.html: a fieldset with a legend, its errors and the options."""
    errors = bool(field.errors)
    auto_id = text(field.auto_id)
    parts = [
        f'\n<fieldset id="{auto_id}" tabindex="-1" class="mp-radios',
        " utrecht-form-field--invalid" if errors else "",
        '"',
        f' aria-describedby="{auto_id}_error"' if errors else "",
        ">\n",
        f"  <legend>{text(field.label)} "
        f'<span class="mp-required">{text(gettext("(verplicht)"))}</span></legend>\n  ',
        _errors(field) if errors else "",
        '\n  <div class="mp-radios__options">\n  ',
    ]
    for radio in field:
        parts.append(
            '<div class="utrecht-form-field utrecht-form-field--checkbox mp-radio">'
            f'{text(radio.tag())} <label class="utrecht-form-label" '
            f'for="{text(radio.id_for_label)}">{text(radio.choice_label)}</label></div>'
        )
    parts.append("\n  </div>\n</fieldset>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped by text()
