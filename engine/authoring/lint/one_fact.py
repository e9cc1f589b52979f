"""``lint.same-fact-twice``: two patterns of one rule that only one fact could meet.

durable-rules never lets one fact satisfy two patterns of a rule (docs/rule-language.md, "One fact
per pattern"), so ``patient: {age: {ge: 18}}`` and ``patient: {sex: female}`` as two patterns need
two patient facts, and the rule never fires: write them as one pattern. Reported (a warning) for
two patterns of one variant on the same fact type when the type is one the patient file gives
once, or when both pin the same fields to the same values (``lab: {name: egfr}`` twice: one fact
per lab name), one fact could pass both and no join between them tells two facts apart.
"""

from __future__ import annotations

from itertools import combinations

from engine.authoring.lint.bounds import contradiction
from engine.authoring.lint.finding import Finding, finding
from engine.authoring.lint.placed import PlacedPattern, every_rule, locate, variants_placed
from engine.facts.fact import Scalar
from engine.lang.patterns import Pattern, Ref
from engine.pack.load import Pack
from engine.source.diagnostics import Location, Severity

# input types with one fact per patient (the normaliser makes one from the patient file's section)
ONE_FACT_TYPES = frozenset({"patient", "blood_pressure", "lifestyle", "stress", "preference", "ascvd_risk"})


def _pins(pattern: Pattern) -> dict[str, Scalar]:
    return {t.field: t.value for t in pattern.tests
            if t.op == "eq" and isinstance(t.value, (str, int, float, bool))}


def _joined(first: Pattern, second: Pattern) -> bool:
    """Whether one pattern compares a field with the other's (then they are meant as two facts)."""
    return any(isinstance(t.value, Ref) and t.value.alias == first.alias for t in second.tests) or \
        any(isinstance(t.value, Ref) and t.value.alias == second.alias for t in first.tests)


def _compatible(first: Pattern, second: Pattern) -> bool:
    """Whether one fact could pass both patterns' tests (no field contradicts)."""
    fields = {t.field for t in first.tests + second.tests}
    return all(contradiction([t for t in first.tests + second.tests if t.field == f]) is None for f in fields)


def one_fact_only(first: Pattern, second: Pattern, input_types: frozenset[str]) -> bool:
    if first.type != second.type:
        return False
    if first.type in ONE_FACT_TYPES & input_types:
        return True  # whatever the patterns say, the patient has one such fact
    if _joined(first, second) or not _compatible(first, second):
        return False
    pins_first, pins_second = _pins(first), _pins(second)
    return bool(pins_first) and pins_first == pins_second


def _pairs(placed: list[PlacedPattern], inputs: frozenset[str]) -> list[tuple[PlacedPattern, PlacedPattern]]:
    return [(a, b) for a, b in combinations(placed, 2) if one_fact_only(a.pattern, b.pattern, inputs)]


def same_fact_twice(pack: Pack) -> list[Finding]:
    inputs = frozenset(name for name, t in pack.schema.types.items() if not t.derived)
    found: list[Finding] = []
    seen: set[tuple[Location, str]] = set()
    for source, rule in every_rule(pack.sources + pack.inactive):
        for variant in variants_placed(source, rule):
            for first, second in _pairs(variant, inputs):
                where = locate(source, rule, second.path, key=True)
                if (where, first.pattern.type) in seen:
                    continue
                seen.add((where, first.pattern.type))
                found.append(finding(
                    where, "same-fact-twice",
                    f"this '{second.pattern.type}' pattern and the one at "
                    f"{source.doc.locate(first.path, key=True)} could be met only by one fact, and one fact never "
                    "meets two patterns of a rule, so the rule never fires",
                    severity=Severity.WARNING, rule_id=rule.id,
                    hint="write the two as one pattern, or tell the two facts apart by a value or a ref"))
    return found
