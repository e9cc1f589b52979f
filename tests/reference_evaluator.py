"""A tiny pure-Python evaluator of checked rules, used as an oracle for the durable-rules runtime.

It knows nothing of durable, rulesets, probes or markers. A rule fires once for every
combination of distinct facts that matches one of its variants (its ``all`` patterns plus
one ``any`` pattern), provided no fact matches any of its ``none`` patterns. Rules are
stratified so that a negation is only tested once every rule that could produce facts of
the negated type has run; ``assert`` actions derive facts until nothing new appears.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from engine.facts.fact import Fact, Scalar
from engine.lang.patterns import Pattern, Ref, Test
from engine.lang.rule import Rule

Firing = tuple[str, tuple[str, ...]]  # (rule_id, matched fact ids in pattern order)
VariantFiring = tuple[str, int, tuple[str, ...]]  # (rule_id, variant index, matched fact ids)


class ReferenceError(ValueError):
    """The rules cannot be stratified (a negation cycle) or chain without end."""


def _numeric(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_kind(left: object, right: object) -> bool:
    if _numeric(left) and _numeric(right):
        return True
    return type(left) is type(right)


def _compare(op: str, actual: Scalar, expected: Scalar) -> bool:
    if op == "eq":
        return _same_kind(actual, expected) and actual == expected
    if op == "ne":
        return not (_same_kind(actual, expected) and actual == expected)
    if not (_numeric(actual) and _numeric(expected)):
        return False
    a, e = float(actual), float(expected)
    return {"lt": a < e, "le": a <= e, "gt": a > e, "ge": a >= e}[op]


def test_matches(test: Test, fact: Fact, bound: dict[str, Fact]) -> bool:
    """Whether one field test holds for ``fact``, with ``bound`` giving the facts of earlier aliases."""
    present = test.field in fact.values
    if test.op == "exists":
        return present
    if test.op == "missing":
        return not present
    if not present:
        return False  # eq, ne, in and comparisons never match a missing field
    actual = fact.values[test.field]
    operand = test.value
    if isinstance(operand, Ref):
        other = bound.get(operand.alias)
        if other is None or operand.field not in other.values:
            return False
        operand = other.values[operand.field]
    if test.op == "in":
        assert isinstance(operand, tuple)
        return any(_compare("eq", actual, v) for v in operand)
    assert operand is not None and not isinstance(operand, tuple)
    return _compare(test.op, actual, operand)


def pattern_matches(pattern: Pattern, fact: Fact, bound: dict[str, Fact]) -> bool:
    return fact.type == pattern.type and all(test_matches(t, fact, bound) for t in pattern.tests)


def _bindings(patterns: Sequence[Pattern], facts: Sequence[Fact],
              bound: dict[str, Fact]) -> Iterator[dict[str, Fact]]:
    """Every assignment of distinct facts to the patterns, in order (a fact binds one alias)."""
    if not patterns:
        yield dict(bound)
        return
    first, rest = patterns[0], patterns[1:]
    used = {f.fid for f in bound.values()}
    for fact in facts:
        if fact.fid in used or not pattern_matches(first, fact, bound):
            continue
        yield from _bindings(rest, facts, {**bound, first.alias: fact})


def stratify(rules: Sequence[Rule]) -> dict[str, int]:
    """Lowest stratum per rule: not below the producers of what it reads, above those of what it negates."""
    producers: dict[str, set[str]] = {}
    for rule in rules:
        for type_name in rule.produces:
            producers.setdefault(type_name, set()).add(rule.id)
    level = {rule.id: 0 for rule in rules}
    for _ in range(len(rules) + 1):
        changed = False
        for rule in rules:
            want = 0
            for type_name in rule.consumes:
                want = max([want, *(level[p] for p in producers.get(type_name, ()))])
            for type_name in rule.negated_types:
                want = max([want, *(level[p] + 1 for p in producers.get(type_name, ()))])
            if want > level[rule.id]:
                level[rule.id] = want
                changed = True
        if not changed:
            return level
    raise ReferenceError("negation cycle: no stratification exists")


def _resolve(value: Any, bound: dict[str, Fact]) -> Scalar | None:
    if isinstance(value, dict) and set(value) == {"ref"}:
        alias, _, field = str(value["ref"]).partition(".")
        return bound[alias].values.get(field)
    if isinstance(value, dict) and set(value) == {"any"}:
        return any(_resolve(v, bound) is True for v in value["any"])
    if isinstance(value, dict) and set(value) in ({"add"}, {"mul"}):
        numbers = [_resolve(v, bound) for v in next(iter(value.values()))]
        if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
            return None
        total = 0.0 if "add" in value else 1.0
        for n in numbers:
            total = total + float(n) if "add" in value else total * float(n)  # type: ignore[arg-type]
        return round(total, 4)
    if isinstance(value, (str, int, float, bool)):
        return value
    return None


def _fire_rule(rule: Rule, current: list[Fact], fired: set[VariantFiring], known: dict[str, Fact],
               new: dict[str, Fact]) -> None:
    """Every new firing of one rule over ``current``: record it and collect the facts it derives."""
    # negated types are final here: all their producers sit in earlier strata
    plain = [n for n in rule.negations if not n.refs()]
    if any(pattern_matches(n, f, {}) for n in plain for f in current):
        return
    correlated = [n for n in rule.negations if n.refs()]
    for index, variant in enumerate(rule.variants):
        for bound in _bindings(variant, current, {}):
            used = {f.fid for f in bound.values()}
            if any(pattern_matches(n, f, bound) for n in correlated for f in current if f.fid not in used):
                continue  # a correlated 'none' matched another fact, given these bindings
            key = (rule.id, index, tuple(bound[p.alias].fid for p in variant))
            if key in fired:
                continue
            fired.add(key)
            for action in rule.actions:
                for type_name, values in (action.assert_ or {}).items():
                    resolved = {k: _resolve(v, bound) for k, v in (values or {}).items()}
                    derived = Fact.make(type_name, resolved, origin="derived")
                    if derived.fid not in known:
                        new[derived.fid] = derived


def _run(rules: Sequence[Rule], facts: Sequence[Fact], max_rounds: int) -> tuple[set[VariantFiring], dict[str, Fact]]:
    known: dict[str, Fact] = {f.fid: f for f in facts}
    strata = stratify(rules)
    fired: set[VariantFiring] = set()
    for level in sorted(set(strata.values())):
        active = [r for r in rules if strata[r.id] == level]
        for _round in range(max_rounds):
            current = sorted(known.values(), key=lambda f: f.fid)
            new: dict[str, Fact] = {}
            for rule in active:
                _fire_rule(rule, current, fired, known, new)
            if not new:
                break
            known.update(new)
        else:
            raise ReferenceError("rules derive facts without end")
    return fired, known


def evaluate_variants(rules: Sequence[Rule], facts: Sequence[Fact], max_rounds: int = 1000) -> list[VariantFiring]:
    """Every (rule id, variant index, matched fact ids) that fires, each once, sorted."""
    return sorted(_run(rules, facts, max_rounds)[0])


def evaluate(rules: Sequence[Rule], facts: Sequence[Fact]) -> set[Firing]:
    """The set of (rule id, matched fact ids) that the rules fire over ``facts``."""
    return {(rule_id, matched) for rule_id, _variant, matched in evaluate_variants(rules, facts)}


def firing_counts(rules: Sequence[Rule], facts: Sequence[Fact]) -> Counter[Firing]:
    """How often each (rule id, matched) fires: once per variant that matches those facts."""
    return Counter((rule_id, matched) for rule_id, _variant, matched in evaluate_variants(rules, facts))


def derived_facts(rules: Sequence[Rule], facts: Sequence[Fact]) -> dict[str, Fact]:
    """Input and derived facts after the fixpoint, by fact id."""
    return _run(rules, facts, 1000)[1]
