"""A fact several firings derived is explained by the same firing whatever order they ran in.

The compiler decides where each rule runs (a durable ruleset or a lookup, which runs after the
stratum's rulesets), so the order of firings is the layout's. ``engine.run.producers`` picks the
explaining firing from the derivations: the shortest derivation, then the rule id, then the rule's
``any`` alternative, then the matched facts. These tests give the same firings in every order
they could have run in and expect one answer, and run a pack whose two derivations of one fact
run in durable and in a lookup.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.pack.load import load_pack
from engine.patient.loader import load_patient
from engine.patient.model import Patient
from engine.run import evaluate as evaluate_module
from engine.run.producers import choose_producers
from engine.run.trace import Evaluation, Firing
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of


def _firing(rule_id: str, matched: tuple[str, ...], produced: tuple[str, ...], stratum: int = 0,
            variant: int = 0) -> Firing:
    return Firing(0, rule_id, "1.0.0", "rules/x.yaml:1", stratum, matched, produced, (), variant)


def _explained(firings: list[Firing]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Run ``firings`` in the given order as the evaluator records them; each derived fact's explaining
    firing (rule id, matched)."""
    evaluation = Evaluation()
    for seq, firing in enumerate(firings, start=1):
        numbered = replace(firing, seq=seq)
        evaluation.firings.append(numbered)
        for fid in firing.produced:
            evaluation.producer.setdefault(fid, seq)  # the first firing that derived it, as the evaluator does
    choose_producers(evaluation, {r: n for n, r in enumerate(sorted({f.rule_id for f in firings}))})
    return {fid: (evaluation.firing(seq).rule_id, evaluation.firing(seq).matched)
            for fid, seq in evaluation.producer.items()}


def _orders(firings: list[Firing]) -> list[list[Firing]]:
    """Every order the firings could have run in: each after the facts it read were derived."""
    derived = {fid for f in firings for fid in f.produced}
    return [list(order) for order in itertools.permutations(firings) if _runs(list(order), derived)]


def _runs(order: list[Firing], derived: set[str]) -> bool:
    known: set[str] = set()
    for firing in order:
        if (set(firing.matched) & derived) - known:
            return False
        known.update(firing.produced)
    return True


# input fact "in:a"; "m" and "x" are derived. Rule ids that sort first take the long way to x.
LONG_AND_SHORT = [
    _firing("a.long-1", ("in:a",), ("m",)),
    _firing("a.long-2", ("m",), ("x",)),
    _firing("z.short", ("in:a",), ("x",)),
]


def test_the_shortest_derivation_explains_in_every_order() -> None:
    orders = _orders(LONG_AND_SHORT)
    assert len(orders) == 3  # the long chain in order, the short firing before, between or after it
    answers = [_explained(order) for order in orders]
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["x"] == ("z.short", ("in:a",))  # depth 1 beats depth 2, though a.long-2 sorts first
    # the evaluator's own choice (the first to run) differs between these orders: that is what is fixed
    firsts = {next(f.rule_id for f in order if "x" in f.produced) for order in orders}
    assert firsts == {"a.long-2", "z.short"}


def test_ties_go_to_the_rule_id_then_the_alternative_then_the_facts() -> None:
    tied = [_firing("b.rule", ("in:a",), ("x",)), _firing("a.rule", ("in:b",), ("x",))]
    assert {_explained(o)["x"] for o in _orders(tied)} == {("a.rule", ("in:b",))}
    variants = [_firing("r", ("in:a",), ("x",), variant=1), _firing("r", ("in:b",), ("x",), variant=0)]
    assert {_explained(o)["x"] for o in _orders(variants)} == {("r", ("in:b",))}
    facts = [_firing("r", ("in:b",), ("x",)), _firing("r", ("in:a",), ("x",))]
    assert {_explained(o)["x"] for o in _orders(facts)} == {("r", ("in:a",))}


def test_a_later_stratum_never_explains_what_an_earlier_one_derived() -> None:
    firings = [_firing("z.early", ("in:a",), ("m",)), _firing("z.early-2", ("m",), ("x",)),
               _firing("a.late", ("in:a",), ("x",), stratum=1)]
    assert {_explained(o)["x"] for o in _orders(firings)} == {("z.early-2", ("m",))}


def test_a_derivation_through_its_own_fact_is_never_the_explanation() -> None:
    """x derives y and y derives x again: x is explained from the input, so every chain ends at inputs."""
    firings = [_firing("c.from-input", ("in:a",), ("x",)), _firing("a.x-to-y", ("x",), ("y",)),
               _firing("a.y-to-x", ("y",), ("x",))]
    for order in _orders(firings):
        answer = _explained(order)
        assert answer["x"] == ("c.from-input", ("in:a",))
        assert answer["y"] == ("a.x-to-y", ("x",))


