"""Small-cell suppression: property-based proofs on random tables (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meldpunt.reporting.suppression import marginal, suppress, suppress_line

K = 10


def tables(max_rows=6, max_cols=6):
    # Many small values so that suppression is needed in most tables; some zeros and big counts.
    value = st.one_of(st.integers(0, 12), st.just(0), st.integers(10, 400))
    return st.integers(1, max_rows).flatmap(
        lambda r: st.integers(1, max_cols).flatmap(
            lambda c: st.lists(st.lists(value, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    )


def extended_truth(counts):
    rows = [[*row, sum(row)] for row in counts]
    rows.append([sum(row[j] for row in rows) for j in range(len(rows[0]))])
    return rows


def lines(n_rows, n_cols):
    """Every line of the extended table: (entries, total entry)."""
    last_r, last_c = n_rows - 1, n_cols - 1
    for i in range(n_rows):
        yield [(i, j) for j in range(last_c)], (i, last_c)
    for j in range(n_cols):
        yield [(i, j) for i in range(last_r)], (last_r, j)


def determined(shown, truth) -> set[tuple[int, int]]:
    """Suppressed entries that the published ones fix exactly, by exact Gaussian elimination
    over the line equations (an independent check: no graph theory, just linear algebra)."""
    n_rows, n_cols = len(shown), len(shown[0])
    unknown = [(i, j) for i in range(n_rows) for j in range(n_cols) if shown[i][j] is None]
    index = {p: n for n, p in enumerate(unknown)}
    equations = []
    for parts, total in lines(n_rows, n_cols):
        coefficients = [Fraction(0)] * len(unknown)
        for p, sign in [*((q, 1) for q in parts), (total, -1)]:
            if p in index:
                coefficients[index[p]] += sign
        if any(coefficients):
            equations.append(coefficients)
    # Row-reduce.
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in equations:
        row = row[:]
        for col, pivot_row in pivots:
            if row[col]:
                factor = row[col]
                row = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
        lead = next((c for c, v in enumerate(row) if v), None)
        if lead is None:
            continue
        row = [v / row[lead] for v in row]
        for n, (col, pivot_row) in enumerate(pivots):
            if pivot_row[lead]:
                factor = pivot_row[lead]
                pivots[n] = (col, [a - factor * b for a, b in zip(pivot_row, row, strict=True)])
        pivots.append((lead, row))
    fixed = set()
    for p, n in index.items():
        target = [Fraction(0)] * len(unknown)
        target[n] = Fraction(1)
        for col, pivot_row in pivots:
            if target[col]:
                factor = target[col]
                target = [a - factor * b for a, b in zip(target, pivot_row, strict=True)]
        if not any(target):
            fixed.add(p)
    return fixed


@settings(max_examples=200, deadline=None)
@given(counts=tables())
def test_no_published_count_below_k(counts):
    result = suppress(counts, k=K)
    for row in result.extended():
        for value in row:
            assert value is None or value == 0 or value >= K


@settings(max_examples=200, deadline=None)
@given(counts=tables())
def test_published_values_are_true_and_totals_consistent(counts):
    result = suppress(counts, k=K)
    shown, truth = result.extended(), extended_truth(counts)
    for i, row in enumerate(shown):
        for j, value in enumerate(row):
            assert value is None or value == truth[i][j]  # suppressed or exact, never altered
    for parts, total in lines(len(shown), len(shown[0])):
        values = [shown[i][j] for i, j in parts]
        if None not in values and shown[total[0]][total[1]] is not None:
            assert sum(values) == shown[total[0]][total[1]]


@settings(max_examples=200, deadline=None)
@given(counts=tables())
def test_no_line_gives_away_a_suppressed_cell_by_subtraction(counts):
    shown = suppress(counts, k=K).extended()
    for parts, total in lines(len(shown), len(shown[0])):
        hidden = [p for p in [*parts, total] if shown[p[0]][p[1]] is None]
        assert len(hidden) != 1, f"line {[*parts, total]} leaves one suppressed entry: {hidden}"


@settings(max_examples=200, deadline=None)
@given(counts=tables(5, 5))
def test_no_suppressed_cell_is_derivable_from_all_published_figures_together(counts):
    result = suppress(counts, k=K)
    assert determined(result.extended(), extended_truth(counts)) == set()


@settings(max_examples=200, deadline=None)
@given(counts=tables())
def test_zeros_are_shown_unless_needed_as_complement(counts):
    result = suppress(counts, k=K)
    truth = extended_truth(counts)
    for i, j in result.primary:
        assert 0 < truth[i][j] < K
    assert not any(truth[i][j] == 0 for i, j in result.primary)


@settings(max_examples=100, deadline=None)
@given(counts=tables())
def test_the_table_without_one_dimension_adds_nothing(counts):
    """Two overlapping downloads: the months × results table and the quarter (its margin)."""
    result = suppress(counts, k=K)
    quarter, total = marginal(result, keep="columns")
    assert quarter == list(result.column_totals) and total == result.grand_total
    by_month, total = marginal(result, keep="rows")
    assert by_month == list(result.row_totals)
    # Together with the two-way table nothing more is derivable (the same published entries).
    assert determined(result.extended(), extended_truth(counts)) == set()


def test_the_check_above_can_fail():
    """The independent checker does find a cell that a careless publication gives away."""
    counts = [[3, 20], [15, 30]]
    truth = extended_truth(counts)
    shown = [row[:] for row in truth]
    shown[0][0] = None  # only the small cell hidden: row total minus 20 gives 3
    assert determined(shown, truth) == {(0, 0)}


def test_a_hand_checked_table():
    #            cell values                 totals
    counts = [[3, 25, 40], [12, 30, 50], [20, 44, 60]]
    result = suppress(counts, k=K)
    assert result.cells[0][0] is None  # primary: 3 < 10
    assert result.primary == frozenset({(0, 0)})
    assert len(result.secondary) == 3  # one rectangle, with the smallest other cells
    assert result.secondary == frozenset({(0, 1), (1, 0), (1, 1)})
    assert result.row_totals == (68, 92, 124) and result.grand_total == 284


def test_a_one_way_table():
    cells, total = suppress_line([4, 30, 0, 55], k=K)
    assert cells[0] is None and cells[2] == 0
    assert sum(v is None for v in [*cells, total]) >= 2


def test_k_comes_from_the_settings(settings):
    settings.MELDPUNT_SUPPRESSION_K = 3
    assert suppress([[4, 40], [50, 60]]).cells[0][0] == 4
    settings.MELDPUNT_SUPPRESSION_K = 5
    assert suppress([[4, 40], [50, 60]]).cells[0][0] is None


@pytest.mark.parametrize("bad", [[[1, 2], [3]], [[-1, 2]], [[1.5, 2]]])
def test_bad_tables_are_refused(bad):
    with pytest.raises(ValueError):
        suppress(bad, k=K)


@settings(max_examples=300, deadline=None)
@given(counts=tables(5, 5))
def test_every_breakdown_agrees_with_the_table_without_one(counts):
    """The dashboard without a breakdown and the same figures by district are two overlapping
    downloads: the breakdown publishes exactly the totals the first one shows, and the two
    together give away no suppressed count."""
    column_totals = [sum(row[j] for row in counts) for j in range(len(counts[0]))]
    line = suppress_line(column_totals, k=K)
    result = suppress(counts, k=K, totals=line)
    assert result.consistent
    assert list(result.column_totals) == line[0] and result.grand_total == line[1]
    assert determined(result.extended(), extended_truth(counts)) == set()
    for row in result.extended():
        assert all(v is None or v == 0 or v >= K for v in row)
