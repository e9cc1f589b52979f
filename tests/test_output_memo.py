"""A firing's plan outputs and derived facts kept across patients are used only for the same rule,
action and values of the matched fields the action reads, stay bounded, and change no plan."""

from __future__ import annotations

from typing import Any

import pytest

from engine.facts.fact import Fact, Scalar
from engine.generator import Generator
from engine.lang.model import RecommendSpec
from engine.lang.rule import Rule
from engine.run import evaluate
from engine.run.output_memo import DerivedMemo, Key, OutputMemo, action_reads
from engine.run.outputs import Output, RecommendOutput
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


def test_an_output_that_quotes_nothing_is_built_once_per_rule(default_generator: Generator) -> None:
    rule = next(r for r in sorted(default_generator.compiled.rules.values(), key=lambda r: r.id)
                if r.actions[0].recommend is not None and action_reads(r.actions[0].recommend) == ()
                and len(r.variants[0]) == 1)
    pattern = rule.variants[0][0]
    memo = OutputMemo()
    first = memo.output("recommend", rule.actions[0].recommend, rule, 0,
                        {pattern.alias: Fact.make(pattern.type, {"value": 1, "name": "a"})})
    other = Fact.make(pattern.type, {"value": 2.5, "name": "b", "extra": True})
    assert memo.output("recommend", rule.actions[0].recommend, rule, 0, {pattern.alias: other}) is first
    assert len(memo) == 1


def test_the_reads_are_every_ref_and_quoted_field_and_each_value_keeps_its_type(
        default_generator: Generator) -> None:
    spec = RecommendSpec.model_validate({
        "category": "medication", "action": "start", "text": "Start {d.drug} at {r.value} mg",
        "drug": {"ref": "d.drug"}, "patient_text": "{p.age}",
        "dose_change_percent": {"mul": [{"ref": "g.activity"}, 50]}})
    assert action_reads(spec) == (("d", "drug"), ("g", "activity"), ("p", "age"), ("r", "value"))
    assert action_reads({"x": object()}) is None  # not understood: kept by the whole contents
    rule = next(iter(default_generator.compiled.rules.values()))  # only its id is part of a key
    memo = OutputMemo()
    keys = {memo._key(rule, 0, spec, {"r": Fact.make("lab", {"value": v})}) for v in (5, 5.0, True)}
    assert len(keys) == 3  # 5, 5.0 and True are different values to a plan (5.0 prints as 5, True as true)
    unknown = {memo._key(rule, 1, {"x": object()}, {"r": Fact.make("lab", {"value": 1, "unit": u})})
               for u in ("mg", "g")}
    assert len(unknown) == 2  # a field the action does not name still tells the whole contents apart


def test_a_full_memo_stays_bounded(default_generator: Generator) -> None:
    rule_id, number = _recommending_rule(default_generator)
    rule = default_generator.compiled.rules[rule_id]
    pattern = rule.variants[0][0]
    spec = rule.actions[number].recommend
    reads = action_reads(spec)
    assert reads  # the rule quotes a field: facts differing in it are different entries
    quoted = reads[0][1]
    memo = OutputMemo(limit=3)
    sizes = []
    for n in range(9):
        memo.output("recommend", spec, rule, number, {pattern.alias: Fact.make(pattern.type, {quoted: n})})
        sizes.append(len(memo))
    assert max(sizes) == 6 and sizes[-1] <= 6  # two generations of three (engine.run.recent)


def _deriving_rule(generator: Generator) -> tuple[str, int]:
    """A rule of the default pack that derives a fact with a field taken from a matched fact."""
    for rule in sorted(generator.compiled.rules.values(), key=lambda r: r.id):
        for number, action in enumerate(rule.actions):
            if action.assert_ and len(rule.variants[0]) == 1 and any(
                    isinstance(v, dict) and "ref" in v for values in action.assert_.values() for v in values.values()):
                return rule.id, number
    raise AssertionError("the default pack has no rule that derives a field from a matched fact")


def test_a_derived_fact_is_used_again_only_for_the_same_contents(default_generator: Generator) -> None:
    rule_id, number = _deriving_rule(default_generator)
    rule = default_generator.compiled.rules[rule_id]
    asserted = rule.actions[number].assert_ or {}
    pattern = rule.variants[0][0]
    memo = DerivedMemo()
    values: dict[str, Scalar | None] = {"gene": "CYP2C19", "drug": "x", "allele": "*2",
                                        "phenotype": "Poor Metabolizer", "value": 3}
    fact = Fact.make(pattern.type, values)
    first = memo.derive(rule, number, asserted, {pattern.alias: fact})
    assert first and len(memo) == 1
    assert memo.derive(rule, number, asserted, {pattern.alias: Fact.make(pattern.type, dict(values))}) is first
    forged = Fact(pattern.type, {k: f"{v}-other" if isinstance(v, str) else 7 for k, v in values.items()}, fact.fid)
    again = memo.derive(rule, number, asserted, {pattern.alias: forged})
    assert again is not first and again != first  # built from the forged fact's fields, not the kept ones


class _ForgetfulOutputs(OutputMemo):
    def _kept(self, rule: Rule, action: int, spec: Any, bound: dict[str, Fact]) -> tuple[Key, Output | None]:
        return super()._kept(rule, action, spec, bound)[0], None


class _ForgetfulFacts(DerivedMemo):
    def _kept(self, rule: Rule, action: int, spec: Any,
              bound: dict[str, Fact]) -> tuple[Key, tuple[Fact, ...] | None]:
        return super()._kept(rule, action, spec, bound)[0], None


def test_plans_are_the_same_with_the_memo_and_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(120, seed=9, prefix="o")
    kept = Generator()
    with_memo = [kept.run(p, at=AT).plan.to_json() for p in patients]
    assert len(kept.evaluator._outputs) > 100 and len(kept.evaluator._derived) > 100  # kept across patients
    monkeypatch.setattr(evaluate, "OutputMemo", _ForgetfulOutputs)  # every output and fact built anew
    monkeypatch.setattr(evaluate, "DerivedMemo", _ForgetfulFacts)
    fresh = Generator()
    assert isinstance(fresh.evaluator._outputs, _ForgetfulOutputs)
    without = [fresh.run(p, at=AT).plan.to_json() for p in patients]
    for patient, mine, theirs in zip(patients, with_memo, without, strict=True):
        assert mine == theirs, patient.id
