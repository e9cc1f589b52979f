"""A firing's plan outputs kept across patients are used only for the same rule, action and matched
contents, stay bounded, and change no plan."""

from __future__ import annotations

import pytest

from engine.facts.fact import Fact
from engine.generator import Generator
from engine.run import evaluate
from engine.run.output_memo import OutputMemo
from engine.run.outputs import RecommendOutput
from tests.synthetic_firings import synthetic_patients

AT = "2026-01-01T00:00:00Z"


def _recommending_rule(generator: Generator) -> tuple[str, int]:
    """A rule of the default pack whose wording reads a matched fact's field, and its action's place."""
    for rule in sorted(generator.compiled.rules.values(), key=lambda r: r.id):
        for number, action in enumerate(rule.actions):
            spec = action.recommend
            if spec is not None and "{" in spec.text and len(rule.variants[0]) == 1:
                return rule.id, number
    raise AssertionError("the default pack has no rule whose recommendation quotes a fact")


def test_an_output_is_used_again_only_for_the_same_contents(default_generator: Generator) -> None:
    rule_id, number = _recommending_rule(default_generator)
    rule = default_generator.compiled.rules[rule_id]
    action = rule.actions[number].recommend
    pattern = rule.variants[0][0]
    memo = OutputMemo()
    fact = Fact.make(pattern.type, {"name": "ldl", "value": 131.5, "gene": "CYP2C19", "drug": "x"})
    first = memo.output("recommend", action, rule, number, {pattern.alias: fact})
    assert isinstance(first, RecommendOutput) and len(memo) == 1
    same = Fact.make(pattern.type, {"drug": "x", "gene": "CYP2C19", "value": 131.5, "name": "ldl"})
    assert memo.output("recommend", action, rule, number, {pattern.alias: same}) is first
    # another content under the same id (a hash clash, forged here) is built anew
    forged = Fact(pattern.type, {**fact.values, "value": 99.0, "name": "hdl", "gene": "CYP2D6", "drug": "y"}, fact.fid)
    again = memo.output("recommend", action, rule, number, {pattern.alias: forged})
    assert again is not first


def test_a_full_memo_starts_again(default_generator: Generator) -> None:
    rule_id, number = _recommending_rule(default_generator)
    rule = default_generator.compiled.rules[rule_id]
    pattern = rule.variants[0][0]
    memo = OutputMemo(limit=3)
    for n in range(7):
        memo.output("recommend", rule.actions[number].recommend, rule, number,
                    {pattern.alias: Fact.make(pattern.type, {"value": n})})
        assert len(memo) <= 3


def test_plans_are_the_same_with_the_memo_and_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(120, seed=9, prefix="o")
    kept = Generator()
    with_memo = [kept.run(p, at=AT).plan.to_json() for p in patients]
    assert len(kept.evaluator._outputs) > 100  # outputs were kept across these patients
    monkeypatch.setattr(evaluate, "OutputMemo", lambda: OutputMemo(limit=1))  # keeps nothing for the next one
    fresh = Generator()
    without = [fresh.run(p, at=AT).plan.to_json() for p in patients]
    assert len(fresh.evaluator._outputs) <= 1
    for patient, mine, theirs in zip(patients, with_memo, without, strict=True):
        assert mine == theirs, patient.id
