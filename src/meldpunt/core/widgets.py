"""Django's widget templates written out in Python: the form renderer (``FORM_RENDERER``).

Django renders every widget, every radio button and every select option through its template
engine: a few template renders per option, which made the form widgets about a quarter of the
CPU of the case page (issue #14). ``WidgetRenderer`` prints Django's own widget templates (input,
its option and the group of options, select with its options, textarea) with the same Python
steps the templates take, byte for byte: the same escaping (``conditional_escape``), the same
localisation of values, the same ``stringformat:'s'`` for values, the same whitespace. Any other
template (the form and field templates, a multi-widget, a file input with its current file) and
any widget template an app overrides go through the template engine as before.
tests/test_widget_rendering.py renders each widget both ways and compares the bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"


def template_text(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe (render_value_in_context)."""
    value = localize(template_localtime(value))
    if not isinstance(value, str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe (is_safe=True)."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own operation)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {template_text(name)}"
        if value is True
        else f' {template_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, with its plainest widget templates printed in Python."""

    def __init__(self) -> None:
        super().__init__()
        plain: dict[str, Callable[[dict[str, Any]], str]] = {
            "input.html": self._input,
            "input_option.html": self._input_option,
            "multiple_input.html": self._multiple_input,
            "select.html": self._select,
            "select_option.html": self._select_option,
            "textarea.html": self._textarea,
        }
        # Templates that are one include of another, and a newline.
        wrappers = {
            name: "input.html"
            for name in (
                "checkbox.html", "color.html", "date.html", "datetime.html", "email.html",
                "file.html", "hidden.html", "number.html", "password.html", "search.html",
                "tel.html", "text.html", "time.html", "url.html",
            )
        } | {
            "checkbox_option.html": "input_option.html",
            "radio_option.html": "input_option.html",
            "checkbox_select.html": "multiple_input.html",
            "radio.html": "multiple_input.html",
        }  # fmt: skip
        for name, inner in wrappers.items():
            plain[name] = self._wrapper(plain[inner])
        # Only where the engine uses Django's own files: when an app overrides one of them (or
        # attrs.html, which they all include), every widget goes through the templates.
        own = Path(django.forms.__file__).parent / "templates" / _WIDGETS
        overridden = [
            name
            for name in [*plain, "attrs.html"]
            if Path(self.get_template(_WIDGETS + name).origin.name) != own / name
        ]
        self._python = {} if overridden else {_WIDGETS + n: r for n, r in plain.items()}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        python = self._python.get(template_name)
        if python is None or request is not None or set(context) != {"widget"}:
            return super().render(template_name, context, request=request)
        return python(context["widget"]).strip()

    def _include(self, widget: dict[str, Any]) -> str:
        """``{% include option.template_name with widget=option %}``: unstripped."""
        name = widget["template_name"]
        python = self._python.get(name)
        if python is not None:
            return python(widget)
        return self.get_template(name).render({"widget": widget})

    @staticmethod
    def _wrapper(inner: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
        return lambda widget: inner(widget) + "\n"

    @staticmethod
    def _input(widget: dict[str, Any]) -> str:
        value = widget["value"]
        shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 (as the template)
        return (
            f'<input type="{template_text(widget["type"])}" name="{template_text(widget["name"])}"{shown}'
            f"{_attrs(widget['attrs'])}>\n"
        )

    def _input_option(self, widget: dict[str, Any]) -> str:
        if not widget.get("wrap_label"):
            return self._input(widget) + "\n"
        label_for = widget["attrs"].get("id")
        label_for = f' for="{template_text(label_for)}"' if label_for else ""
        return f"<label{label_for}>{self._input(widget)} {template_text(widget['label'])}</label>\n"

    def _multiple_input(self, widget: dict[str, Any]) -> str:
        attrs = widget["attrs"]
        parts = ["<div"]
        if attrs.get("id"):
            parts.append(f' id="{template_text(attrs["id"])}"')
        if attrs.get("class"):
            parts.append(f' class="{template_text(attrs["class"])}"')
        parts.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{template_text(group)}</label>")
            for option in options:
                parts.append(f"<div>\n    {self._include(option)}</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n")
        return "".join(parts)

    def _select(self, widget: dict[str, Any]) -> str:
        parts = [f'<select name="{template_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{template_text(group)}">')
            for option in options:
                parts.append(f"\n  {self._include(option)}")
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)

    @staticmethod
    def _select_option(widget: dict[str, Any]) -> str:
        return (
            f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
            f"{template_text(widget['label'])}</option>\n"
        )

    @staticmethod
    def _textarea(widget: dict[str, Any]) -> str:
        value = widget["value"]
        return (
            f'<textarea name="{template_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{template_text(value) if value else ''}</textarea>\n"
        )
