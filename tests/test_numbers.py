"""Numbers stay numbers: compared numerically, asserted as int/float, never written in exponent form.

durable-rules compares a string with a number lexicographically ("9" > "10") and cannot
parse exponent floats such as 1e-05 (error 204), so both must be impossible by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from engine.facts.fact import Scalar
from engine.facts.inputs import INPUT_TYPES
from engine.facts.schema import FieldKind
from engine.generator import Generator
from engine.pack.load import load_pack
from engine.patient.model import Patient
from engine.run.runtime import Activation, Session
from engine.source.diagnostics import DiagnosticError
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of

AT = "2026-01-01T00:00:00Z"
EXPONENT = re.compile(r"[eE]")


def _numbers(tree: Any) -> list[int | float]:
    """Every number in a JSON-like tree (booleans excluded)."""
    if isinstance(tree, dict):
        return [n for v in tree.values() for n in _numbers(v)]
    if isinstance(tree, list):
        return [n for v in tree for n in _numbers(v)]
    if isinstance(tree, (int, float)) and not isinstance(tree, bool):
        return [tree]
    return []


def _assert_plain(tree: Any) -> None:
    """No number in the tree is written in exponent form by json.dumps (what durable receives)."""
    for number in _numbers(tree):
        assert not EXPONENT.search(json.dumps(number)), number


@pytest.fixture(scope="module")
def threshold_pack(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    rules = {
        "gt8": rule_doc("n.a1c-gt-8", {"all": [{"lab": {"name": "hba1c_percent", "value": {"gt": 8}}}]}),
        "gt10": rule_doc("n.a1c-gt-10", {"all": [{"lab": {"name": "hba1c_percent", "value": {"gt": 10}}}]}),
        "le9": rule_doc("n.a1c-le-9", {"all": [{"lab": {"name": "hba1c_percent", "value": {"le": 9}}}]}),
        "sys140": rule_doc("n.sys-eq-140", {"all": [{"blood_pressure": {"systolic": 140}}]}),
        "dose": rule_doc("n.tiny-dose", {"all": [{"medication": {"dose_mg": {"between": [0.0001, 0.002]}}}]}),
        "huge": rule_doc("n.huge", {"all": [{"lab": {"name": "urine_acr_mg_g", "value": {"lt": 100000000000000.0}}}]}),
    }
    return Generator(write_pack(tmp_path_factory.mktemp("numbers"), rules))


def _fired(generator: Generator, **sections: Any) -> set[str]:
    patient = Patient.model_validate({"id": "p", **sections})
    return {f.rule_id for f in generator.evaluator.evaluate(facts_of(patient)).firings}


@pytest.mark.parametrize(("value", "expected"), [
    (3.5, {"n.a1c-le-9"}),
    (8, {"n.a1c-le-9"}),
    (9, {"n.a1c-gt-8", "n.a1c-le-9"}),  # as text, "9" > "10" and "9" > "8"...
    (10, {"n.a1c-gt-8"}),
    (10.5, {"n.a1c-gt-8", "n.a1c-gt-10"}),  # ...and "10.5" < "8"
    (12, {"n.a1c-gt-8", "n.a1c-gt-10"}),
    (20, {"n.a1c-gt-8", "n.a1c-gt-10"}),
])
def test_thresholds_compare_numerically(threshold_pack: Generator, value: float, expected: set[str]) -> None:
    assert _fired(threshold_pack, labs={"hba1c_percent": value}) == expected


def test_an_integer_threshold_equals_a_float_mean(threshold_pack: Generator) -> None:
    readings = [{"systolic": 139, "diastolic": 80}, {"systolic": 141, "diastolic": 80}]
    assert _fired(threshold_pack, vitals={"blood_pressure": readings}) == {"n.sys-eq-140"}
    assert _fired(threshold_pack, vitals={"blood_pressure": readings[:1]}) == set()


def test_tiny_and_huge_numbers_reach_durable(threshold_pack: Generator) -> None:
    assert _fired(threshold_pack, medications=[{"name": "x", "dose_mg": 0.001}]) == {"n.tiny-dose"}
    assert _fired(threshold_pack, medications=[{"name": "x", "dose_mg": 0.0025}]) == set()
    assert _fired(threshold_pack, labs={"urine_acr_mg_g": 10000}) == {"n.huge"}


RICH = {
    "demographics": {"age": 61, "sex": "female"},
    "vitals": {"blood_pressure": [{"systolic": 133.3, "diastolic": 81.7}, {"systolic": 150, "diastolic": 95}],
               "height_cm": 163.5, "weight_kg": 71.25},
    "labs": {"hba1c_percent": 10.5, "egfr": 59.999, "creatinine_mg_dl": 0.1, "potassium_mmol_l": 1.5,
             "urine_acr_mg_g": 10000, "ldl_mg_dl": 1000},
    "medications": [{"name": "warfarin", "dose_mg": 0.001}, {"name": "tacrolimus", "dose_mg": 100000}],
    "genotypes": [{"gene": "CYP2D6", "diplotype": "*1/*4", "activity_score": 0.25}],
    "lifestyle": {"alcohol_drinks_per_week": 0.5, "sleep_hours": 6.25, "sodium_mg_per_day": 20000,
                  "resistance_training_days_per_week": 2},
    "stress": {"pss10": 20, "phq9": 3},
}


def _check_numeric(fact: dict[str, Scalar]) -> None:
    kinds = INPUT_TYPES[str(fact["t"])].fields if fact["t"] in INPUT_TYPES else {}
    for name, value in fact.items():
        kind = kinds.get(name)
        if kind in (FieldKind.NUMBER, FieldKind.INTEGER):
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (fact["t"], name, value)
        if kind is FieldKind.INTEGER:
            assert isinstance(value, int), (fact["t"], name, value)


def test_normalised_facts_are_typed_and_plain() -> None:
    facts = facts_of(Patient.model_validate({"id": "p", **RICH}))
    assert {f.type for f in facts} >= {"patient", "blood_pressure", "lab", "medication", "genotype", "lifestyle"}
    for fact in facts:
        _check_numeric(fact.engine_dict())
        _assert_plain(fact.engine_dict())


def test_facts_asserted_into_durable_carry_numbers(default_generator: Generator, threshold_pack: Generator,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Scalar]] = []
    original = Session.assert_texts  # the evaluator's door into durable: each fact's JSON, written once

    def spy(self: Session, ruleset: str, texts: list[str]) -> list[Activation]:
        seen.extend(json.loads(text) for text in texts)
        return original(self, ruleset, texts)

    monkeypatch.setattr(Session, "assert_texts", spy)
    patient = Patient.model_validate({"id": "p", **RICH})
    for generator in (threshold_pack, default_generator):
        generator.run(patient, at=AT)
    assert any(f["t"] == "lab" for f in seen) and any(f["t"] == "medication" for f in seen)
    for fact in seen:
        _check_numeric(fact)
        _assert_plain(fact)


def test_compiled_rulesets_have_no_exponent_numbers(threshold_pack: Generator, default_generator: Generator) -> None:
    for generator in (threshold_pack, default_generator):
        for ruleset in generator.compiled.rulesets:
            _assert_plain(ruleset.definition)
    assert _numbers({"a": [1, {"b": 1e-05}], "c": True}) == [1, 1e-05]
    with pytest.raises(AssertionError):
        _assert_plain({"a": 1e-05})


@pytest.mark.parametrize(("constraint", "code"), [
    ({"gt": "10"}, "when.wrong-type"),  # a quoted number is text; durable would compare it as text
    ({"gt": 0.00001}, "when.bad-number"),  # would be written 1e-05, which durable cannot parse
    ({"lt": 1e16}, "when.bad-number"),
    ({"in": [8, "9"]}, "when.wrong-type"),
])
def test_rules_cannot_hold_text_or_exponent_numbers(tmp_path: Path, constraint: dict[str, Any], code: str) -> None:
    rules = {"bad": rule_doc("n.bad", {"all": [{"lab": {"name": "egfr", "value": constraint}}]})}
    with pytest.raises(DiagnosticError) as caught:
        load_pack(write_pack(tmp_path, rules))
    assert code in {d.code for d in caught.value.diagnostics}, caught.value.report()


def test_patient_numbers_written_as_text_are_refused() -> None:
    with pytest.raises(ValidationError):
        Patient.model_validate({"id": "p", "labs": {"hba1c_percent": "10.5"}})
    with pytest.raises(ValidationError):
        Patient.model_validate({"id": "p", "vitals": {"blood_pressure": [{"systolic": "150", "diastolic": 90}]}})
