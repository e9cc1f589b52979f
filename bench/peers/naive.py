"""A naive interpreter of the workload's rule IR: the oracle the plain-Python baseline is checked against.

It knows nothing of the rules' meaning: it re-tests every rule against working memory until nothing
new fires. Slow (every rule, every pass) and obviously right, which is the point: if the hand-written
baseline drifts from the IR, this is what catches it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence

from bench.peers.workload import Derive, Fact, Pattern, Rule, Scalar

_OPS: dict[str, Callable[[Scalar, Scalar], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _matches(pattern: Pattern, fact: Fact) -> bool:
    fact_type, fields = fact
    return fact_type == pattern.type and all(
        test.field in fields and _OPS[test.op](fields[test.field], test.value) for test in pattern.tests)


def matches(rule: Rule, facts: Sequence[Fact]) -> bool:
    """Whether every pattern of the rule matches some fact (no chaining: for rules over input facts)."""
    return all(any(_matches(p, f) for f in facts) for p in rule.patterns)


def fired(rules: Sequence[Rule], facts: Sequence[Fact]) -> list[str]:
    """The ids of the rules that fire for these facts, in firing order (forward chaining to a fixpoint)."""
    memory: list[Fact] = list(facts)
    done: list[str] = []
    seen: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if rule.id in seen:
                continue  # a rule fires at most once per patient (workload invariant)
            if matches(rule, memory):
                seen.add(rule.id)
                done.append(rule.id)
                changed = True
                if isinstance(rule.action, Derive):
                    derived: Mapping[str, Scalar] = dict(rule.action.fields)
                    memory.append((rule.action.type, derived))
    return done


def recommendations(rules: Sequence[Rule], facts: Sequence[Fact]) -> list[str]:
    """The sorted recommendation ids the rules make for these facts."""
    by_id = {rule.id: rule for rule in rules}
    recs = [action.rec for rule_id in fired(rules, facts) if not isinstance(action := by_id[rule_id].action, Derive)]
    return sorted(recs)
