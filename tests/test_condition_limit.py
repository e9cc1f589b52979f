"""Many rules on one fact type: the compiler splits them so durable never meets 65 conditions per fact.

durable fails every assert (error 303) once one fact satisfies more than 64 alpha conditions
in one ruleset, so a pack with ~80 threshold rules on blood_pressure must be spread over
several rulesets and still fire every rule whose threshold is met. Rules that only compare
fields with constants never reach durable (engine.compile.lookup), so these rules are joins:
each also compares a field with another fact's (a lab's value), which durable keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.compile.partition import CONDITION_LIMIT
from engine.generator import Generator
from engine.patient.model import Patient
from tests import reference_evaluator as reference
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of

THRESHOLDS = list(range(60, 220, 2))  # 80 rules
# the other labs and lifestyle tests join a reading, so that durable keeps them (see above)
ANCHOR: dict[str, Any] = {"blood_pressure": {"as": "b"}}
READING: dict[str, Any] = {"blood_pressure": [{"systolic": 131, "diastolic": 80}]}
FINDING = {"finding": {"label": "finding {code}", "fields": {"code": "text", "level": "number"}}}


def _threshold_rules() -> dict[str, dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for x in THRESHOLDS:
        when: dict[str, Any] = {"all": [{"lab": {"name": "egfr", "as": "e"}}, {"blood_pressure": {
            "systolic": {"ge": x}, "diastolic": {"lt": {"ref": "e.value"}}, "as": "b"}}]}
        then: list[dict[str, Any]]
        if x % 4 == 0:
            then = [{"assert": {"finding": {"code": f"sys-{x}", "level": {"ref": "b.systolic"}}}}]
        else:
            then = [{"recommend": {"category": "monitoring", "action": "monitor", "text": f"systolic >= {x}"}}]
        rules[f"sys-{x}"] = rule_doc(f"bp.sys-{x}", when, then)
    # a chain rule that reads every finding (a lookup: it compares with a constant)
    rules["chain"] = rule_doc("bp.chain", {"all": [{"finding": {"level": {"ge": 100}}}]})
    return rules


@pytest.fixture(scope="module")
def threshold_pack(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    return Generator(write_pack(tmp_path_factory.mktemp("limit"), _threshold_rules(), FINDING))


def _patient(systolic: int) -> Patient:
    return Patient.model_validate({"id": "p", "labs": {"egfr": 90}, "vitals": {"blood_pressure": [
        {"systolic": systolic, "diastolic": 50}]}})


def test_the_pack_spans_several_rulesets(threshold_pack: Generator) -> None:
    level0 = [r for r in threshold_pack.compiled.rulesets if r.stratum == 0]
    assert len(level0) > 1
    for ruleset in threshold_pack.compiled.rulesets:
        rules = [name for name, handler in ruleset.handlers.items() if handler.kind == "rule"]
        assert len(rules) <= CONDITION_LIMIT
    compiled = threshold_pack.compiled
    placed = sorted(h.target for r in (*compiled.rulesets, *compiled.lookups) for h in r.handlers.values()
                    if h.kind == "rule")
    assert placed == sorted(r.id for r in threshold_pack.pack.rules)  # every rule placed exactly once
    assert [h.target for r in compiled.lookups for h in r.handlers.values()] == ["bp.chain"]


@pytest.mark.parametrize("systolic", [55, 60, 61, 100, 139, 140, 141, 180, 218, 219, 220, 300])
def test_every_met_threshold_fires(threshold_pack: Generator, systolic: int) -> None:
    facts = facts_of(_patient(systolic))
    firings = threshold_pack.evaluator.evaluate(facts).firings
    fired = {f.rule_id for f in firings}
    met = {f"bp.sys-{x}" for x in THRESHOLDS if x <= systolic}
    assert fired - {"bp.chain"} == met
    findings = len([x for x in THRESHOLDS if x <= systolic and x % 4 == 0])
    assert len([f for f in firings if f.rule_id == "bp.chain"]) == (findings if systolic >= 100 else 0)
    assert {(f.rule_id, f.matched) for f in firings} == reference.evaluate(threshold_pack.pack.rules, facts)


def test_many_rules_on_several_labs(tmp_path: Path) -> None:
    """Rules that test one field for different values exclude each other; the bound may count that."""
    names = ["hba1c_percent", "egfr", "ldl_mg_dl", "potassium_mmol_l"]
    rules = {f"{name}-{i}": rule_doc(f"lab.{name.replace('_', '-')}-{i}", {"all": [
        ANCHOR, {"lab": {"name": name, "value": {"ge": 1 + i / 10, "ne": {"ref": "b.systolic"}}}}]})
             for name in names for i in range(40)}
    generator = Generator(write_pack(tmp_path, rules))
    patient = Patient.model_validate({"id": "p", "labs": {"hba1c_percent": 20, "egfr": 200, "ldl_mg_dl": 1000,
                                                          "potassium_mmol_l": 10}, "vitals": READING})
    facts = facts_of(patient)
    firings = generator.evaluator.evaluate(facts).firings
    assert len(firings) == 160 and not generator.compiled.lookups
    assert {(f.rule_id, f.matched) for f in firings} == reference.evaluate(generator.pack.rules, facts)


def test_many_conditions_in_one_rule_file(tmp_path: Path) -> None:
    """One file whose rule tests many fields is still placed so that a maximal fact fits."""
    fields = ["alcohol_drinks_per_week", "activity_minutes_per_week", "sodium_mg_per_day",
              "potassium_mg_per_day", "fruit_vegetable_servings_per_day", "sleep_hours"]
    rules = {f"life-{f}-{i}": rule_doc(f"life.{f.replace('_', '-')}-{i}", {"all": [
        ANCHOR, {"lifestyle": {f: {"ge": i, "ne": {"ref": "b.systolic"}}, "smoking": {"ne": "current"}}}]})
             for f in fields for i in range(12)}
    generator = Generator(write_pack(tmp_path, rules))
    patient = Patient.model_validate({"id": "p", "vitals": READING, "lifestyle": {
        "smoking": "never", "alcohol_drinks_per_week": 20, "activity_minutes_per_week": 300,
        "sodium_mg_per_day": 3000, "potassium_mg_per_day": 3000, "fruit_vegetable_servings_per_day": 12,
        "sleep_hours": 12}})
    facts = facts_of(patient)
    firings = generator.evaluator.evaluate(facts).firings
    assert len(firings) == len(rules)
    assert len(generator.compiled.rulesets) > 1 and not generator.compiled.lookups
