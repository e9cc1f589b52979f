"""Two results on file for one gene that disagree: a caution naming the gene, no genotype-guided
recommendation from either entry, the medicine named with "resolve first", and a data gap asking
for a confirmatory test. Entries that agree are used as they are."""

from __future__ import annotations

from typing import Any

import pytest

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"
CLOPIDOGREL = [{"name": "clopidogrel", "status": "planned", "indication": "PCI"}]


def _plan(generator: Generator, genotypes: list[dict[str, Any]], medications: list[dict[str, Any]]) -> Plan:
    patient = Patient.model_validate({"id": "p", "genotypes": genotypes, "medications": medications})
    return generator.run(patient, at=AT).plan


def _medication_actions(plan: Plan, drug: str) -> set[str]:
    return {r.action for r in plan.recommendations if r.drug == drug and r.category == "medication"}


@pytest.mark.parametrize("second", [{"gene": "CYP2C19", "diplotype": "*2/*2"},
                                    {"gene": "CYP2C19", "phenotype": "Poor Metabolizer"}])
def test_conflicting_cyp2c19_results_hold_clopidogrel_advice(default_generator: Generator,
                                                            second: dict[str, Any]) -> None:
    alone = _plan(default_generator, [second], CLOPIDOGREL)
    assert _medication_actions(alone, "clopidogrel") == {"avoid"}  # each entry alone gives confident advice
    plan = _plan(default_generator, [{"gene": "CYP2C19", "diplotype": "*1/*1"}, second], CLOPIDOGREL)
    assert _medication_actions(plan, "clopidogrel") == set()
    held = [r for r in plan.recommendations if r.drug == "clopidogrel"]
    assert [(r.category, r.action) for r in held] == [("testing", "test")]
    assert held[0].text.startswith("CYP2C19 results conflict: resolve them before using the genotype")
    assert [w.text.split(":")[0] for w in plan.warnings] == [
        "The CYP2C19 results on file disagree (the phenotype assessments list each)"]
    assert [g.suggested_test for g in plan.data_gaps] == ["CYP2C19 genotyping (confirmatory)"]
    assert any(s.id == "pgx.clopidogrel" and "results on file disagree" in s.reason for s in plan.suppressed)


def test_a_two_gene_drug_is_held_when_one_gene_conflicts(default_generator: Generator) -> None:
    genotypes = [{"gene": "CYP2D6", "diplotype": "*1/*1"}, {"gene": "CYP2C19", "diplotype": "*1/*1"},
                 {"gene": "CYP2C19", "diplotype": "*17/*17"}]
    medications = [{"name": "amitriptyline", "status": "planned"}]
    assert _medication_actions(_plan(default_generator, genotypes[:2], medications), "amitriptyline")
    plan = _plan(default_generator, genotypes, medications)
    assert _medication_actions(plan, "amitriptyline") == set()
    assert {r.action for r in plan.recommendations if r.drug == "amitriptyline"} == {"test"}


def test_hla_allele_reported_positive_and_negative_holds_allopurinol(default_generator: Generator) -> None:
    positive = {"gene": "HLA-B", "allele": "*58:01", "result": "positive"}
    medications = [{"name": "allopurinol", "status": "planned"}]
    assert _medication_actions(_plan(default_generator, [positive], medications), "allopurinol") == {"avoid"}
    plan = _plan(default_generator, [positive, {**positive, "result": "negative"}], medications)
    assert _medication_actions(plan, "allopurinol") == set()
    assert any("HLA-B *58:01 results on file disagree" in w.text for w in plan.warnings)


@pytest.mark.parametrize("genotypes", [
    [{"gene": "CYP2C19", "diplotype": "*2/*2"}, {"gene": "CYP2C19", "diplotype": "*2/*2"}],
    [{"gene": "CYP2C19", "diplotype": "*1/*2"}, {"gene": "CYP2C19", "diplotype": "*2/*1"}],
    [{"gene": "CYP2C19", "diplotype": "*2/*2"}, {"gene": "CYP2C19", "phenotype": "Poor Metabolizer"}],
])
def test_entries_that_agree_are_not_a_conflict(default_generator: Generator, genotypes: list[dict[str, Any]]) -> None:
    plan = _plan(default_generator, genotypes, CLOPIDOGREL)
    assert _medication_actions(plan, "clopidogrel") == {"avoid"}
    assert not any("disagree" in w.text for w in plan.warnings)
