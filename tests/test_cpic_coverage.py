"""Every drug in CPIC's recommendation table gets a plan entry: the drugs added to the pack's
decision tables (tools/cpic_rows.py), each with a representative genotype, and a testing
gap naming the gene when the genotype is missing. Self-contained: no CPIC file is read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"
PGX = Path(__file__).resolve().parent.parent / "knowledge" / "pgx"


def score(gene: str, value: float) -> dict[str, Any]:
    return {"gene": gene, "activity_score": value}


def phenotype(gene: str, value: str) -> dict[str, Any]:
    return {"gene": gene, "phenotype": value}


G6PD_DEFICIENT = [phenotype("G6PD", "Deficient")]
# drug -> (genotypes, expected action[, age]); one representative phenotype per newly covered drug
CASES: dict[str, tuple[list[dict[str, Any]], str] | tuple[list[dict[str, Any]], str, int]] = {
    "atomoxetine": ([score("CYP2D6", 0.0)], "reduce-dose"),
    "clomipramine": ([score("CYP2D6", 2.0), phenotype("CYP2C19", "Poor Metabolizer")], "avoid"),
    "dapsone": (G6PD_DEFICIENT, "avoid"),
    "desipramine": ([score("CYP2D6", 0.0)], "avoid"),
    "dexlansoprazole": ([phenotype("CYP2C19", "Poor Metabolizer")], "reduce-dose"),
    "doxepin": ([score("CYP2D6", 0.5), phenotype("CYP2C19", "Normal Metabolizer")], "reduce-dose"),
    "flurbiprofen": ([score("CYP2C9", 0.0)], "reduce-dose"),
    "fluvastatin": ([score("CYP2C9", 0.0), phenotype("SLCO1B1", "Poor Function")], "use-alternative"),
    "fluvoxamine": ([score("CYP2D6", 0.0)], "use-alternative"),
    "hydrocodone": ([score("CYP2D6", 2.0)], "standard-dose"),
    "ibuprofen": ([score("CYP2C9", 0.5)], "reduce-dose"),
    "imipramine": ([score("CYP2D6", 0.0), phenotype("CYP2C19", "Normal Metabolizer")], "avoid"),
    "lansoprazole": ([phenotype("CYP2C19", "Ultrarapid Metabolizer")], "increase-dose"),
    "lornoxicam": ([score("CYP2C9", 2.0)], "standard-dose"),
    "lovastatin": ([phenotype("SLCO1B1", "Poor Function")], "use-alternative"),
    "meloxicam": ([score("CYP2C9", 0.5)], "use-alternative"),
    "methylene blue": (G6PD_DEFICIENT, "avoid"),
    "nitrofurantoin": ([phenotype("G6PD", "Deficient with CNSHA")], "avoid"),
    "paromomycin": ([phenotype("MT-RNR1", "increased risk of aminoglycoside-induced hearing loss")], "avoid"),
    "paroxetine": ([score("CYP2D6", 0.0)], "reduce-dose"),
    "pegloticase": (G6PD_DEFICIENT, "avoid"),
    "piroxicam": ([score("CYP2C9", 1.0)], "use-alternative"),
    "pitavastatin": ([phenotype("SLCO1B1", "Poor Function")], "reduce-dose"),
    "pravastatin": ([phenotype("SLCO1B1", "Decreased Function")], "consider"),
    "primaquine": (G6PD_DEFICIENT, "avoid"),
    "tafenoquine": (G6PD_DEFICIENT, "avoid"),
    "tamoxifen": ([score("CYP2D6", 0.0)], "use-alternative"),
    "tenoxicam": ([score("CYP2C9", 0.0)], "use-alternative"),
    "toluidine blue": (G6PD_DEFICIENT, "avoid"),
    "trimipramine": ([score("CYP2D6", 1.5), phenotype("CYP2C19", "Ultrarapid Metabolizer")], "use-alternative"),
    "tropisetron": ([score("CYP2D6", 3.0)], "use-alternative"),
    "venlafaxine": ([score("CYP2D6", 0.0)], "use-alternative"),
    "vortioxetine": ([score("CYP2D6", 0.0)], "use-alternative"),
}
GENES = {drug: sorted({g["gene"] for g in case[0]}) for drug, case in CASES.items()}


def _plan(generator: Generator, drug: str, genotypes: list[dict[str, Any]], age: int = 40) -> Plan:
    data = {"id": "cpic-coverage", "demographics": {"age": age},
            "medications": [{"name": drug, "status": "planned"}], "genotypes": genotypes}
    return generator.run(Patient.model_validate(data), at=AT).plan


def _medication(plan: Plan, drug: str) -> list[Any]:
    return [r for r in plan.recommendations if r.drug == drug and r.category == "medication"]


@pytest.mark.parametrize("drug", sorted(CASES))
def test_a_genotyped_patient_gets_the_cpic_action_for_the_drug(default_generator: Generator, drug: str) -> None:
    genotypes, action, *rest = CASES[drug]
    found = _medication(_plan(default_generator, drug, genotypes, *rest), drug)
    assert found, f"no medication recommendation for {drug}"
    assert {r.action for r in found} == {action}, f"{drug}: {[(r.action, r.text) for r in found]}"
    # each cites its CPIC guideline's record (knowledge/citations.yaml), not a generic CPIC page
    assert all(r.strength and r.evidence.source == "CPIC" and r.evidence.cite and r.evidence.cite.startswith("cpic-")
               and r.evidence.cite != "cpic-guidelines" for r in found)


@pytest.mark.parametrize("drug", sorted(CASES))
def test_without_a_genotype_the_plan_asks_for_the_test(default_generator: Generator, drug: str) -> None:
    plan = _plan(default_generator, drug, [])
    for gene in GENES[drug]:
        assert any(r.id == f"pgx.untested-gene[{drug},{gene}]" and r.category == "testing"
                   for r in plan.recommendations), f"{drug}: no testing recommendation for {gene}"
        assert any(gene in (g.suggested_test or "") and drug in g.text for g in plan.data_gaps), (
            f"{drug}: no data gap naming {gene}")
    assert not any(r.action == "standard-dose" for r in _medication(plan, drug))


def test_atomoxetine_follows_the_age_group() -> None:
    generator = Generator()
    child = _medication(_plan(generator, "atomoxetine", [score("CYP2D6", 2.0)], age=10), "atomoxetine")
    adult = _medication(_plan(generator, "atomoxetine", [score("CYP2D6", 2.0)], age=40), "atomoxetine")
    assert [r.action for r in child] == ["increase-dose"] and "mg/kg" in child[0].text
    assert [r.action for r in adult] == ["increase-dose"] and "40 mg/day" in adult[0].text


def test_tamoxifen_in_a_normal_metabolizer_is_given_at_the_standard_dose(default_generator: Generator) -> None:
    # CPIC's "avoid" in this row is about CYP2D6 inhibitors taken with tamoxifen, not tamoxifen itself
    found = _medication(_plan(default_generator, "tamoxifen", [score("CYP2D6", 2.0)]), "tamoxifen")
    assert [r.action for r in found] == ["standard-dose"] and "20 mg/day" in found[0].text


def test_nitrofurantoin_in_g6pd_deficiency_is_used_with_monitoring(default_generator: Generator) -> None:
    found = _medication(_plan(default_generator, "nitrofurantoin", G6PD_DEFICIENT), "nitrofurantoin")
    assert [r.action for r in found] == ["standard-dose"] and "anaemia" in found[0].text


def test_every_drug_in_the_tables_has_its_genes_in_drug_genes() -> None:
    with (PGX / "drug-genes.csv").open(encoding="utf-8", newline="") as handle:
        needed = {(r["drug"], r["gene"]) for r in csv.DictReader(handle)}
    with (PGX / "recommendations-one-gene.csv").open(encoding="utf-8", newline="") as handle:
        rows = {(r["drug"], r["gene"]) for r in csv.DictReader(handle) if not r["gene"].startswith("HLA-")}
    with (PGX / "recommendations-two-genes.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            rows |= {(r["drug"], r[g]) for g in ("gene1", "gene2") if not r[g].startswith("HLA-")}
    assert rows <= needed, sorted(rows - needed)
    assert {drug for drug, _ in needed} >= set(CASES)
