"""Every ruleset of the default pack takes, without a durable error, a fact built to match
each of its patterns: the compiler's packing stays inside durable's per-fact limits (error
303: one fact may satisfy at most 64 alpha conditions in a ruleset)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.compile.compiler import CompiledRuleset
from engine.facts.fact import Fact
from engine.facts.schema import FieldKind
from engine.generator import Generator
from engine.lang.patterns import Pattern, Ref


def _fact_for(pattern: Pattern, kinds: dict[str, FieldKind]) -> Fact:
    values: dict[str, Any] = {}
    for test in pattern.tests:
        if isinstance(test.value, Ref) or test.op == "missing":
            continue
        if test.op == "eq":
            values[test.field] = test.value
        elif test.op == "in" and isinstance(test.value, tuple):
            values[test.field] = test.value[0]
        elif test.op in ("ge", "le"):
            values.setdefault(test.field, test.value)
        elif test.op == "gt" and isinstance(test.value, (int, float)):
            values.setdefault(test.field, test.value + 1)
        elif test.op == "lt" and isinstance(test.value, (int, float)):
            values.setdefault(test.field, test.value - 1)
        elif test.op in ("ne", "exists"):
            kind = kinds.get(test.field, FieldKind.TEXT)
            values.setdefault(test.field, {FieldKind.TEXT: "other", FieldKind.BOOLEAN: True}.get(kind, 1))
    return Fact.make(pattern.type, values)


def _patterns(ruleset: CompiledRuleset, generator: Generator) -> list[Pattern]:
    found: list[Pattern] = []
    for handler in ruleset.handlers.values():
        if handler.kind == "rule":
            rule = generator.compiled.rules[handler.target]
            found.extend(rule.variants[handler.variant])
        elif handler.kind == "probe":
            found.append(generator.compiled.probes[handler.target].pattern)
        elif handler.kind == "keyed-probe":  # "<rule id>#<variant>~none<n>": the variant plus the negated pattern
            rule_id, _, rest = handler.target.rpartition("#")
            variant, _, negation = rest.partition("~none")
            rule = generator.compiled.rules[rule_id]
            found.extend(rule.variants[int(variant)])
            found.append(rule.negations[int(negation)])
    return found


@pytest.mark.parametrize("index", range(32))
def test_a_fact_matching_each_pattern_can_be_asserted(default_generator: Generator, index: int) -> None:
    rulesets = default_generator.compiled.rulesets
    if index >= len(rulesets):
        pytest.skip(f"the default pack has {len(rulesets)} rulesets")
    ruleset = rulesets[index]
    schema = default_generator.pack.schema
    facts = {}
    for pattern in _patterns(ruleset, default_generator):
        fact_type = schema.get(pattern.type)
        kinds = fact_type.fields if fact_type else {}
        fact = _fact_for(pattern, kinds)
        facts[fact.fid] = fact
    assert facts
    with default_generator.evaluator.runtime.session() as session:
        for fact in sorted(facts.values(), key=lambda f: f.fid):
            session.assert_facts(ruleset.name, [fact.engine_dict()])  # raises EngineError on error 303
