"""A published cell as the dashboard prints it: ``{% load figure_cells %}``, then ``{{ value|cell }}``.

A filter instead of an include per cell: a dashboard has a few hundred cells, and an include costs
a template render each (issue #14). The output is what ``reporting/value.html`` printed (the include it replaces): the count
as Django renders a number, or "afgeschermd" for a suppressed cell (None).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.filter("cell")
def cell(value: Any) -> SafeString:
    if value is None:
        return format_html('<span class="mp-suppressed">{}</span>', gettext("afgeschermd"))
    return conditional_escape(localize(value))
