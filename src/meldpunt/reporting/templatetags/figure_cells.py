"""A published cell as the dashboard prints it: ``{% load figure_cells %}``, then ``{{ value|cell }}``.

A filter instead of an include per cell: a dashboard has a few hundred cells, and an include costs
a template render each (issue #14). The output is what ``reporting/value.html`` printed (the include it replaces): the count
with a point between thousands (12.345), or "afgeschermd" for a suppressed cell (None).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from meldpunt.core.templatetags.dutch import format_count
from meldpunt.core.widgets import template_text

register = template.Library()


@register.filter("cell")
def cell(value: Any) -> SafeString:
    if value is None:
        return format_html('<span class="mp-suppressed">{}</span>', gettext("afgeschermd"))
    if isinstance(value, int) and not isinstance(value, bool):
        return SafeString(format_count(value))  # digits and points only
    return conditional_escape(localize(value))


def _capfirst(value: Any) -> str:
    """``{{ value|capfirst }}``."""
    text = str(value)
    text = text and text[0].upper() + text[1:]
    safe = isinstance(value, SafeData)  # the filter keeps a safe value safe
    return template_text(mark_safe(text) if safe else text)  # noqa: S308


def _cells(values: Any) -> str:
    return "".join(
        f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{cell(v)}</td>'
        for v in values
    )


@register.simple_tag
def figure_table(table: Any) -> SafeString:
    """A published table as ``reporting/table.html`` prints it, byte for byte, in Python: the
    dashboard shows a dozen tables of a few hundred cells, and the template loops cost half of
    the page's rendering (issue #14). The template is the readable form of this function and
    tests/test_kpis.py compares the two for every table; change both."""
    row_label = table.row_label
    title = template_text(table.title)
    head = "".join(
        '<th scope="col" class="utrecht-table__header-cell utrecht-table__header-cell--numeric"'
        + (f' lang="{template_text(language)}"' if language else "")
        + f">{template_text(column)}</th>"
        for column, language in table.header_columns
    )
    row_head = (
        f'<th scope="col" class="utrecht-table__header-cell">{_capfirst(row_label)}</th>'
        if row_label
        else ""
    )
    total = '<td class="utrecht-table__cell utrecht-table__cell--numeric">'
    rows = "".join(
        '\n    <tr class="utrecht-table__row">\n      '
        + (
            f'<th scope="row" class="utrecht-table__header-cell">{template_text(row["label"])}</th>'
            if row_label
            else ""
        )
        + f"\n      {_cells(row['cells'])}\n      {total}{cell(row['total'])}</td>\n    </tr>\n  "
        for row in table.rows_with_cells
    )
    foot = (
        '\n  <tfoot class="utrecht-table__footer"><tr class="utrecht-table__row">\n'
        '    <th scope="row" class="utrecht-table__header-cell">'
        f"{template_text(gettext('Totaal'))}</th>\n"
        f"    {_cells(table.column_totals)}\n    {total}{cell(table.total)}</td>\n"
        "  </tr></tfoot>\n  "
        if row_label
        else ""
    )
    html = (
        f'<div class="mp-table-wrap" tabindex="0" role="region" aria-label="{title}">\n'
        '<table class="utrecht-table mp-table mp-table--figures">\n'
        f'  <caption class="utrecht-table__caption">{title}</caption>\n'
        '  <thead class="utrecht-table__header"><tr class="utrecht-table__row">\n'
        f"    {row_head}\n    {head}\n"
        '    <th scope="col" class="utrecht-table__header-cell utrecht-table__header-cell--numeric">'
        f"{_capfirst(table.total_label)}</th>\n"
        "  </tr></thead>\n"
        '  <tbody class="utrecht-table__body">\n'
        f"  {rows}\n  </tbody>\n  {foot}\n</table>\n</div>\n"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped (template_text, cell)
