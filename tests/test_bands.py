"""The pieces of the number lines choose exactly the patterns that hold, for any bounds and any values.

``engine.run.bands`` decides a pattern's order comparisons on its banded fields without checking
them again (``Bands.matching``), so a piece that left out a pattern would silently lose a firing
and one that listed too many would fire a rule that does not hold. So: for random tables of order
comparisons on two fields (closed and open bounds, bounds shared between rows, rows with two
bounds on a field or none, a few 'ne' tests that the pieces leave to the row's own check,
integers and decimals) and random values (on the bounds, between them, beyond them, integers
for decimal bounds, values that are not numbers, a missing field), the patterns matched are
exactly the rows that hold, checked by brute force with the reference evaluator's comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.facts.fact import Scalar
from engine.run import bands as bands_module
from engine.run.bands import BAND_MIN, Bands, Line
from tests.reference_evaluator import _compare


@dataclass(frozen=True)
class Row:
    residual: tuple[tuple[str, str, Any], ...]
    n: int = 0  # its place in the table: rows with the same tests are still different rows

    def holds(self, values: dict[str, Scalar]) -> bool:
        return all(field in values and _compare(op, values[field], bound) for field, op, bound in self.residual)


BOUNDS = st.one_of(st.integers(-5, 5), st.sampled_from([-2.5, 0.5, 1.25, 3.0, 100.0]))
# 'ne' is not an order comparison: a row with one is left to its own check (``Bands.matching``)
TEST = st.tuples(st.sampled_from(["x", "x", "x", "y"]), st.sampled_from(["lt", "le", "gt", "ge", "lt", "ge", "ne"]),
                 BOUNDS)
ROWS = st.lists(st.lists(TEST, min_size=0, max_size=3), min_size=BAND_MIN, max_size=30).map(lambda table: [
    Row(tuple((field, op, float(bound)) for field, op, bound in tests), n) for n, tests in enumerate(table)])
VALUES = st.one_of(BOUNDS, st.floats(-7, 7, allow_nan=False), st.sampled_from(["3", True, False, float("nan")]))


def disagreements(bands: Bands, rows: list[Row], values: dict[str, Scalar]) -> list[Row]:
    """Rows that hold for the values but are not among the candidates, candidates out of order, and
    rows ``matching`` gets wrong (it trusts the pieces for rows of order comparisons on banded fields)."""
    chosen = bands.candidates(values)
    held = [row for row in rows if row.holds(values)]
    in_order = chosen == sorted(chosen, key=lambda row: row.n)
    matched = bands.matching(values)
    wrong = [row for row in rows if (row in matched) != (row in held)] + ([] if matched == held else held[:1])
    return [row for row in held if row not in chosen] + ([] if in_order else [chosen[0]]) + wrong


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, x=st.one_of(st.none(), VALUES), y=st.one_of(st.none(), VALUES))
def test_the_candidates_hold_every_row_that_holds(rows: list[Row], x: Scalar | None, y: Scalar | None) -> None:
    bands = Bands.build(rows)
    if bands is None:
        return  # not banded: the bucket stays a list, which is always right
    values: dict[str, Scalar] = {name: v for name, v in (("x", x), ("y", y)) if v is not None}
    assert disagreements(bands, rows, values) == []


def test_a_threshold_table_is_banded_and_a_value_meets_few_rows() -> None:
    rows = [Row((("x", "ge", float(low)), ("x", "lt", float(low + 10))), n) for n, low in enumerate(range(0, 200, 10))]
    bands = Bands.build(rows)
    assert bands is not None and bands.fields == ("x",)
    assert bands.candidates({"x": 15}) == [rows[1]]
    assert bands.candidates({"x": 20}) == [rows[2]]  # closed below, open above
    assert bands.candidates({"x": 200}) == []
    assert bands.candidates({"x": "15"}) == []  # a text never meets an order comparison


def test_the_harness_catches_a_piece_that_loses_a_row() -> None:
    rows = [Row((("x", "ge", float(low)), ("x", "lt", float(low + 10))), n) for n, low in enumerate(range(0, 200, 10))]
    bands = Bands.build(rows)
    assert bands is not None
    assert disagreements(bands, rows, {"x": 20}) == []
    [line] = bands.lines
    shifted = Line(line.field, line.points, tuple(mask >> 1 for mask in line.pieces), line.unordered)
    assert disagreements(Bands(rows, [shifted]), rows, {"x": 20}) == [rows[2], rows[1], rows[2], rows[2]]
    widened = Line(line.field, line.points, tuple(mask | 1 for mask in line.pieces), line.unordered)
    assert disagreements(Bands(rows, [widened]), rows, {"x": 20}) == [rows[0], rows[2]]  # row 0 does not hold


def test_rows_that_bound_different_fields_are_narrowed_by_both() -> None:
    """Half the rows bound x, half y (a reading's systolic or diastolic): a value meets only its rows,
    not every row that leaves its field alone."""
    rows = [Row(((field, "ge", float(low)), (field, "lt", float(low + 10))), 2 * n + (field == "y"))
            for n, low in enumerate(range(0, 200, 10)) for field in ("x", "y")]
    bands = Bands.build(rows)
    assert bands is not None and bands.fields == ("x", "y")
    assert bands.candidates({"x": 15, "y": 15}) == [rows[2], rows[3]]  # x's row 10-20 and y's, of 40
    assert bands.candidates({"x": 15, "y": 250}) == [rows[2]]
    only_x = [Row((("x", "ge", float(low)),), n) for n, low in enumerate(range(0, 200, 10))]
    both = only_x + [Row((("y", "lt", 5.0),), len(only_x))]
    banded = Bands.build(both)
    assert banded is not None
    assert banded.candidates({"x": 25, "y": 3}) == [both[0], both[1], both[2], both[-1]]
    assert banded.candidates({"x": 25, "y": 7}) == [both[0], both[1], both[2]]
    assert banded.candidates({"x": 25}) == [both[0], both[1], both[2]]  # y missing: no row ordering y


def test_fields_past_the_bit_budget_are_left_to_the_checks(monkeypatch: Any) -> None:
    rows = [Row((("x", "ge", float(n)), ("y", "lt", float(n))), n) for n in range(20)]
    assert Bands.build(rows) is not None
    monkeypatch.setattr(bands_module, "MASK_BITS", 41 * len(rows))  # x's 41 pieces fit, not y's too
    bands = Bands.build(rows)
    assert bands is not None and bands.fields == ("x",)
    held = [row for row in rows if row.holds({"x": 5, "y": 3})]
    assert held and all(row in bands.candidates({"x": 5, "y": 3}) for row in held)
    assert disagreements(bands, rows, {"x": 5, "y": 3}) == []


def test_few_rows_or_unordered_rows_are_not_banded() -> None:
    assert Bands.build([Row((("x", "ge", 1.0),), n) for n in range(BAND_MIN - 1)]) is None
    assert Bands.build([Row((("x", "eq", 1.0),), n) for n in range(BAND_MIN)]) is None
