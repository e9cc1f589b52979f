"""Many patterns that bound numeric fields, found by the values instead of tried one by one.

A decision table of thresholds (a blood-pressure band per row, an age cut-off per row) is a set
of patterns with the same equality key and order comparisons (``lt``, ``le``, ``gt``, ``ge``)
against constants on one or more fields. Tried one by one, each fact pays for every row.
``Bands`` cuts each ordered field's number line at every bound the patterns use: between two
neighbouring bounds, and at each bound, every comparison with one of those bounds has one answer.
So per field and per piece the patterns whose tests on that field hold are worked out once, as a
bit set over the bucket's patterns (a pattern that does not order the field is in every piece).
A fact's value finds its piece by bisection, and the candidates are the patterns in every field's
piece: the intersection of a few bit sets, whatever the number of patterns.

Several fields matter: a table whose rows bound systolic or diastolic pressure, or age and BMI,
would otherwise list under every piece of one field all the rows that do not order it (measured:
1,838 blood-pressure patterns of the 5,000-rule peer pack met a reading about 600 at a time).

The pieces decide the order comparisons exactly: a pattern in every field's piece holds, when all
its tests are order comparisons on banded fields, and is checked test by test otherwise (an ``in``,
a ``ne``, an ``exists``, or a field left unbanded by the bit budget). Values compare as the
reference evaluator compares them: both numbers (a bool is not one), as floats. A value that is
not a number (or is NaN, or is missing) meets no order comparison, so for that field it keeps
only the patterns that do not order the field.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from engine.compile.lookup import ORDER_OPS
from engine.facts.fact import Scalar

ORDER_TESTS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
assert frozenset(ORDER_TESTS) == ORDER_OPS  # the operators the compiler sends to the lookups
BAND_MIN = 8  # patterns in a bucket before bands pay for themselves
MASK_BITS = 1 << 26  # a bucket's bit sets hold at most this many bits (8 MB); fields past it are not banded


class Banded(Protocol):
    @property
    def residual(self) -> tuple[tuple[str, str, Any], ...]: ...

    def holds(self, values: dict[str, Scalar]) -> bool: ...


def ordered_number(value: Scalar) -> float | None:
    """The value as the float the order comparisons use, or None when no comparison can hold for it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class Line:
    """One field's number line: its bounds and, per piece, the bit set of patterns allowed there.

    Pieces, for bounds p0 < p1 < ...: 0 below p0, 1 at p0, 2 between p0 and p1, 3 at p1, ...,
    2 * len(points) above the last bound."""

    field: str
    points: tuple[float, ...]
    pieces: tuple[int, ...]  # 2 * len(points) + 1 bit sets
    unordered: int  # the patterns that do not order the field: all a value that is not a number keeps

    def allowed(self, values: dict[str, Scalar]) -> int:
        number = ordered_number(values[self.field]) if self.field in values else None
        if number is None:
            return self.unordered
        points = self.points
        at = bisect_left(points, number)
        on_bound = at < len(points) and points[at] == number
        return self.pieces[2 * at + 1 if on_bound else 2 * at]

    @classmethod
    def build(cls, field: str, tests: list[tuple[tuple[str, float], ...]]) -> Line:
        """``tests[n]``: pattern n's order comparisons on the field (none for a pattern that does not order it)."""
        points = sorted({bound for own in tests for _op, bound in own})
        last = 2 * len(points)
        starts, ends = [0] * (last + 2), [0] * (last + 2)
        unordered = 0
        for n, own in enumerate(tests):
            low, high = _span(own, points, last)
            if not own:
                unordered |= 1 << n
            if low <= high:  # the pieces where all of the pattern's comparisons hold
                starts[low] |= 1 << n
                ends[high + 1] |= 1 << n
        pieces: list[int] = []
        current = 0
        for piece in range(last + 1):
            current = (current | starts[piece]) & ~ends[piece]
            pieces.append(current)
        return cls(field, tuple(points), tuple(pieces), unordered)


def _span(own: tuple[tuple[str, float], ...], points: list[float], last: int) -> tuple[int, int]:
    """The first and last piece where every comparison holds (first > last: none). Each bound is a
    point, so a comparison holds on a run of whole pieces: ``ge p`` from the piece at p upwards."""
    low, high = 0, last
    for op, bound in own:
        at = 2 * bisect_left(points, bound) + 1  # the piece at the bound
        if op == "ge":
            low = max(low, at)
        elif op == "gt":
            low = max(low, at + 1)
        elif op == "le":
            high = min(high, at)
        else:  # lt
            high = min(high, at - 1)
    return low, high


class Bands:
    """The patterns of one bucket, filed by the pieces of each ordered field's number line."""

    def __init__(self, patterns: Sequence[Banded], lines: Sequence[Line]) -> None:
        self._patterns = patterns
        self.lines = tuple(lines)
        self.fields = tuple(line.field for line in self.lines)
        fields = set(self.fields)
        self._to_check = 0  # patterns with a test the pieces do not decide: an in, ne, exists, or an unbanded field
        for n, p in enumerate(patterns):
            if any(op not in ORDER_TESTS or f not in fields for f, op, _v in p.residual):
                self._to_check |= 1 << n

    @classmethod
    def build(cls, patterns: Sequence[Banded]) -> Bands | None:
        """Bands on the fields the patterns order, or None when a plain list is as good."""
        if len(patterns) < BAND_MIN:
            return None
        ordering: dict[str, int] = {}
        for p in patterns:
            for field in {f for f, op, _v in p.residual if op in ORDER_TESTS}:
                ordering[field] = ordering.get(field, 0) + 1
        lines: list[Line] = []
        bits = 0
        for field, _count in sorted(ordering.items(), key=lambda item: (-item[1], item[0])):  # most ordered first
            tests = [tuple((op, bound) for f, op, bound in p.residual if f == field and op in ORDER_TESTS)
                     for p in patterns]
            pieces = 2 * len({bound for own in tests for _op, bound in own}) + 1
            if bits + pieces * len(patterns) > MASK_BITS:
                break
            bits += pieces * len(patterns)
            lines.append(Line.build(field, tests))
        return cls(patterns, lines) if lines else None

    def candidates(self, values: dict[str, Scalar]) -> list[Any]:
        """The bucket's patterns whose order comparisons on the banded fields all hold for these
        values, in the bucket's order."""
        patterns = self._patterns
        return [patterns[n] for n in _members(self._allowed(values))]

    def matching(self, values: dict[str, Scalar]) -> list[Any]:
        """The bucket's patterns that hold for these values, in the bucket's order: the pieces decide
        the patterns whose every test is an order comparison on a banded field; the others are checked."""
        chosen = self._allowed(values)
        unsure = chosen & self._to_check
        patterns = self._patterns
        if not unsure:
            return [patterns[n] for n in _members(chosen)]
        return [patterns[n] for n in _members(chosen) if not unsure >> n & 1 or patterns[n].holds(values)]

    def _allowed(self, values: dict[str, Scalar]) -> int:
        lines = self.lines
        chosen = lines[0].allowed(values)
        for line in lines[1:]:
            if not chosen:
                break
            chosen &= line.allowed(values)
        return chosen


def _members(chosen: int) -> Iterator[int]:
    """The numbers of the patterns in a bit set, lowest (first filed) first."""
    while chosen:
        lowest = chosen & -chosen
        yield lowest.bit_length() - 1
        chosen ^= lowest
