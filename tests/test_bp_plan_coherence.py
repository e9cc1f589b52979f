"""One blood-pressure plan per patient: no 'start' beside 'increase', one follow-up, lifestyle therapy always."""

from __future__ import annotations

from typing import Any

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"


def _plan(generator: Generator, **sections: Any) -> Plan:
    return generator.run(Patient.model_validate({"id": "p", **sections}), at=AT).plan


def _bp_follow_ups(plan: Plan) -> list[int]:
    return sorted(f.interval_days for f in plan.follow_up if f.rule.startswith("bp."))


def test_a_treated_patient_is_intensified_not_started_on_a_first_line_medicine(default_generator: Generator) -> None:
    untreated = _plan(default_generator, demographics={"age": 50, "race": "white"},
                      vitals={"blood_pressure": [{"systolic": 152, "diastolic": 96}]})
    assert any(r.id == "bp.start-first-line-medicine" for r in untreated.recommendations)
    assert _bp_follow_ups(untreated) == [30]
    treated = _plan(default_generator, demographics={"age": 50, "race": "white"},
                    vitals={"blood_pressure": [{"systolic": 152, "diastolic": 96}]},
                    medications=[{"name": "amlodipine", "status": "active"}])
    assert not any(r.id == "bp.start-first-line-medicine" for r in treated.recommendations)
    assert any(r.action == "increase-dose" and r.drug == "amlodipine" for r in treated.recommendations)
    assert _bp_follow_ups(treated) == [30]


def test_stage_1_with_diabetes_gets_medicine_lifestyle_and_one_follow_up(default_generator: Generator) -> None:
    plan = _plan(default_generator, vitals={"blood_pressure": [{"systolic": 134, "diastolic": 82}]},
                 conditions=["type 2 diabetes"])
    assert any(r.id == "bp.start-first-line-medicine" for r in plan.recommendations)
    assert any(r.id == "bp.nonpharmacological-therapy" for r in plan.recommendations)
    assert _bp_follow_ups(plan) == [30]


def test_stage_1_at_low_risk_is_lifestyle_first_with_a_3_to_6_month_recheck(default_generator: Generator) -> None:
    plan = _plan(default_generator, demographics={"age": 45, "sex": "female", "race": "white"},
                 vitals={"blood_pressure": [{"systolic": 134, "diastolic": 82}]},
                 labs={"total_cholesterol_mg_dl": 190, "hdl_mg_dl": 60}, lifestyle={"smoking": "never"})
    assert not any(r.id == "bp.start-first-line-medicine" for r in plan.recommendations)
    assert _bp_follow_ups(plan) == [90]


def test_elevated_pressure_without_a_lifestyle_section_gets_lifestyle_therapy(default_generator: Generator) -> None:
    plan = _plan(default_generator, vitals={"blood_pressure": [{"systolic": 124, "diastolic": 76}]})
    assert any(r.id == "bp.nonpharmacological-therapy" and r.category == "lifestyle" for r in plan.recommendations)
    normal = _plan(default_generator, vitals={"blood_pressure": [{"systolic": 112, "diastolic": 70}]})
    assert not any(r.id == "bp.nonpharmacological-therapy" for r in normal.recommendations)
