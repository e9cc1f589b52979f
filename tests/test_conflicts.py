"""Cross-domain conflicts and preferences, on small packs: what the clinician sees in the plan.

A class suppression reaches every recommendation and alternative; a genotype-avoided
medicine is not offered by another domain; a declined treatment becomes a shared decision;
a misspelt class, a filtered table and per-domain fact types are checked at load.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from engine.generator import Generator
from engine.pack.load import load_pack
from engine.patient.model import Patient
from engine.source.diagnostics import DiagnosticError
from tests.packs import rule_doc, write_pack

CLASSES = """drug,class,lowers_bp
lisinopril,ace-inhibitor,true
enalapril,ace-inhibitor,true
losartan,arb,true
amlodipine,ccb-dihydropyridine,true
simvastatin,statin,false
atorvastatin,statin,false
"""
FIRST_LINE = {"recommend": {"id": "bp.first", "category": "medication", "action": "start",
                            "alternatives": ["lisinopril", "losartan", "amlodipine"],
                            "treatments": ["blood pressure medicine"],
                            "if_declined": ["lifestyle programme with home monitoring"],
                            "text": "start one first-line medicine"}}
ACE_ONLY = {"recommend": {"id": "kidney.ace", "category": "medication", "action": "start",
                          "alternatives": ["lisinopril", "enalapril"], "text": "an ACE inhibitor"}}
STATIN = {"recommend": {"id": "cv.statin", "category": "medication", "action": "start", "drug_class": "statin",
                        "alternatives": ["simvastatin", "atorvastatin"], "treatments": ["statin"],
                        "if_declined": ["diet and activity"], "text": "start a statin"}}
HIGH_BP = {"all": [{"blood_pressure": {"systolic": {"ge": 140}}}]}
ROOT = Path(__file__).resolve().parent.parent


def _generator(tmp_path: Path, rules: dict[str, Any], files: dict[str, str] | None = None) -> Generator:
    root = write_pack(tmp_path, rules, files={"knowledge/medications/drug-classes.csv": CLASSES, **(files or {})})
    return Generator(root)


def _plan(generator: Generator, **facts: Any) -> Any:
    patient = Patient.model_validate({"id": "p", "vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 90}]},
                                      **facts})
    return generator.run(patient, at="2026-01-01T00:00:00Z").plan


def test_a_class_suppression_removes_the_class_from_every_domain_and_says_why(tmp_path: Path) -> None:
    generator = _generator(tmp_path, {
        "first": rule_doc("bp.first", HIGH_BP, [FIRST_LINE]),
        "ace": rule_doc("kidney.ace", HIGH_BP, [ACE_ONLY]),
        "pregnancy": rule_doc("bp.pregnancy", {"all": [{"patient": {"pregnant": True}}]}, [
            {"suppress": {"drug_class": "ace-inhibitor", "reason": "fetotoxic"}}]),
    })
    plan = _plan(generator, demographics={"pregnant": True, "sex": "female"})
    recs = {r.id: r for r in plan.recommendations}
    assert recs["bp.first"].alternatives == ["amlodipine", "losartan"]
    assert "kidney.ace" not in recs  # every option it had is ruled out
    removed = {(s.id, s.by, s.reason) for s in plan.suppressed}
    assert ("bp.first/alternative:lisinopril", "bp.pregnancy", "fetotoxic") in removed
    assert ("kidney.ace", "bp.pregnancy", "fetotoxic") in removed
    assert _plan(generator, demographics={"pregnant": False}).suppressed == []


def test_an_allergy_fact_carries_the_class_of_the_medicine_or_class_word(tmp_path: Path) -> None:
    generator = _generator(tmp_path, {
        "first": rule_doc("bp.first", HIGH_BP, [FIRST_LINE]),
        "allergy": rule_doc("med.allergy", {"all": [{"allergy": {"names_class": True, "as": "a"}}]}, [
            {"suppress": {"drug_class": {"ref": "a.drug_class"}, "reason": "allergy to {a.substance}"}}]),
    })
    plan = _plan(generator, allergies=["ACE inhibitors"])
    assert plan.recommendations[0].alternatives == ["amlodipine", "losartan"]
    assert [(s.id, s.reason) for s in plan.suppressed] == [
        ("bp.first/alternative:lisinopril", "allergy to ace inhibitors")]
    # a named medicine is not a class word: this rule leaves it to a drug-level rule
    assert _plan(generator, allergies=["lisinopril"]).suppressed == []


def test_a_declined_treatment_becomes_a_shared_decision_with_its_options(tmp_path: Path) -> None:
    generator = _generator(tmp_path, {"first": rule_doc("bp.first", HIGH_BP, [FIRST_LINE]),
                                      "statin": rule_doc("cv.statin", HIGH_BP, [STATIN])})
    plan = _plan(generator, preferences={"declines": ["Blood pressure medicine", "statin", "amlodipine"]})
    recs = {r.id: r for r in plan.recommendations}
    decision = recs["bp.first"].shared_decision
    assert decision is not None and decision.declined == "blood pressure medicine"
    assert decision.options == ["lifestyle programme with home monitoring"]
    assert recs["bp.first"].action == "start"  # what the guideline says is kept
    assert "amlodipine" not in recs["bp.first"].alternatives
    assert recs["cv.statin"].alternatives == ["atorvastatin", "simvastatin"]  # the declined class stays visible
    assert [(s.id, s.by) for s in plan.suppressed] == [("bp.first/alternative:amlodipine", "patient.preferences")]
    assert plan.preferences.declines == ["amlodipine", "blood pressure medicine", "statin"]


def test_preferring_non_drug_treatment_orders_lifestyle_first(tmp_path: Path) -> None:
    lifestyle = {"recommend": {"id": "life.salt", "category": "lifestyle", "action": "lifestyle", "text": "less salt"}}
    generator = _generator(tmp_path, {"first": rule_doc("bp.first", HIGH_BP, [FIRST_LINE]),
                                      "salt": rule_doc("life.salt", HIGH_BP, [lifestyle])})
    plain = _plan(generator)
    assert [r.id for r in plain.recommendations] == ["bp.first", "life.salt"]
    prefers = _plan(generator, preferences={"prefers_non_pharmacologic": True, "goals": ["fewer pills"]})
    assert [r.id for r in prefers.recommendations] == ["life.salt", "bp.first"]
    decision = prefers.recommendations[1].shared_decision
    assert decision is not None and decision.preference == "prefers non-pharmacologic treatment"
    assert prefers.preferences.goals == ["fewer pills"]


def test_a_table_where_keeps_only_the_named_rows(tmp_path: Path) -> None:
    table = "drug,action\nsimvastatin,avoid\natorvastatin,reduce-dose\n"
    rule = rule_doc("pgx.never-offer", HIGH_BP, [{"suppress": {"drug": {"column": "drug"}, "reason": "{row.action}"}}],
                    table={"file": "knowledge/recs.csv", "key": ["drug"],
                           "columns": {"drug": "text", "action": "text"}, "where": {"action": ["avoid"]}})
    generator = _generator(tmp_path, {"statin": rule_doc("cv.statin", HIGH_BP, [STATIN]), "never": rule},
                           files={"knowledge/recs.csv": table})
    assert [r.id for r in generator.pack.rules if r.id.startswith("pgx.")] == ["pgx.never-offer[simvastatin]"]
    plan = _plan(generator)
    assert plan.recommendations[0].alternatives == ["atorvastatin"]
    assert [(s.id, s.by) for s in plan.suppressed] == [
        ("cv.statin/alternative:simvastatin", "pgx.never-offer[simvastatin]")]


def test_an_unknown_drug_class_and_a_bad_where_column_are_located_errors(tmp_path: Path) -> None:
    rules = {"typo": rule_doc("bp.typo", HIGH_BP, [{"suppress": {"drug_class": "ace-inhibtor", "reason": "x"}}]),
             "where": rule_doc("t.where", HIGH_BP, [{"recommend": {"category": "monitoring", "action": "monitor",
                                                                    "text": "{row.drug}"}}],
                               table={"file": "knowledge/recs.csv", "key": ["drug"], "columns": {"drug": "text"},
                                      "where": {"acton": "avoid"}})}
    root = write_pack(tmp_path, rules, files={"knowledge/medications/drug-classes.csv": CLASSES,
                                              "knowledge/recs.csv": "drug\nsimvastatin\n"})
    with pytest.raises(DiagnosticError) as caught:
        load_pack(root)
    found = {d.code: d for d in caught.value.diagnostics}
    typo = found["ref.unknown-drug-class"]
    assert typo.location.path == "rules/typo.yaml" and typo.location.line > 0
    assert typo.hint is not None and "ace-inhibitor" in typo.hint
    assert found["table.unknown-column"].location.path == "rules/where.yaml"


def test_domain_fact_type_files_are_read_and_a_type_declared_twice_is_refused(tmp_path: Path) -> None:
    domain = "flag:\n  label: flag {value}\n  fields: {value: text}\n"
    rule = rule_doc("d.flag", HIGH_BP, [{"assert": {"flag": {"value": "high"}}}])
    root = write_pack(tmp_path, {"flag": rule}, files={"knowledge/domain/fact-types.yaml": domain})
    assert load_pack(root).schema.get("flag") is not None
    (root / "knowledge" / "other").mkdir()
    (root / "knowledge" / "other" / "fact-types.yaml").write_text(domain, encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load_pack(root)
    twice = [d for d in caught.value.diagnostics if d.code == "schema.duplicate-fact-type"]
    assert twice and twice[0].location.path == "knowledge/other/fact-types.yaml"
    assert "knowledge/domain/fact-types.yaml" in twice[0].message


def test_a_first_line_antihypertensive_avoided_for_the_genotype_is_not_offered(tmp_path: Path) -> None:
    """The default pack's blood-pressure rules with one hypothetical CPIC-style row added.

    CPIC has no avoid recommendation for a first-line antihypertensive today, so the row is
    made up for this test (never shipped): it shows that the day such a row is added to the
    table, the blood-pressure plan stops offering the medicine and says why.
    """
    root = tmp_path / "pack"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(
        ".*", "tests", "features", "examples", "bench", "tools", "docs", "schema", "*.egg-info", "__pycache__"))
    table = root / "knowledge" / "pgx" / "recommendations-one-gene.csv"
    with table.open("a", encoding="utf-8") as out:
        out.write("amlodipine,general,CYP2C19,Poor Metabolizer,avoid,strong,,,,,,CPIC guideline,"
                  "hypothetical: avoid amlodipine\n")
    generator = Generator(root)
    patient = Patient.model_validate({
        "id": "p", "demographics": {"age": 50, "sex": "female", "race": "white"},
        "vitals": {"blood_pressure": [{"systolic": 152, "diastolic": 96}]},
        "genotypes": [{"gene": "CYP2C19", "diplotype": "*2/*2"}]})
    plan = generator.run(patient, at="2026-01-01T00:00:00Z").plan
    first_line = next(r for r in plan.recommendations if r.id == "bp.start-first-line-medicine")
    assert "amlodipine" not in first_line.alternatives
    assert {"chlorthalidone", "lisinopril", "losartan"} <= set(first_line.alternatives)
    removed = [s for s in plan.suppressed if s.id == "bp.start-first-line-medicine/alternative:amlodipine"]
    assert removed and removed[0].by.startswith("pgx.avoided-drug-not-offered[amlodipine")
    assert "CYP2C19 Poor Metabolizer" in removed[0].reason
