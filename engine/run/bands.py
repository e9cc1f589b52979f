"""Many patterns that bound one numeric field, found by the value instead of tried one by one.

A decision table of thresholds (a blood-pressure band per row, an age cut-off per row) is a set
of patterns with the same equality key and order comparisons (``lt``, ``le``, ``gt``, ``ge``)
against constants on one field. Tried one by one, each fact pays for every row. ``Bands`` cuts
the number line at every bound the patterns use: between two neighbouring bounds, and at each
bound, every comparison with one of those bounds has one answer, so the patterns a value can meet
are worked out once per piece, and a fact's value finds its piece by bisection.

The pieces only choose candidates: ``LookupIndex`` still checks every test of a candidate, so a
piece that listed too many patterns would cost time, never a wrong match. Values compare as the
reference evaluator compares them: both numbers (a bool is not one), as floats. A value that is
not a number (or is NaN, or is missing) meets no order comparison, so it gets only the patterns
that do not order the field.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, Protocol

from engine.compile.lookup import ORDER_OPS
from engine.facts.fact import Scalar

ORDER_TESTS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
assert frozenset(ORDER_TESTS) == ORDER_OPS  # the operators the compiler sends to the lookups
BAND_MIN = 8  # patterns in a bucket before bands pay for themselves
PIECE_BUDGET = 64  # a bucket's pieces may list at most this many patterns per pattern, else it stays a list


class Banded(Protocol):
    @property
    def residual(self) -> tuple[tuple[str, str, Any], ...]: ...


def ordered_number(value: Scalar) -> float | None:
    """The value as the float the order comparisons use, or None when no comparison can hold for it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return None if math.isnan(number) else number


class Bands:
    """The patterns of one bucket, filed by the pieces of one field's number line they allow."""

    def __init__(self, field: str, patterns: Sequence[Banded], points: list[float],
                 pieces: list[tuple[int, ...]], unordered: tuple[int, ...]) -> None:
        self.field = field
        self._patterns = patterns
        self._points = points
        self._pieces = pieces  # 2 * len(points) + 1: below the first bound, at it, between it and the next ...
        self._unordered = unordered  # the patterns that do not order the field, for values that are not numbers

    @classmethod
    def build(cls, patterns: Sequence[Banded]) -> Bands | None:
        """Bands on the field most of the patterns order, or None when a plain list is as good."""
        if len(patterns) < BAND_MIN:
            return None
        ordering = Counter(field for p in patterns for field in {f for f, op, _v in p.residual if op in ORDER_TESTS})
        if not ordering:
            return None
        field, count = min(ordering.items(), key=lambda item: (-item[1], item[0]))
        if count * 2 < len(patterns):
            return None
        tests = [tuple((op, bound) for f, op, bound in p.residual if f == field and op in ORDER_TESTS)
                 for p in patterns]
        points = sorted({bound for own in tests for _op, bound in own})
        pieces: list[tuple[int, ...]] = []
        listed = 0
        for at in _representatives(points):
            piece = tuple(n for n, own in enumerate(tests) if all(ORDER_TESTS[op](at, bound) for op, bound in own))
            listed += len(piece)
            if listed > PIECE_BUDGET * len(patterns):
                return None  # nested bounds: the pieces would outweigh the list
            pieces.append(piece)
        unordered = tuple(n for n, own in enumerate(tests) if not own)
        return cls(field, patterns, points, pieces, unordered)

    def candidates(self, values: dict[str, Scalar]) -> list[Any]:
        """The bucket's patterns that can hold for these values, in the bucket's order."""
        number = ordered_number(values[self.field]) if self.field in values else None
        if number is None:
            found = self._unordered
        else:
            at = bisect_left(self._points, number)
            on_bound = at < len(self._points) and self._points[at] == number
            found = self._pieces[2 * at + 1 if on_bound else 2 * at]
        patterns = self._patterns
        return [patterns[n] for n in found]


def _representatives(points: list[float]) -> list[float]:
    """A value inside each piece: below the first bound, each bound, between neighbours, above the last.

    Every comparison's bound is one of the points, so within a piece it has one answer, and any
    value inside the piece gives it. Between two neighbouring floats there is no value at all;
    the midpoint then lands on one of them, and no fact's value can reach that piece anyway.
    """
    if not points:
        return [0.0]
    found = [points[0] - max(1.0, abs(points[0]))]
    for low, high in pairwise(points):
        found += [low, low / 2 + high / 2]
    found += [points[-1], points[-1] + max(1.0, abs(points[-1]))]
    return found