def test_an_input_fact_a_rule_also_derives_stays_an_input() -> None:
    evaluation = Evaluation()
    evaluation.firings = [replace(_firing("r.one", ("in:a",), ("in:b",)), seq=1),
                          replace(_firing("r.two", ("in:c",), ("in:b",)), seq=2)]
    choose_producers(evaluation, {"r.one": 0, "r.two": 1})
    assert "in:b" not in evaluation.producer


FINDING = {"finding": {"label": "finding {code}", "fields": {"code": "text"}}}


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    """One finding derived by a join (durable, runs first) and by a lookup (runs after it)."""
    derive = [{"assert": {"finding": {"code": "kidney"}}}]
    rules = {
        "join": rule_doc("t.z-join", {"all": [{"lab": {"name": "egfr", "as": "e"}},
                                              {"lab": {"name": "ldl_mg_dl", "value": {"ge": {"ref": "e.value"}}}}]},
                         derive),
        "lookup": rule_doc("t.b-lookup", {"all": [{"lab": {"name": "egfr", "value": {"lt": 60}}}]}, derive),
        "use": rule_doc("t.use", {"all": [{"finding": {"code": "kidney"}}]}),
    }
    return Generator(write_pack(tmp_path_factory.mktemp("two-ways"), rules, FINDING))


def _plan_chain(generator: Generator) -> list[str]:
    patient = Patient.model_validate({"id": "p", "labs": {"egfr": 50, "ldl_mg_dl": 130}})
    plan = generator.run(patient, at="2026-01-01T00:00:00Z").plan
    [recommendation] = [r for r in plan.recommendations if r.because[-1].rule == "t.use"]
    return [step.rule for step in recommendation.because]


def test_the_plan_names_the_chosen_derivation_not_the_one_that_ran_first(two_ways: Generator,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    placed = {h.target: r.name for r in (*two_ways.compiled.rulesets, *two_ways.compiled.lookups)
              for h in r.handlers.values() if h.kind == "rule"}
    assert placed["t.z-join"] in {r.name for r in two_ways.compiled.rulesets}
    assert placed["t.b-lookup"] in {r.name for r in two_ways.compiled.lookups}
    evaluation = two_ways.evaluator.evaluate(facts_of(Patient.model_validate(
        {"id": "p", "labs": {"egfr": 50, "ldl_mg_dl": 130}})))
    first = [f.rule_id for f in evaluation.firings if f.produced]
    assert first[0] == "t.z-join"  # durable ran first
    assert _plan_chain(two_ways) == ["t.b-lookup", "t.use"]
    # without the choice the plan would name whichever ran first: the test sees the difference
    monkeypatch.setattr(evaluate_module, "choose_producers", lambda evaluation, order: None)
    assert _plan_chain(two_ways) == ["t.z-join", "t.use"]


_DURABLE_LAYOUT = """
import hashlib, sys
from pathlib import Path
from engine.compile import compiler
from engine.generator import Generator
from engine.pack.load import load_pack
from engine.patient.loader import load_patient

pack = load_pack(Path(sys.argv[1]))
deriving = {rule.id for rule in pack.rules if rule.produces}
is_lookup = compiler.is_lookup
compiler.is_lookup = lambda item: is_lookup(item) and not (item.handler_kind == "rule" and item.target in deriving)
generator = Generator.from_pack(pack)
assert not any(generator.compiled.rules[h.target].produces for r in generator.compiled.lookups
               for h in r.handlers.values() if h.kind == "rule")
for path in sys.argv[2:]:
    plan = generator.run(load_patient(Path(path)), at="2026-01-01T00:00:00Z").plan.to_json()
    print(hashlib.sha256(plan.encode()).hexdigest())
"""


def test_the_layout_changes_no_plan(tmp_path: Path) -> None:
    """Every example with every deriving rule kept in durable, as the compiler once laid them out: the
    same plans. (In a child process: the runtime keys durable rulesets by the pack's digest.)"""
    root = Path(__file__).parent.parent
    examples = sorted((root / "examples").glob("*.yaml"))
    assert len(examples) > 10
    generator = Generator.from_pack(load_pack(root))
    assert sum(1 for r in generator.compiled.lookups for h in r.handlers.values()
               if h.kind == "rule" and generator.compiled.rules[h.target].produces) > 100
    plans = [hashlib.sha256(generator.run(load_patient(p), at="2026-01-01T00:00:00Z").plan.to_json().encode())
             .hexdigest() for p in examples]
    script = tmp_path / "durable_layout.py"
    script.write_text(_DURABLE_LAYOUT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(root), *map(str, examples)], check=False,
                          capture_output=True, text=True, timeout=600, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == plans
