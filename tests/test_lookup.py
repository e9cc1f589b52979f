"""Rules that compare fields with constants are evaluated as lookups, and fire exactly as the
reference evaluator says.

The compiler takes rules whose patterns only compare fields with constants (eq, in, ne, exists,
missing, and order comparisons with numbers) out of durable-rules (engine.compile.lookup); the
evaluator finds a fact's rules by dictionary lookup and, for tables of thresholds, by the piece
of the number line a value falls in (engine.run.lookup, engine.run.bands). These packs mix such
rules with ones durable keeps (joins), derive facts in both and chain between the two, and every
firing is compared with the oracle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.generator import Generator
from engine.patient.model import Patient
from engine.run.lookup import LookupIndex, LookupSession
from engine.run.runtime import Activation
from tests import reference_evaluator as reference
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of
from tests.synthetic_firings import synthetic_patients

FINDING = {"finding": {"label": "finding {code}", "fields": {"code": "text", "gene": "text"}}}


def _rules() -> dict[str, dict[str, Any]]:
    derive = [{"assert": {"finding": {"code": "poor", "gene": {"ref": "g.gene"}}}}]
    return {
        # exact-match: lookups
        "one": rule_doc("t.one", {"all": [{"medication": {"name": "clopidogrel", "status": {"ne": "stopped"}}}]}),
        "in": rule_doc("t.in", {"all": [{"genotype": {"gene": "CYP2C19", "diplotype": {"in": ["*2/*2", "*2/*3"]},
                                                      "as": "g"}}]}, derive),
        "cross": rule_doc("t.cross", {"all": [{"genotype": {"gene": "CYP2D6"}},
                                              {"medication": {"name": {"in": ["codeine", "tramadol"]}}}]}),
        "two-medicines": rule_doc("t.two-medicines", {"all": [{"medication": {"status": "active", "as": "a"}},
                                                              {"medication": {"status": "active", "as": "b"}}]}),
        "exists": rule_doc("t.exists", {"all": [{"medication": {"indication": {"exists": True}}}]}),
        "chained": rule_doc("t.chained", {"all": [{"finding": {"code": "poor"}},
                                                  {"medication": {"name": "clopidogrel"}}]}),
        "threshold": rule_doc("t.threshold", {"all": [{"medication": {"dose_mg": {"ge": 75}}}]}),
        # durable keeps this join, which reads the fact t.in derives in the lookup
        "join": rule_doc("t.join", {"all": [{"finding": {"code": "poor", "as": "f"}},
                                            {"genotype": {"gene": {"ref": "f.gene"}}}]}),
    }


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    return Generator(write_pack(tmp_path_factory.mktemp("lookup"), _rules(), FINDING))


def _placed(generator: Generator, lookups: bool) -> set[str]:
    rulesets = generator.compiled.lookups if lookups else generator.compiled.rulesets
    return {h.target for r in rulesets for h in r.handlers.values() if h.kind == "rule"}


def test_exact_match_rules_leave_durable_and_the_others_stay(mixed: Generator) -> None:
    assert _placed(mixed, lookups=True) == {"t.one", "t.in", "t.cross", "t.two-medicines", "t.exists",
                                            "t.chained", "t.threshold"}
    # a join (a rule that derives a fact is a lookup too: the plan's explanation does not depend on
    # which ran first, engine.run.producers)
    assert _placed(mixed, lookups=False) == {"t.join"}


PATIENTS: dict[str, dict[str, Any]] = {
    "nothing": {},
    "clopidogrel-poor": {"medications": [{"name": "clopidogrel", "status": "planned", "dose_mg": 75,
                                          "indication": "PCI"}],
                         "genotypes": [{"gene": "CYP2C19", "diplotype": "*2/*2"}]},
    "stopped": {"medications": [{"name": "clopidogrel", "status": "stopped"}],
                "genotypes": [{"gene": "CYP2C19", "diplotype": "*1/*1"}]},
    "cross-product": {"medications": [{"name": "codeine"}, {"name": "tramadol"}, {"name": "aspirin", "dose_mg": 81}],
                      "genotypes": [{"gene": "CYP2D6", "diplotype": "*4/*4"}, {"gene": "CYP2C19",
                                                                               "diplotype": "*2/*3"}]},
}


@pytest.mark.parametrize("name", sorted(PATIENTS))
def test_firings_agree_with_the_reference_evaluator(mixed: Generator, name: str) -> None:
    facts = facts_of(Patient.model_validate({"id": "p", **PATIENTS[name]}))
    fired = {(f.rule_id, f.matched) for f in mixed.evaluator.evaluate(facts).firings}
    assert fired == reference.evaluate(mixed.pack.rules, facts)


def test_lookup_rules_fire_for_every_combination_and_read_derived_facts(mixed: Generator) -> None:
    facts = facts_of(Patient.model_validate({"id": "p", **PATIENTS["cross-product"]}))
    firings = mixed.evaluator.evaluate(facts).firings
    counts = {rule: sum(f.rule_id == rule for f in firings) for rule in ("t.cross", "t.two-medicines", "t.join")}
    # CYP2D6 x (codeine, tramadol); ordered pairs of distinct active medicines (3 x 2); the durable
    # join over the finding the lookup rule t.in derived
    assert counts == {"t.cross": 2, "t.two-medicines": 6, "t.join": 1}
    poor = facts_of(Patient.model_validate({"id": "p", **PATIENTS["clopidogrel-poor"]}))
    assert "t.chained" in {f.rule_id for f in mixed.evaluator.evaluate(poor).firings}


def test_booleans_and_numbers_are_looked_up_by_kind(tmp_path: Path) -> None:
    """A derived 1.0 meets a rule's 1 (numbers are one kind) and true meets true."""
    kinds = {"flag": {"label": "flag", "fields": {"on": "boolean", "level": "number"}}}
    rules = {"true": rule_doc("t.true", {"all": [{"flag": {"on": True}}]}),
             "one": rule_doc("t.one", {"all": [{"flag": {"level": 1}}]}),
             "derive": rule_doc("t.derive", {"all": [{"medication": {"name": "x"}}]},
                                [{"assert": {"flag": {"on": True, "level": 1.0}}}])}
    generator = Generator(write_pack(tmp_path, rules, kinds))
    assert _placed(generator, lookups=True) == {"t.true", "t.one", "t.derive"}
    facts = facts_of(Patient.model_validate({"id": "p", "medications": [{"name": "x"}]}))
    fired = {(f.rule_id, f.matched) for f in generator.evaluator.evaluate(facts).firings}
    assert {rule for rule, _ in fired} == {"t.true", "t.one", "t.derive"}
    assert fired == reference.evaluate(generator.pack.rules, facts)


