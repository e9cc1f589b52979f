"""``lint.table-overlap`` and ``lint.table-gap``: decision tables whose rows are numeric bands.

A table rule reads its rows as bands when one pattern bounds a field by two columns,
``systolic: {between: [{column: low}, {column: high}]}`` (or ``ge``/``gt`` and ``le``/``lt``).
Rows whose other pattern columns agree (``value: {column: group}``) form one scale; on it, sorted
by the lower bound, two bands that share a value overlap (an error: one value gets two answers)
and a value between two bands that neither holds is a gap (a warning: it gets no answer, which a
table may mean). Values are compared at the scale's own step: 1 for integers, else the greatest
common divisor of its bounds (``119.9`` then ``120`` leave no gap at 0.1, the rounding of the mean
blood pressure; CYP2C9 activity scores 0.5 then 1 none at 0.5), so a gap as wide as that step is
not seen. Rows of which one holds another (age 25-120 and 25-75 for two screening items) are
rows meant to apply together, not a scale, and are not compared.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.authoring.lint.finding import Finding, finding
from engine.lang.rule import Rule, RuleSource
from engine.lang.tables import TableRow, column_references
from engine.pack.load import Pack
from engine.source.diagnostics import Severity

_EPSILON = 1e-9


@dataclass(frozen=True)
class BandSpec:
    """Which columns bound which field, and whether each bound is strict."""

    field: str
    low: str
    high: str
    low_strict: bool
    high_strict: bool


@dataclass(frozen=True)
class Band:
    row: TableRow
    low: float
    high: float


def _column(value: Any) -> str | None:
    return value["column"] if isinstance(value, dict) and set(value) == {"column"} else None


def _between(field: str, constraint: dict[str, Any]) -> BandSpec | None:
    bounds = constraint.get("between")
    if isinstance(bounds, list) and len(bounds) == 2:
        low, high = _column(bounds[0]), _column(bounds[1])
        return BandSpec(field, low, high, False, False) if low and high else None
    low_op = next((op for op in ("ge", "gt") if _column(constraint.get(op))), None)
    high_op = next((op for op in ("le", "lt") if _column(constraint.get(op))), None)
    if low_op is None or high_op is None:
        return None
    low, high = _column(constraint[low_op]), _column(constraint[high_op])
    assert low is not None and high is not None
    return BandSpec(field, low, high, low_op == "gt", high_op == "lt")


def band_spec(when: Any) -> tuple[BandSpec, list[str]] | None:
    """The first two-column bound in a rule's patterns, and the other columns its patterns use."""
    patterns = [p for section in ("all", "any") for p in (when.get(section) or [])] if isinstance(when, dict) else []
    for pattern in patterns:
        body = next(iter(pattern.values()), None) if isinstance(pattern, dict) and len(pattern) == 1 else None
        for field, constraint in (body or {}).items() if isinstance(body, dict) else []:
            spec = _between(field, constraint) if isinstance(constraint, dict) else None
            if spec is not None:
                others = sorted(set(column_references(when)) - {spec.low, spec.high})
                return spec, others
    return None


def _decimals(value: float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def scale_step(bands: list[Band], integral: bool) -> float:
    """The finest step the scale's bounds share: 1 for integers, else the greatest common divisor of
    the bounds (0.1 for 119.9 and 120; 0.25 for CYP2D6 activity scores, which come in quarters)."""
    if integral:
        return 1.0
    values = [v for b in bands for v in (b.low, b.high)]
    places = max((_decimals(v) for v in values), default=0)
    scaled = [round(abs(v) * 10 ** places) for v in values]
    divisor = math.gcd(*scaled) if scaled else 0
    return float((divisor or 1) / 10 ** places)


def _nested(bands: list[Band]) -> bool:
    """Whether one band holds another (or repeats it): rows meant to apply together, not a scale."""
    return any(a is not b and a.low <= b.low and b.high <= a.high for a in bands for b in bands)


def _scales(rules: list[Rule], spec: BandSpec, others: list[str]) -> dict[tuple[str, ...], list[Band]]:
    scales: dict[tuple[str, ...], list[Band]] = {}
    for rule in rules:
        row = rule.row
        low = row.cells.get(spec.low) if row else None
        high = row.cells.get(spec.high) if row else None
        if row is None or not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
            continue
        group = tuple(str(row.cells.get(name, "")) for name in others)
        scales.setdefault(group, []).append(Band(row, float(low), float(high)))
    return scales


def _scale_findings(source: RuleSource, bands: list[Band], spec: BandSpec, integral: bool) -> list[Finding]:
    step = scale_step(bands, integral)
    # a strict bound holds the values one step inside it
    low_shift = step if spec.low_strict else 0.0
    high_shift = step if spec.high_strict else 0.0
    ordered = sorted(bands, key=lambda b: (b.low, b.high, b.row.number))
    found: list[Finding] = []
    for before, after in itertools.pairwise(ordered):
        top, bottom = before.high - high_shift, after.low + low_shift
        where = f"row {before.row.number} ({before.row.location})"
        if bottom <= top + _EPSILON:
            found.append(finding(after.row.location, "table-overlap",
                                 f"the band of {spec.field} in row {after.row.number} overlaps {where}",
                                 rule_id=source.spec.id, hint="make each band start after the one below ends"))
        elif bottom - top > step + _EPSILON:
            found.append(finding(after.row.location, "table-gap",
                                 f"no band holds {spec.field} between {where} and row {after.row.number} "
                                 f"(at steps of {step:g})", severity=Severity.WARNING, rule_id=source.spec.id,
                                 hint="start this band one step after the one below ends"))
    return found


def band_findings(pack: Pack) -> list[Finding]:
    found: list[Finding] = []
    for source in pack.sources + pack.inactive:
        table = source.spec.table
        spec_and_others = band_spec(source.doc.data.get("when")) if table and isinstance(source.doc.data, dict) \
            else None
        if table is None or spec_and_others is None:
            continue
        spec, others = spec_and_others
        integral = table.columns.get(spec.low) == "integer" and table.columns.get(spec.high) == "integer"
        for bands in _scales(source.rules, spec, others).values():
            if not _nested(bands):
                found += _scale_findings(source, bands, spec, integral)
    return found
