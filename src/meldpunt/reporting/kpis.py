"""The KPIs of early detection over a period, from the figures (``figures.py``), scoped by role.

``beleid`` sees its municipalities whole; a partner its own signals and the cases they are in; a
provider the cases assigned to it. Every published count passes small-cell suppression
(``suppression.py``): a count below k is hidden, with enough others that it cannot be worked out
from the totals. Shares and medians are shown only when their base is at least k.

The measures (docs/adr/0011-figures.md): signals received; not taken up by reason; taken up;
reached (a contact attempt with ``bereikt``) as a share; days from receipt to first attempt and to
first contact (median and 90th percentile); instruments by category with the budgetbeheer share
(art. 7); DDAS end results; Sluitende Aanpak checks; deadline compliance; recurrence within 6 and
12 months after closing (art. 2.4); bailiff hand-overs and evictions with and without a valid
verklaring, per year and per landlord (ADR 0106); Geregelde betaling started, running and ended by
reason, arrears cleared among them (ADR 0111; municipality, district and track only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from meldpunt.cases.models import Track
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.organisations.models import District, Municipality, Organisation, PartnerType

from .figures import month_start, months_between
from .models import Figure, FiguresRefresh
from .suppression import suppress, suppress_line, threshold

BREAKDOWNS = {
    "": _("geen"),
    "municipality": _("gemeente"),
    "partner": _("signaalpartner"),
    "partner_type": _("soort signaalpartner"),
    "district": _("stadsdeel"),
    "provider": _("uitvoerder"),
    "track": _("route"),
    "month": _("maand"),
}
NOT_TAKEN_UP = (
    SignalStatus.UNJUSTIFIED,
    SignalStatus.REPEAT,
    SignalStatus.DECEASED,
    SignalStatus.NOT_A_RESIDENT,
    SignalStatus.OTHER_REASON,
    SignalStatus.ALREADY_KNOWN,
)


@dataclass(frozen=True)
class Scope:
    """Whose figures a user may see."""

    municipality_ids: tuple[int, ...]
    partner_id: int | None = None  # a partner: its own signals and their cases only
    provider_id: int | None = None  # a provider: the cases assigned to it only

    @property
    def label(self) -> str:
        if self.partner_id:
            return "partner"
        if self.provider_id:
            return "provider"
        return "municipality"


def scope_for(user: Any) -> Scope:
    organisation = getattr(user, "organisation", None)
    if organisation is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    municipalities = tuple(organisation.municipality_ids())
    if organisation.is_municipality and user.has_perm("cases.view_statistics"):
        return Scope(municipalities)
    if organisation.is_partner and user.has_perm("intake.submit_signal"):
        return Scope(municipalities, partner_id=organisation.pk)
    if organisation.is_provider and user.has_perm("cases.view_assigned_case"):
        return Scope(municipalities, provider_id=organisation.pk)
    raise PermissionDenied


@dataclass(frozen=True)
class Column:
    label: str
    measure: str
    key: str = ""
    # The label is a stored DDAS value (a status, result, category): it stays Dutch in every
    # language and is marked lang="nl" on the page.
    vocabulary: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A published table: disjoint columns whose row total means something (``total_label``)."""

    slug: str
    title: str
    total_label: str
    columns: tuple[Column, ...]
    per_signal: bool = False  # each count belongs to one partner (a signal), so rows add up


@dataclass
class Table:
    """A published table: rows × columns of counts (None = suppressed) with totals."""

    title: str
    row_label: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    slug: str = ""
    total_label: str = "totaal"
    note: str = ""
    row_keys: list[Any] = field(default_factory=list)
    column_languages: list[str] = field(default_factory=list)
    # A stable code per column (the DDAS value, or the measure): what the API names it by.
    column_keys: list[str] = field(default_factory=list)

    @property
    def header_columns(self) -> list[tuple[str, str]]:
        """(label, language) per column: "nl" for a DDAS value, "" for interface text."""
        languages = self.column_languages or [""] * len(self.columns)
        return list(zip(self.columns, languages, strict=True))

    def as_records(self) -> list[list[Any]]:
        """The table as a download: a header, one line per row and the totals."""
        header = [self.row_label or "", *self.columns, self.total_label]
        body = [
            [row, *cells, total]
            for row, cells, total in zip(self.rows, self.cells, self.row_totals, strict=True)
        ]
        if self.row_label:
            body.append(["totaal", *self.column_totals, self.total])
        return [header, *body]

    @property
    def rows_with_cells(self) -> list[dict[str, Any]]:
        return [
            {"label": label, "cells": cells, "total": total}
            for label, cells, total in zip(self.rows, self.cells, self.row_totals, strict=True)
        ]

    def column(self, label: str) -> list[int | None]:
        index = self.columns.index(label)
        return [cells[index] for cells in self.cells]


