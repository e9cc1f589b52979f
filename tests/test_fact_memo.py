"""What the evaluator keeps by a fact's content across patients (its text, its routes, the lookup
rows it meets) is used only for that same content, stays bounded, and changes no firing."""

from __future__ import annotations

import pytest

from engine.facts.fact import Fact
from engine.generator import Generator
from engine.run import evaluate, lookup, routes
from engine.run.fact_memo import FactMemo
from tests.synthetic_firings import firings, synthetic_patients


def test_an_entry_is_used_only_for_the_same_type_and_fields() -> None:
    memo: FactMemo[str] = FactMemo()
    fact = Fact.make("lab", {"name": "ldl", "value": 131.5})
    memo.put(fact, "worked out")
    assert memo.get(Fact.make("lab", {"value": 131.5, "name": "ldl"})) == "worked out"  # same content
    # another content under the same id (a hash clash, forged here) is not given this entry
    assert memo.get(Fact("lab", {"name": "ldl", "value": 99.0}, fact.fid)) is None
    assert memo.get(Fact("vital", dict(fact.values), fact.fid)) is None


def test_a_full_memo_stays_bounded_and_drops_what_is_not_used() -> None:
    memo: FactMemo[int] = FactMemo(limit=3)
    facts = [Fact.make("lab", {"value": n}) for n in range(7)]
    for n, fact in enumerate(facts):
        memo.put(fact, n)
        assert len(memo) <= 6  # two generations of three (engine.run.recent)
    assert memo.get(facts[-1]) == 6 and memo.get(facts[0]) is None


class _Forgetful(FactMemo[object]):
    """A memo that never finds what it was given: every content worked out anew."""

    def get(self, fact: Fact) -> None:
        return None


def test_plans_fire_the_same_with_the_memo_and_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(120, seed=5, prefix="m")
    kept = Generator()
    with_memo = [firings(kept, p) for p in patients]
    assert len(kept.evaluator._texts) > 500  # the memo was used across these patients
    monkeypatch.setattr(evaluate, "FactMemo", _Forgetful)  # finds nothing from one fact to the next
    monkeypatch.setattr(routes, "FactMemo", _Forgetful)
    monkeypatch.setattr(lookup, "FactMemo", _Forgetful)
    fresh = Generator()
    assert isinstance(fresh.evaluator._texts, _Forgetful)
    without = [firings(fresh, p) for p in patients]
    assert sum(len(f) for f in with_memo) > 1000
    for patient, mine, theirs in zip(patients, with_memo, without, strict=True):
        assert mine == theirs, patient.id
