"""A genotype-only statement never stands alone when an age limit, kidney function or an interaction
speaks against the medicine: the strongest statement wins and the others are listed as suppressed."""

from __future__ import annotations

from typing import Any

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"


def _plan(generator: Generator, **sections: Any) -> Plan:
    return generator.run(Patient.model_validate({"id": "p", **sections}), at=AT).plan


def _actions(plan: Plan, drug: str) -> set[str]:
    return {r.action for r in plan.recommendations if r.drug == drug}


def test_codeine_for_a_nine_year_old_is_avoided_not_standard_dose(default_generator: Generator) -> None:
    sections: dict[str, Any] = {"genotypes": [{"gene": "CYP2D6", "diplotype": "*1/*1"}],
                                "medications": [{"name": "codeine", "status": "planned"}]}
    adult = _plan(default_generator, demographics={"age": 40}, **sections)
    assert _actions(adult, "codeine") == {"standard-dose"}  # the genotype row exists and fires for an adult
    child = _plan(default_generator, demographics={"age": 9}, **sections)
    assert _actions(child, "codeine") == {"avoid"}
    assert any(s.id == "pgx.codeine" and s.by == "medications.age-limit.codeine" for s in child.suppressed)


def test_azathioprine_with_allopurinol_is_a_dose_reduction_whatever_the_genotype(default_generator: Generator) -> None:
    genotypes = [{"gene": "TPMT", "diplotype": "*1/*1"}, {"gene": "NUDT15", "diplotype": "*1/*1"}]
    alone = _plan(default_generator, genotypes=genotypes, medications=[{"name": "azathioprine", "status": "planned"}])
    assert _actions(alone, "azathioprine") == {"standard-dose"}
    both = _plan(default_generator, genotypes=genotypes, medications=[
        {"name": "azathioprine", "status": "planned"}, {"name": "allopurinol", "status": "active"}])
    assert _actions(both, "azathioprine") == {"reduce-dose"}
    kept = next(r for r in both.recommendations if r.drug == "azathioprine")
    assert "one third to one quarter" in kept.text
    assert any(s.id == "pgx.azathioprine" for s in both.suppressed)


def test_celecoxib_with_an_ace_inhibitor_and_a_diuretic_is_avoided(default_generator: Generator) -> None:
    plan = _plan(default_generator, labs={"egfr": 38, "potassium_mmol_l": 5.1},
                 genotypes=[{"gene": "CYP2C9", "diplotype": "*1/*3"}],
                 medications=[{"name": "celecoxib", "status": "planned"}, {"name": "lisinopril", "status": "active"},
                              {"name": "hydrochlorothiazide", "status": "active"}])
    assert _actions(plan, "celecoxib") == {"avoid"}
    avoid = next(r for r in plan.recommendations if r.drug == "celecoxib")
    assert "acetaminophen" in avoid.alternatives


def test_metformin_below_egfr_30_is_avoided_and_at_30_is_not(default_generator: Generator) -> None:
    low = _plan(default_generator, labs={"egfr": 29}, medications=[{"name": "metformin", "status": "active"}])
    assert _actions(low, "metformin") == {"avoid"}
    at_30 = _plan(default_generator, labs={"egfr": 30}, medications=[{"name": "metformin", "status": "active"}])
    assert "avoid" not in _actions(at_30, "metformin")


def test_omeprazole_with_clopidogrel_names_pantoprazole(default_generator: Generator) -> None:
    plan = _plan(default_generator, medications=[{"name": "omeprazole", "status": "active"},
                                                 {"name": "clopidogrel", "status": "planned", "indication": "PCI"}])
    switch = next(r for r in plan.recommendations if r.drug == "omeprazole")
    assert switch.action == "use-alternative"
    assert switch.alternatives == ["pantoprazole"]
    assert switch.evidence.url is not None and "Plavix" in switch.evidence.citation


def test_a_kidney_limit_that_cannot_be_checked_is_a_data_gap(default_generator: Generator) -> None:
    unchecked = _plan(default_generator, medications=[{"name": "metformin", "status": "active"}])
    assert any("No eGFR on file: metformin" in g.text for g in unchecked.data_gaps)
    checked = _plan(default_generator, labs={"egfr": 70}, medications=[{"name": "metformin", "status": "active"}])
    assert not any("No eGFR on file" in g.text for g in checked.data_gaps)
