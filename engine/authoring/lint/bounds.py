"""``lint.contradictory-bounds``: a pattern whose tests on one field no value can pass.

``{gt: 5, lt: 3}``, ``{eq: a, ne: a}``, ``between: [high, low]``, an ``in`` that a ``ne`` empties,
``exists: false`` beside a comparison (``ne`` and the comparisons never match a missing field):
the pattern never matches, so under ``all`` the rule never fires and under ``none`` the exclusion
is silently off. Only constants are compared; a test against a ``ref`` depends on another fact.
"""

from __future__ import annotations

from collections import defaultdict

from engine.authoring.lint.finding import Finding, finding
from engine.authoring.lint.placed import every_rule, locate, placed_patterns
from engine.facts.fact import Scalar
from engine.lang.patterns import Pattern, Ref, Test
from engine.pack.load import Pack

_EFFECTS = {"all": "the rule never fires", "any": "this alternative of 'any' never matches",
            "none": "the exclusion never applies"}
_LOWER = {"gt", "ge"}
_UPPER = {"lt", "le"}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _bounds(tests: list[Test]) -> tuple[tuple[float, bool] | None, tuple[float, bool] | None]:
    """The tightest lower and upper bound, each with whether it is strict."""
    low: tuple[float, bool] | None = None
    high: tuple[float, bool] | None = None
    for test in tests:
        number = _number(test.value)
        if number is None:
            continue
        if test.op in _LOWER and (low is None or (number, test.op == "gt") > low):
            low = (number, test.op == "gt")
        if test.op in _UPPER and (high is None or (-number, test.op == "lt") > (-high[0], high[1])):
            high = (number, test.op == "lt")
    return low, high


def _within(value: Scalar, low: tuple[float, bool] | None, high: tuple[float, bool] | None) -> bool:
    number = _number(value)
    if number is None:
        return low is None and high is None  # comparisons never match text or true/false
    above = low is None or number > low[0] or (number == low[0] and not low[1])
    below = high is None or number < high[0] or (number == high[0] and not high[1])
    return above and below


def _empty_range(low: tuple[float, bool] | None, high: tuple[float, bool] | None) -> bool:
    if low is None or high is None:
        return False
    return low[0] > high[0] or (low[0] == high[0] and (low[1] or high[1]))


def _allowed(tests: list[Test]) -> set[Scalar] | None:
    """The values the field may take when ``eq`` or ``in`` lists them; None when any value may do."""
    allowed: set[Scalar] | None = None
    for test in tests:
        values: set[Scalar]
        if test.op == "eq" and isinstance(test.value, (str, int, float, bool)):
            values = {test.value}
        elif test.op == "in" and isinstance(test.value, tuple):
            values = set(test.value)
        else:
            continue
        allowed = values if allowed is None else allowed & values
    return allowed


def _among_allowed(constants: list[Test], low: tuple[float, bool] | None,
                   high: tuple[float, bool] | None) -> str | None:
    """Why no value that ``eq`` or ``in`` lists passes the ``ne`` tests and the bounds, or None."""
    allowed = _allowed(constants)
    if allowed is None:
        return None
    excluded = {t.value for t in constants if t.op == "ne"}
    if not allowed:
        return "'eq' and 'in' here have no value in common"
    if not allowed - excluded:
        return "every value that 'eq' or 'in' allows is ruled out by 'ne'"
    if not any(_within(v, low, high) for v in allowed - excluded):
        return "no value that 'eq' or 'in' allows lies within the bounds"
    return None


def contradiction(tests: list[Test]) -> str | None:
    """Why no value of one field passes all of ``tests`` (constants only), or None."""
    constants = [t for t in tests if not isinstance(t.value, Ref)]
    ops = {t.op for t in constants}
    if "missing" in ops and ops - {"missing"}:
        return "'exists: false' with another test: a missing field matches no comparison"
    low, high = _bounds(constants)
    if _empty_range(low, high):
        return "the lower bound is above the upper bound, so no number lies between them"
    return _among_allowed(constants, low, high)


def _pattern_findings(pattern: Pattern) -> list[tuple[str, str]]:
    by_field: dict[str, list[Test]] = defaultdict(list)
    for test in pattern.tests:
        by_field[test.field].append(test)
    found = []
    for field_name, tests in sorted(by_field.items()):
        reason = contradiction(tests)
        if reason is not None:
            found.append((field_name, reason))
    return found


def contradictory_bounds(pack: Pack) -> list[Finding]:
    found: list[Finding] = []
    for source, rule in every_rule(pack.sources + pack.inactive):
        for placed in placed_patterns(source, rule):
            for field_name, reason in _pattern_findings(placed.pattern):
                effect = _EFFECTS[placed.section]
                found.append(finding(
                    locate(source, rule, (*placed.path, field_name)), "contradictory-bounds",
                    f"{placed.pattern.type}.{field_name}: {reason}; {effect}", rule_id=rule.id,
                    hint="correct the test that is wrong; between takes [low, high]"))
    return found
