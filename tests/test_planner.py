"""Conflicts are resolved explicitly: what is removed from a plan is listed with who and why."""

from __future__ import annotations

from pathlib import Path

from engine.generator import Generator
from engine.patient.model import Patient
from tests.packs import rule_doc, write_pack

AT = "2026-01-01T00:00:00Z"


def _recommend(action: str, drug: str, alternatives: list[str] | None = None) -> list[dict[str, object]]:
    return [{"recommend": {"category": "medication", "action": action, "drug": drug,
                           "alternatives": alternatives or [], "text": f"{action} {drug}"}}]


def _pack(tmp_path: Path) -> Generator:
    on_med = {"all": [{"medication": {"name": "simvastatin"}}]}
    rules = {
        "start-warfarin": rule_doc("t.start-warfarin", on_med, _recommend("start", "warfarin")),
        "avoid-warfarin": rule_doc("t.avoid-warfarin", {"all": [{"genotype": {"gene": "CYP2C9"}}]},
                                   _recommend("avoid", "warfarin")),
        "switch": rule_doc("t.switch", on_med,
                           _recommend("use-alternative", "simvastatin", ["warfarin", "rosuvastatin"])),
        "named": rule_doc("t.named", {"all": [{"condition": {"name": "pregnancy"}}]}, [
            {"suppress": {"recommendation": "t.start-warfarin", "reason": "named in a suppress action"}}]),
    }
    return Generator(write_pack(tmp_path, rules))


def test_avoid_suppresses_start_of_the_same_drug_and_removes_flagged_alternatives(tmp_path: Path) -> None:
    generator = _pack(tmp_path)
    patient = Patient.model_validate({"id": "p", "medications": [{"name": "simvastatin"}],
                                      "genotypes": [{"gene": "CYP2C9", "diplotype": "*3/*3"}]})
    plan = generator.run(patient, at=AT).plan
    ids = [r.id for r in plan.recommendations]
    assert "t.start-warfarin" not in ids
    assert "t.avoid-warfarin" in ids
    switch = next(r for r in plan.recommendations if r.id == "t.switch")
    assert switch.alternatives == ["rosuvastatin"]
    suppressed = {(s.id, s.by) for s in plan.suppressed}
    assert ("t.start-warfarin", "t.avoid-warfarin") in suppressed
    assert ("t.switch/alternative:warfarin", "t.avoid-warfarin") in suppressed
    assert all(s.reason for s in plan.suppressed)


def test_without_the_conflict_nothing_is_suppressed(tmp_path: Path) -> None:
    plan = _pack(tmp_path).run(Patient.model_validate({"id": "p", "medications": [{"name": "simvastatin"}]}),
                               at=AT).plan
    assert {r.id for r in plan.recommendations} == {"t.start-warfarin", "t.switch"}
    assert plan.suppressed == []


def test_a_suppress_action_names_what_it_removes(tmp_path: Path) -> None:
    patient = Patient.model_validate({"id": "p", "medications": [{"name": "simvastatin"}], "conditions": ["pregnancy"]})
    plan = _pack(tmp_path).run(patient, at=AT).plan
    assert "t.start-warfarin" not in [r.id for r in plan.recommendations]
    assert [(s.id, s.by, s.reason) for s in plan.suppressed] == [
        ("t.start-warfarin", "t.named", "named in a suppress action")]
