"""Statin therapy by the 2018 AHA/ACC cholesterol guideline's groups, and no follow-up for what the plan dropped."""

from __future__ import annotations

from typing import Any

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"
INTERMEDIATE: dict[str, Any] = {"demographics": {"age": 60, "sex": "male", "race": "white"},
                "vitals": {"blood_pressure": [{"systolic": 140, "diastolic": 85}]},
                "labs": {"total_cholesterol_mg_dl": 230, "hdl_mg_dl": 40}, "lifestyle": {"smoking": "current"}}


def _plan(generator: Generator, **sections: Any) -> Plan:
    return generator.run(Patient.model_validate({"id": "p", **sections}), at=AT).plan


def _statin(plan: Plan) -> str:
    found = [r for r in plan.recommendations if r.id == "cardiovascular.start-statin"]
    assert len(found) <= 1
    return found[0].text if found else ""


def test_ldl_190_gets_a_high_intensity_statin_and_189_does_not_by_that_rule(default_generator: Generator) -> None:
    assert "high-intensity" in _statin(_plan(default_generator, demographics={"age": 45}, labs={"ldl_mg_dl": 190}))
    assert _statin(_plan(default_generator, demographics={"age": 45}, labs={"ldl_mg_dl": 189})) == ""


def test_diabetes_with_ldl_200_gets_high_not_moderate_intensity(default_generator: Generator) -> None:
    moderate = _statin(_plan(default_generator, demographics={"age": 58}, conditions=["type 2 diabetes"],
                             labs={"ldl_mg_dl": 120}))
    assert "moderate-intensity" in moderate
    high = _statin(_plan(default_generator, demographics={"age": 58}, conditions=["type 2 diabetes"],
                         labs={"ldl_mg_dl": 200}))
    assert "high-intensity" in high and "moderate-intensity" not in high


def test_prior_myocardial_infarction_is_secondary_prevention_without_the_pce(default_generator: Generator) -> None:
    sections = {**INTERMEDIATE, "labs": {**INTERMEDIATE["labs"], "ldl_mg_dl": 120}}
    primary = _plan(default_generator, **sections)
    assert any(a.kind == "ascvd-risk-10y" for a in primary.assessments)
    secondary = _plan(default_generator, **sections, conditions=["prior myocardial infarction"])
    assert "Clinical ASCVD" in _statin(secondary) and "high-intensity" in _statin(secondary)
    assert not any(a.kind == "ascvd-risk-10y" for a in secondary.assessments)


def test_intermediate_risk_without_ldl_opens_the_discussion_and_names_the_gap(default_generator: Generator) -> None:
    plan = _plan(default_generator, **INTERMEDIATE)
    assert any(r.id == "cardiovascular.statin-discussion" and r.action == "consider" for r in plan.recommendations)
    assert any("LDL cholesterol not recorded" in g.text for g in plan.data_gaps)
    with_ldl = _plan(default_generator, **{**INTERMEDIATE, "labs": {**INTERMEDIATE["labs"], "ldl_mg_dl": 150}})
    assert not any("LDL cholesterol not recorded" in g.text for g in with_ldl.data_gaps)


def test_no_lipid_panel_or_statin_in_pregnancy(default_generator: Generator) -> None:
    plan = _plan(default_generator, demographics={"age": 41, "sex": "female", "pregnant": True},
                 vitals={"blood_pressure": [{"systolic": 134, "diastolic": 84}]}, labs={"ldl_mg_dl": 200})
    assert _statin(plan) == ""
    assert not any("lipid" in (g.suggested_test or "") for g in plan.data_gaps)
    assert not any("depends on it" in g.text for g in plan.data_gaps)


def test_hypertension_treatment_does_not_depend_on_the_risk_in_stage_2(default_generator: Generator) -> None:
    stage1 = _plan(default_generator, demographics={"age": 55, "sex": "male"},
                   vitals={"blood_pressure": [{"systolic": 134, "diastolic": 82}]}, lifestyle={"smoking": "never"})
    assert any("depends on it" in g.text for g in stage1.data_gaps)
    stage2 = _plan(default_generator, demographics={"age": 55, "sex": "male"},
                   vitals={"blood_pressure": [{"systolic": 150, "diastolic": 95}]}, lifestyle={"smoking": "never"})
    assert not any("depends on it" in g.text for g in stage2.data_gaps)
    assert any("statin decision" in g.text for g in stage2.data_gaps)


def test_a_declined_statin_gets_no_statin_started_follow_up(default_generator: Generator) -> None:
    sections: dict[str, Any] = {"demographics": {"age": 58}, "conditions": ["type 2 diabetes"],
                                "labs": {"ldl_mg_dl": 120}}
    accepted = _plan(default_generator, **sections)
    assert any(f.text.startswith("Statin started") for f in accepted.follow_up)
    declined = _plan(default_generator, **sections, preferences={"declines": ["statins"]})
    assert not any(f.text.startswith("Statin started") for f in declined.follow_up)
    assert any(s.id.endswith("/follow-up") and "declines statins" in s.reason for s in declined.suppressed)