@dataclass
class Dashboard:
    start: date
    end: date
    scope: Scope
    breakdown: str
    tables: list[Table] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)
    trend: list[Table] = field(default_factory=list)
    refreshed_at: Any = None
    k: int = 10

    def table(self, slug: str) -> Table:
        return next(t for t in [*self.tables, *self.trend] if t.slug == slug)


MEASURES = [
    "signals.received", "signals.status", "cases.opened", "cases.attempted", "cases.reached",
    "cases.closed", "cases.first_attempt_deadline", "instruments.category", "instruments.code",
    "checks", "recurrence.6m", "recurrence.followed_6m", "recurrence.12m",
    "recurrence.followed_12m", "cases.first_attempt_days", "cases.first_contact_days",
    "outcomes", "geregeld.started",
]  # fmt: skip


def _scoped(scope: Scope, start: date, end: date) -> QuerySet[Figure]:
    rows = Figure.objects.filter(month__gte=month_start(start), month__lte=month_start(end))
    if scope.provider_id:
        # A provider sees the cases assigned to it, for whichever municipality (as its case list).
        return rows.filter(provider_id=scope.provider_id)
    return rows.filter(municipality_id__in=scope.municipality_ids)


def _level(scope: Scope, start: date, end: date, breakdown: str) -> QuerySet[Figure]:
    """The rows to sum: a case with signals of several partners has a row for each of them and
    one without a partner; which ones are read depends on the breakdown (figures.py)."""
    rows = _scoped(scope, start, end)
    if scope.partner_id:
        return rows.filter(partner_id=scope.partner_id)
    if breakdown == "partner":
        return rows.filter(partner__isnull=False)
    if breakdown == "partner_type":
        return rows.filter(partner__isnull=True).exclude(partner_type="")
    return rows.filter(partner__isnull=True, partner_type="")


_COLUMN = {
    "": None, "municipality": "municipality_id", "partner": "partner_id",
    "partner_type": "partner_type", "district": "district_id", "provider": "provider_id",
    "track": "track", "month": "month",
}  # fmt: skip


