"""Small-cell suppression for published tables (afscherming van kleine aantallen).

A published count below ``k`` (setting ``MELDPUNT_SUPPRESSION_K``, default 10) is suppressed
(primary suppression), and more cells are suppressed (secondary) until no suppressed value can be
worked out from what is published. Zeros are shown: a zero names nobody.

The table is treated with its margins as one extended table: the cells, a total per row, a total
per column and the grand total. Every line (a row with its total, a column with its total, the
row of column totals, the column of row totals) is an equation ``sum of entries = total``. An
attacker who knows all published entries can solve these equations; a suppressed entry is exactly
derivable iff it is determined by them. In the bipartite graph whose nodes are lines and whose
edges are the suppressed entries, that is the case iff the edge is a bridge (lies on no cycle).
So secondary suppression adds, for each such entry, the cheapest rectangle of three more entries
that puts it on a cycle. Complements are chosen among non-zero cells first (a zero complement
would tell that the suppressed cell is at most what the line leaves over), then margins, then the
grand total.

What this protects, and against which combinations of downloads: docs/adr/0103-ddas-delivery.md
(section "Kleine aantallen"). In short: one call protects one two-way table with its margins; the
one-way table of the same figures (the table without one dimension) and the period sums (months
as rows, the quarter as their total) must be published from the same result (:func:`marginal`),
never suppressed again on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

DEFAULT_K = 10

Position = tuple[int, int]


def threshold() -> int:
    return int(getattr(settings, "MELDPUNT_SUPPRESSION_K", DEFAULT_K))


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish: ``None`` is a suppressed count, anything else may be shown."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    k: int
    primary: frozenset[Position]  # positions in the extended table (margins at index r / c)
    secondary: frozenset[Position]
    consistent: bool = True  # False: ``totals`` given, but one had to be hidden after all

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.row_totals), len(self.column_totals)

    def extended(self) -> list[list[int | None]]:
        """Cells with the row totals as last column and the column totals as last row."""
        rows = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        rows.append([*self.column_totals, self.grand_total])
        return rows


def _extended(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [list(row) for row in counts]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("Alle rijen van een tabel moeten even lang zijn.")
    if any(v < 0 or not isinstance(v, int) or isinstance(v, bool) for row in rows for v in row):
        raise ValueError("Een tabel met aantallen bevat alleen gehele getallen van 0 of meer.")
    table = [[*row, sum(row)] for row in rows]
    table.append([sum(row[j] for row in table) for j in range(width + 1)])
    return table


def _bridges(edges: set[Position]) -> set[Position]:
    """Suppressed entries that lie on no cycle of the line graph: exactly derivable ones."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Position]]] = {}
    for i, j in edges:
        adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    # Tarjan's bridge search, iterative (tables can be wide).
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: set[Position] = set()
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for other, edge in neighbours:
                if edge == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, edge, iter(adjacency[other])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)  # type: ignore[arg-type]
    return found


def suppress(
    counts: Sequence[Sequence[int]],
    *,
    k: int | None = None,
    totals: tuple[Sequence[int | None], int | None] | None = None,
) -> SuppressedTable:
    """Suppress a two-way table of counts with its margins (see the module docstring).

    ``totals`` is the one-way table of the column totals as already published (the result of
    :func:`suppress_line` on them, e.g. the dashboard without a breakdown). The two-way table then
    publishes exactly those totals, hidden where they are hidden and shown where they are shown,
    and protects its cells with complements inside the table: every breakdown of the same
    figures agrees with the one-way table, so no download gives away what another hides.
    """
    k = threshold() if k is None else k
    if k < 1:
        raise ValueError("De drempel k moet 1 of meer zijn.")
    table = _extended(counts)
    rows, cols = len(table), len(table[0])  # with margins: r + 1, c + 1
    last_row, last_col = rows - 1, cols - 1
    big = table[last_row][last_col] + 1
    fixed: set[Position] = set()
    given: set[Position] = set()
    if totals is not None:
        line, grand = totals
        if len(line) != last_col or [v for v in line if v is not None] != [
            table[last_row][j] for j, v in enumerate(line) if v is not None
        ]:
            raise ValueError("De gepubliceerde totalen horen niet bij deze tabel.")
        given = {(last_row, j) for j, v in enumerate(line) if v is None}
        if grand is None:
            given.add((last_row, last_col))
        fixed = {(last_row, j) for j in range(cols)} - given

    def cost(i: int, j: int) -> int:
        if (i, j) in fixed:
            return 16 * big  # published already: a complement only if nothing else exists
        value = table[i][j]
        if value == 0:
            return 4 * big
        if i == last_row and j == last_col:
            return 2 * big + value
        if i == last_row or j == last_col:
            return big + value
        return value

    primary = {(i, j) for i in range(rows) for j in range(cols) if 0 < table[i][j] < k}
    suppressed = primary | given
    while bridges := _bridges(suppressed):
        i, j = min(bridges, key=lambda p: (table[p[0]][p[1]], p))
        best: tuple[int, Position, Position, Position] | None = None
        for i2 in range(rows):
            if i2 == i:
                continue
            for j2 in range(cols):
                if j2 == j:
                    continue
                corners = ((i, j2), (i2, j), (i2, j2))
                total = sum(0 if p in suppressed else cost(*p) for p in corners)
                if best is None or total < best[0]:
                    best = (total, *corners)
        assert best is not None  # the extended table is at least 2 × 2
        suppressed.update(best[1:])
    shown = [
        [None if (i, j) in suppressed else table[i][j] for j in range(cols)] for i in range(rows)
    ]
    return SuppressedTable(
        cells=tuple(tuple(row[:last_col]) for row in shown[:last_row]),
        row_totals=tuple(row[last_col] for row in shown[:last_row]),
        column_totals=tuple(shown[last_row][:last_col]),
        grand_total=shown[last_row][last_col],
        k=k,
        primary=frozenset(primary),
        secondary=frozenset(suppressed - primary),
        consistent=not (suppressed & fixed),
    )


def suppress_line(
    counts: Sequence[int], *, k: int | None = None
) -> tuple[list[int | None], int | None]:
    """A one-way table (counts and their total), suppressed as a table of one row."""
    result = suppress([list(counts)], k=k)
    return list(result.cells[0]), result.row_totals[0]


def marginal(result: SuppressedTable, *, keep: str) -> tuple[list[int | None], int | None]:
    """The table without one dimension, as published beside the two-way table.

    ``keep="columns"`` gives the column totals (e.g. the quarter from a months × results table),
    ``keep="rows"`` the row totals. Taken from the same result, so the two downloads together tell
    no more than the two-way table alone.
    """
    if keep == "columns":
        return list(result.column_totals), result.grand_total
    if keep == "rows":
        return list(result.row_totals), result.grand_total
    raise ValueError("keep is 'rows' of 'columns'.")
