"""'none' patterns: absence is decided after everything that could produce the facts, in any order."""

from __future__ import annotations

import itertools
from pathlib import Path

from engine.generator import Generator
from engine.patient.model import Patient
from tests.packs import rule_doc, write_pack

AT = "2026-01-01T00:00:00Z"


def _generator(tmp_path: Path) -> Generator:
    when = {"all": [{"medication": {"as": "m"}}], "none": [{"allergy": {"substance": {"ref": "m.name"}}}]}
    correlated = rule_doc("t.no-allergy-to-this-medicine", when,
                          [{"recommend": {"category": "medication", "action": "continue", "drug": {"ref": "m.name"},
                                          "text": "no allergy to {m.name}"}}])
    plain = rule_doc("t.no-allergies", {"all": [{"medication": {"name": "penicillin"}}], "none": [{"allergy": {}}]})
    return Generator(write_pack(tmp_path, {"correlated": correlated, "plain": plain}))


def test_correlated_none_excludes_only_the_matching_facts(tmp_path: Path) -> None:
    generator = _generator(tmp_path)
    meds = [{"name": "penicillin"}, {"name": "aspirin"}, {"name": "metformin"}]
    for order in itertools.permutations(meds):
        patient = Patient.model_validate({"id": "p", "medications": list(order), "allergies": ["penicillin"]})
        plan = generator.run(patient, at=AT).plan
        assert sorted(r.drug for r in plan.recommendations if r.drug) == ["aspirin", "metformin"]
        assert "t.no-allergies" not in [r.id for r in plan.recommendations]


def test_without_allergies_every_medicine_and_the_plain_none_fire(tmp_path: Path) -> None:
    patient = Patient.model_validate({"id": "p", "medications": [{"name": "penicillin"}, {"name": "aspirin"}]})
    plan = _generator(tmp_path).run(patient, at=AT).plan
    assert sorted(r.drug for r in plan.recommendations if r.drug) == ["aspirin", "penicillin"]
    assert "t.no-allergies" in [r.id for r in plan.recommendations]