BANDS = [(None, 90), (90, 120), (120, 130), (130, 140), (140, 160), (160, 180), (180, None)]


def _band_rules() -> dict[str, dict[str, Any]]:
    """A table of systolic bands (closed below, open above), an overlapping row with closed ends,
    half-open rows on the diastolic, and rows on both fields: one bucket, banded on the systolic."""
    rules: dict[str, dict[str, Any]] = {}
    for n, (low, high) in enumerate(BANDS):
        systolic = {**({"ge": low} if low is not None else {}), **({"lt": high} if high is not None else {})}
        rules[f"band-{n}"] = rule_doc(f"t.band-{n}", {"all": [{"blood_pressure": {"systolic": systolic}}]})
        rules[f"both-{n}"] = rule_doc(f"t.both-{n}", {"all": [{"blood_pressure": {
            "systolic": systolic, "diastolic": {"gt": 60 + 5 * n}}}]})
    rules["overlap"] = rule_doc("t.overlap", {"all": [{"blood_pressure": {"systolic": {"between": [125, 135.5]}}}]})
    rules["dia-high"] = rule_doc("t.dia-high", {"all": [{"blood_pressure": {"diastolic": {"ge": 90}}}]})
    rules["dia-low"] = rule_doc("t.dia-low", {"all": [{"blood_pressure": {"diastolic": {"le": 60}}}]})
    rules["any"] = rule_doc("t.any", {"all": [{"blood_pressure": {"readings": {"exists": True}}}]})
    return rules


@pytest.fixture(scope="module")
def banded(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    return Generator(write_pack(tmp_path_factory.mktemp("bands"), _band_rules()))


def test_a_table_of_thresholds_is_looked_up_by_band(banded: Generator) -> None:
    assert not banded.compiled.rulesets  # durable has nothing left to do
    index = LookupIndex(banded.compiled.lookups[0])
    fact = facts_of(Patient.model_validate({"id": "p", "vitals": {"blood_pressure": [
        {"systolic": 134, "diastolic": 88}]}}))
    reading = next(f for f in fact if f.type == "blood_pressure")
    assert not index._table  # filed when the first blood pressure arrives
    assert index.met_by(reading)
    (bucket,) = [b for buckets in index._table.values() for b in buckets.values()]
    assert bucket._bands is not None and bucket._bands.fields == ("systolic", "diastolic")
    # of the 18 rows: the band 130-140, its row with the diastolic, the overlap, and the row that
    # bounds neither (the rows that bound only the diastolic, at 90 and 60, do not hold for 88)
    assert {p.rule for p in bucket.candidates(reading.values)} == {
        f"r{n}" for n, name in enumerate(sorted(_band_rules())) if name in ("band-3", "both-3", "overlap", "any")}


@pytest.mark.parametrize("systolic", [70, 89.9, 90, 90.05, 119, 120, 124.99, 125, 130, 135.5, 135.6, 140, 179, 180,
                                      181.5, 250])
def test_every_band_fires_as_the_reference_evaluator_says(banded: Generator, systolic: float) -> None:
    for diastolic in (40, 60, 60.5, 75, 90, 95):
        if diastolic >= systolic:
            continue
        facts = facts_of(Patient.model_validate({"id": "p", "vitals": {"blood_pressure": [
            {"systolic": systolic, "diastolic": diastolic}, {"systolic": systolic + 7, "diastolic": diastolic}]}}))
        fired = {(f.rule_id, f.matched) for f in banded.evaluator.evaluate(facts).firings}
        assert fired == reference.evaluate(banded.pack.rules, facts)
        assert any(rule.startswith("t.band-") for rule, _ in fired)


def test_a_lookup_makes_each_combination_once(default_generator: Generator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evaluator skips its duplicate check for lookup activations (durable fires an 'in'
    pattern once per true branch; a lookup never repeats one), so a repeat would fire a rule twice."""
    made: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    original = LookupSession.assert_facts

    def recording(self: LookupSession, facts: list[Any]) -> list[Activation]:
        found = original(self, facts)
        made.extend((a.ruleset, a.rule_name, tuple(sorted(a.bindings.items()))) for a in found)
        return found

    monkeypatch.setattr(LookupSession, "assert_facts", recording)
    combinations = 0
    for patient in synthetic_patients(60, seed=21, prefix="c"):
        made.clear()
        default_generator.evaluator.evaluate(default_generator.facts(patient))
        assert made and len(made) == len(set(made)), patient.id
        combinations += sum(len(bindings) > 1 for _ruleset, _rule, bindings in made)
    assert combinations > 0  # rules of more than one pattern were matched, not only one-fact rules