def _grouped(
    scope: Scope, start: date, end: date, breakdown: str
) -> dict[Any, dict[tuple[str, str], int]]:
    """{breakdown value: {(measure, key): sum}}, with the derived disjoint measures."""
    column = _COLUMN[breakdown]
    rows = _level(scope, start, end, breakdown).filter(measure__in=MEASURES)
    fields = ["measure", "key"] + ([column] if column else [])
    result: dict[Any, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for measure, key, *group, n in rows.values_list(*fields).annotate(n=Sum("value")).order_by():
        result[group[0] if group else ""][(measure, key)] += n
    for values in result.values():
        opened, attempted = values[("cases.opened", "")], values[("cases.attempted", "")]
        values[("cases.not_attempted", "")] = opened - attempted
        values[("cases.not_reached", "")] = attempted - values[("cases.reached", "")]
        for months in (6, 12):
            followed = values[(f"recurrence.followed_{months}m", "")]
            values[(f"recurrence.none_{months}m", "")] = (
                followed - values[(f"recurrence.{months}m", "")]
            )
    return result


def _summed(groups: dict[Any, dict[tuple[str, str], int]]) -> dict[tuple[str, str], int]:
    """The sums over all groups, derived measures included (they are differences: linear)."""
    total: dict[tuple[str, str], int] = defaultdict(int)
    for values in groups.values():
        for measure_key, n in values.items():
            total[measure_key] += n
    return total


def _labels(breakdown: str, values: set[Any]) -> dict[Any, str]:
    if breakdown == "municipality":
        return {m.pk: m.official_name for m in Municipality.objects.filter(pk__in=values)}
    if breakdown in ("partner", "provider"):
        names = {o.pk: o.name for o in Organisation.objects.filter(pk__in=values)}
        return {**names, None: str(_("nog niet toegewezen"))}
    if breakdown == "district":
        names = {d.pk: d.name for d in District.objects.filter(pk__in=values)}
        return {**names, None: str(_("geen stadsdeel"))}
    if breakdown == "month":
        return {m: f"{m:%Y-%m}" for m in values}
    if breakdown == "year":
        return {y: str(y) for y in values}
    if breakdown == "track":
        return {t: str(Track(t).label) if t in Track.values else str(_("nog geen route"))
                for t in values}  # fmt: skip
    if breakdown == "partner_type":
        return {t: str(PartnerType(t).label) if t in PartnerType.values else t for t in values}
    return {v: str(v) for v in values}


def row_codes(breakdown: str, keys: list[Any]) -> list[str | None]:
    """A stable code per row of a breakdown, for the API: an organisation's or district's code,
    the CBS code of a municipality, a month as JJJJ-MM, a year, a track or kind of partner;
    None for "not yet assigned" and the like."""
    values = {k for k in keys if k is not None}
    if breakdown == "municipality":
        codes = dict(Municipality.objects.filter(pk__in=values).values_list("pk", "code"))
    elif breakdown in ("partner", "provider"):
        codes = dict(Organisation.objects.filter(pk__in=values).values_list("pk", "slug"))
    elif breakdown == "district":
        codes = dict(District.objects.filter(pk__in=values).values_list("pk", "slug"))
    elif breakdown == "month":
        codes = {m: f"{m:%Y-%m}" for m in values}
    else:
        codes = {v: str(v) for v in values if v != ""}
    return [codes.get(k) if k is not None else None for k in keys]


def _specs(totals: dict[tuple[str, str], int]) -> list[TableSpec]:
    """The dashboard's tables; columns that depend on the data (categories, results, checks)
    come from the whole scope so that every breakdown has the same columns."""

    def keys(measure: str) -> list[str]:
        return sorted({k for (m, k), v in totals.items() if m == measure and v})

    # Every reason for not taking a signal up that occurred in the scope (a column of zeros
    # everywhere tells nothing and makes the table too wide for a phone).
    statuses = [SignalStatus.PICKED_UP, SignalStatus.NOT_YET_PICKED_UP] + [
        s for s in NOT_TAKEN_UP if totals.get(("signals.status", str(s)))
    ]
    return [
        TableSpec("signalen", _("Signalen: ontvangen en wat ermee gebeurde"), _("ontvangen"),
                  tuple(Column(str(s), "signals.status", str(s), vocabulary=True)
                        for s in statuses),
                  per_signal=True),
        TableSpec("bereik", _("Zaken: bereik"), _("zaken"), (
            Column(_("geen contactpoging"), "cases.not_attempted"),
            Column(_("poging, niet bereikt"), "cases.not_reached"),
            Column(_("bereikt"), "cases.reached"))),
        TableSpec("termijnen", _("Eerste contactpoging binnen de termijn"),
                  _("termijn verstreken"), tuple(
            Column(label, "cases.first_attempt_deadline", key) for key, label in
            (("op tijd", _("op tijd")), ("te laat", _("te laat"))))),
        TableSpec("instrumenten", _("Ingezette instrumenten per categorie"), _("instrumenten"),
                  tuple(Column(c, "instruments.category", c, vocabulary=True)
                        for c in keys("instruments.category"))),
        TableSpec("eindresultaten", _("Afgesloten zaken per eindresultaat (DDAS)"),
                  _("afgesloten"),
                  tuple(Column(r or _("onbekend"), "cases.closed", r, vocabulary=bool(r))
                        for r in keys("cases.closed"))),
        TableSpec("toetsen", _("Toetsen Sluitende Aanpak"), _("toetsen"),
                  tuple(Column(c.replace(":", ": "), "checks", c) for c in keys("checks"))),
        TableSpec("terugkeer-6", _("Terugkeer: een nieuw signaal binnen 6 maanden na afsluiten"),
                  _("gevolgd"), (Column(_("nieuw signaal"), "recurrence.6m"),
                                 Column(_("geen nieuw signaal"), "recurrence.none_6m"))),
        TableSpec("terugkeer-12", _("Terugkeer: een nieuw signaal binnen 12 maanden na afsluiten"),
                  _("gevolgd"), (Column(_("nieuw signaal"), "recurrence.12m"),
                                 Column(_("geen nieuw signaal"), "recurrence.none_12m"))),
        OUTCOMES_SPEC,
        GEREGELD_SPEC,
    ]  # fmt: skip


# Bailiff hand-overs and evictions as the landlords registered them (ADR 0106), each with or
# without a valid verklaring that day: the covenant's own test (art. 1.13). Each belongs to one
# landlord, so the rows of a breakdown by partner add up.
OUTCOMES_SPEC = TableSpec(
    "uitkomsten",
    _("Deurwaarder en ontruimingen, met en zonder geldige verklaring"),
    _("uitkomsten"),
    (
        Column(_("deurwaarder, met geldige verklaring"), "outcomes", "deurwaarder:met"),
        Column(_("deurwaarder, zonder geldige verklaring"), "outcomes", "deurwaarder:zonder"),
        Column(_("ontruiming, met geldige verklaring"), "outcomes", "ontruiming-uitgevoerd:met"),
        Column(
            _("ontruiming, zonder geldige verklaring"), "outcomes", "ontruiming-uitgevoerd:zonder"
        ),
    ),
    per_signal=True,
)
# Geregelde betaling (issue #15), by the month it started running: started (the total), still
# running, ended per reason ("achterstand ingelopen": arrears cleared). Municipality, district and
# track only: never per partner or provider.
GEREGELD_SPEC = TableSpec(
    "geregelde-betaling",
    _("Geregelde betaling: gestart, lopend en beëindigd per reden"),
    _("gestart"),
    (
        Column(_("loopt"), "geregeld.started", "loopt"),
        Column(_("beëindigd: op verzoek van de huurder"), "geregeld.started",
               "beeindigd:verzoek-huurder"),
        Column(_("beëindigd: uitkering beëindigd"), "geregeld.started",
               "beeindigd:uitkering-beeindigd"),
        Column(_("beëindigd: verhuisd"), "geregeld.started", "beeindigd:verhuisd"),
        Column(_("beëindigd: achterstand ingelopen"), "geregeld.started",
               "beeindigd:achterstand-ingelopen"),
        Column(_("beëindigd: andere reden"), "geregeld.started", "beeindigd:anders"),
    ),
)  # fmt: skip
ROW_LABELS = {**BREAKDOWNS, "year": _("jaar")}


def _publish(spec: TableSpec, *args: Any, **kwargs: Any) -> Table:
    table = _publish_counts(spec, *args, **kwargs)
    table.column_languages = ["nl" if c.vocabulary else "" for c in spec.columns]
    table.column_keys = [c.key or c.measure for c in spec.columns]
    return table


def _publish_counts(
    spec: TableSpec,
    breakdown: str,
    grouped: dict[Any, dict[tuple[str, str], int]],
    overall: dict[tuple[str, str], int],
    k: int,
    groups: list[Any] | None = None,
) -> Table:
    """Suppress one table consistently with the same table without a breakdown: the totals row
    is always the one-way table, so no two downloads together tell more than either."""
    columns = spec.columns
    line_counts = [overall.get((c.measure, c.key), 0) for c in columns]
    line_cells, line_total = suppress_line(line_counts, k=k)
    if not breakdown:
        return Table(str(spec.title), "", [str(spec.total_label)], [str(c.label) for c in columns],
                     [line_cells], [line_total], line_cells, line_total, spec.slug,
                     str(spec.total_label), row_keys=[""])  # fmt: skip
    if groups is None:
        groups = sorted(grouped, key=lambda g: (g is None, str(g)))
    labels = _labels(breakdown, set(groups))
    counts = [[grouped.get(g, {}).get((c.measure, c.key), 0) for c in columns] for g in groups]
    additive = not (breakdown in ("partner", "partner_type") and not spec.per_signal)
    note = ""
    if additive and groups:
        published = suppress(counts, k=k, totals=(line_cells, line_total))
        cells = [list(r) for r in published.cells]
        row_totals = list(published.row_totals)
    else:
        # A case with signals of two partners counts for each: the rows do not add up to the
        # totals, so each row is protected as a line of its own.
        cells, row_totals = [], []
        for row in counts:
            published_row, total = suppress_line(row, k=k)
            cells.append(published_row)
            row_totals.append(total)
        if groups:
            note = str(_("Een zaak met signalen van meer partners telt bij elk van hen mee; "
                         "het totaal telt haar één keer."))  # fmt: skip
    return Table(
        title=str(spec.title),
        row_label=str(ROW_LABELS[breakdown]),
        rows=[labels.get(g, str(g)) for g in groups],
        columns=[str(c.label) for c in columns],
        cells=cells,
        row_totals=row_totals,
        column_totals=line_cells,
        total=line_total,
        slug=spec.slug,
        total_label=str(spec.total_label),
        note=note,
        row_keys=list(groups),
    )


def _percentile(histogram: dict[int, int], fraction: float) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    rank = fraction * total
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return max(histogram)


def _sum_published(*counts: int | None) -> int | None:
    """The sum of published counts; hidden when one of them is."""
    return None if any(c is None for c in counts) else sum(counts)  # type: ignore[arg-type]


def _share(numerator: int | None, denominator: int | None, k: int) -> float | None:
    """A percentage of two published counts; hidden when either is hidden or the base is small."""
    if numerator is None or denominator is None or denominator < k:
        return None
    return round(100 * numerator / denominator, 1)


def dashboard(user: Any, *, start: date, end: date, breakdown: str = "") -> Dashboard:
    """Every KPI of the period for this user's scope, as published tables."""
    if breakdown not in BREAKDOWNS:
        breakdown = ""
    scope = scope_for(user)
    if scope.partner_id and breakdown in ("partner", "partner_type", "provider", "municipality"):
        breakdown = ""  # a partner sees only itself, and never which provider works a case
    if scope.provider_id and breakdown in ("provider", "partner"):
        breakdown = ""
    k = threshold()
    result = Dashboard(start=start, end=end, scope=scope, breakdown=breakdown, k=k)
    # The rows without a breakdown are the rows by month (the same level, _level): one read of
    # the figures gives both, the whole period being the sum of its months.
    by_month = _grouped(scope, start, end, "month")
    overall = _summed(by_month)
    if breakdown == "month":
        grouped = by_month
    else:
        grouped = _grouped(scope, start, end, breakdown) if breakdown else {"": overall}
    specs = _specs(overall)
    if scope.provider_id:
        specs.remove(OUTCOMES_SPEC)  # a landlord's outcomes are not about a provider's work
    if scope.provider_id or scope.partner_id:
        specs.remove(GEREGELD_SPEC)  # the municipality's own track, never per partner
    for spec in specs:
        if spec.columns:
            result.tables.append(_publish(spec, breakdown, grouped, overall, k))
    months = months_between(start, end)
    if not scope.provider_id:
        # The covenant's headline figure is per year (and per landlord: the breakdown above).
        by_year: dict[Any, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        for month, values in by_month.items():
            for measure_key, n in values.items():
                if measure_key[0] == "outcomes":
                    by_year[month.year][measure_key] += n
        years = sorted({m.year for m in months})
        table = _publish(OUTCOMES_SPEC, "year", by_year, overall, k, groups=years)
        table.slug = "uitkomsten-per-jaar"
        result.tables.append(table)
    for spec in specs[:2]:
        table = _publish(spec, "month", by_month, overall, k, groups=months)
        table.slug = f"{spec.slug}-per-maand"
        result.trend.append(table)

    one_way = {t.slug: t for t in result.tables} if not breakdown else {
        spec.slug: _publish(spec, "", grouped, overall, k) for spec in specs if spec.columns
    }  # fmt: skip

    def published(slug: str, column: str | None = None) -> int | None:
        table = one_way.get(slug)
        if table is None:
            return 0
        if column is None:
            return table.total
        return table.column_totals[table.columns.index(column)] if column in table.columns else 0

    def histogram(measure: str) -> dict[int, int]:
        return {int(key): v for (m, key), v in overall.items() if m == measure and v}

    attempts, contacts = (
        histogram("cases.first_attempt_days"),
        histogram("cases.first_contact_days"),
    )
    budgetbeheer = overall.get(("instruments.code", "budgetbeheer"), 0)
    instruments = published("instrumenten")
    on_time = published("termijnen", str(_("op tijd")))
    result.headline = {
        "signals_received": published("signalen"),
        "taken_up_share": _share(published("signalen", str(SignalStatus.PICKED_UP)),
                                 published("signalen"), k),
        "reached_share": _share(published("bereik", str(_("bereikt"))), published("bereik"), k),
        "first_attempt_median": _percentile(attempts, 0.5) if sum(attempts.values()) >= k else None,
        "first_attempt_p90": _percentile(attempts, 0.9) if sum(attempts.values()) >= k else None,
        "first_contact_median": _percentile(contacts, 0.5) if sum(contacts.values()) >= k else None,
        "first_contact_p90": _percentile(contacts, 0.9) if sum(contacts.values()) >= k else None,
        "budgetbeheer_share": _share(budgetbeheer if budgetbeheer == 0 or budgetbeheer >= k
                                     else None, instruments, k),
        "deadline_share": _share(on_time, published("termijnen"), k),
        "recurrence_6m_share": _share(published("terugkeer-6", str(_("nieuw signaal"))),
                                      published("terugkeer-6"), k),
        "recurrence_12m_share": _share(published("terugkeer-12", str(_("nieuw signaal"))),
                                       published("terugkeer-12"), k),
    }  # fmt: skip
    if not scope.provider_id:
        outcomes = one_way.get("uitkomsten") or _publish(OUTCOMES_SPEC, "", grouped, overall, k)
        cells = dict(zip((c.key for c in OUTCOMES_SPEC.columns), outcomes.column_totals,
                         strict=True))  # fmt: skip
        result.headline.update(
            bailiff_without_verklaring=cells["deurwaarder:zonder"],
            evictions=_sum_published(cells["ontruiming-uitgevoerd:met"],
                                     cells["ontruiming-uitgevoerd:zonder"]),
            evictions_without_verklaring=cells["ontruiming-uitgevoerd:zonder"],
        )  # fmt: skip
    if GEREGELD_SPEC in specs:
        # The municipality's own track: those that started running in the period, and of them
        # the ones still running and the ones ended because the arrears were cleared.
        geregeld = one_way.get(GEREGELD_SPEC.slug) or _publish(GEREGELD_SPEC, "", grouped,
                                                                overall, k)  # fmt: skip
        cells = dict(zip((c.key for c in GEREGELD_SPEC.columns), geregeld.column_totals,
                         strict=True))  # fmt: skip
        result.headline.update(
            geregeld_started=geregeld.total,
            geregeld_running=cells["loopt"],
            geregeld_arrears_cleared=cells["beeindigd:achterstand-ingelopen"],
        )
    result.refreshed_at = (
        FiguresRefresh.objects.filter(month__in=months)
        .order_by("refreshed_at")
        .values_list("refreshed_at", flat=True)
        .first()
    )
    return result


def signals_per_partner(municipality_ids: tuple[int, ...], start: date, end: date) -> dict:
    """{partner id: (signals, cases)} in the period, for the cost shares (art. 8.1)."""
    rows = Figure.objects.filter(
        Q(measure="signals.received") | Q(measure="cases.opened"),
        municipality_id__in=municipality_ids,
        month__gte=month_start(start),
        month__lte=month_start(end),
        partner__isnull=False,
    )
    shares: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for partner_id, measure, n in (
        rows.values_list("partner_id", "measure").annotate(n=Sum("value")).order_by()
    ):
        shares[partner_id][0 if measure == "signals.received" else 1] += n
    return {p: tuple(v) for p, v in shares.items()}
