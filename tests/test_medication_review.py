"""Every medicine of the patient file appears once in the plan's medication review, with what was checked."""

from __future__ import annotations

from typing import Any

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.medication_review import NOT_EVALUATED
from engine.plan.model import MedicationReview

AT = "2026-01-01T00:00:00Z"


def _review(generator: Generator, **sections: Any) -> dict[str, MedicationReview]:
    plan = generator.run(Patient.model_validate({"id": "p", **sections}), at=AT).plan
    drugs = [m.drug for m in plan.medication_review]
    assert len(drugs) == len(set(drugs)), "a medicine is listed more than once"
    return {m.drug: m for m in plan.medication_review}


def test_every_medicine_appears_once_even_when_written_twice(default_generator: Generator) -> None:
    review = _review(default_generator, medications=[
        {"name": "Clopidogrel", "status": "planned", "indication": "PCI"},
        {"name": "clopidogrel", "status": "planned", "indication": "PCI"},
        {"name": "levothyroxine", "status": "active"},
    ])
    assert sorted(review) == ["clopidogrel", "levothyroxine"]


def test_a_medicine_no_rule_speaks_to_is_not_evaluated_rather_than_left_out(default_generator: Generator) -> None:
    review = _review(default_generator, medications=[{"name": "levothyroxine", "status": "active"}])
    assert review["levothyroxine"].outcome == NOT_EVALUATED
    assert review["levothyroxine"].checked == []


def test_a_genotype_check_names_the_gene_and_the_outcome_and_its_rule(default_generator: Generator) -> None:
    review = _review(default_generator, genotypes=[{"gene": "CYP2C19", "diplotype": "*2/*2"}],
                     medications=[{"name": "clopidogrel", "status": "planned", "indication": "PCI"}])
    entry = review["clopidogrel"]
    assert "genotype CYP2C19" in entry.checked
    assert entry.unavailable == []
    assert entry.outcome == "avoid"
    assert entry.by and all(rule.startswith("pgx.recommend-one-gene[clopidogrel") for rule in entry.by)


def test_an_untested_gene_is_listed_as_unavailable_not_as_checked_fine(default_generator: Generator) -> None:
    review = _review(default_generator, medications=[{"name": "clopidogrel", "status": "planned",
                                                      "indication": "PCI"}])
    entry = review["clopidogrel"]
    assert "genotype CYP2C19" in entry.checked
    assert "genotype CYP2C19" in entry.unavailable
    assert entry.outcome != "standard-dose"


def test_the_strongest_statement_is_the_outcome(default_generator: Generator) -> None:
    review = _review(default_generator, demographics={"age": 30, "sex": "female", "pregnant": True},
                     medications=[{"name": "lisinopril", "status": "active"}])
    assert review["lisinopril"].outcome == "stop"
    assert "pregnancy" in review["lisinopril"].checked


def test_no_medicines_no_review(default_generator: Generator) -> None:
    assert _review(default_generator) == {}
