"""The called-phenotype table is what the pack's tables give (so it cannot drift), and an unknown word is named."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from engine.generator import Generator
from engine.patient.model import Patient

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-01-01T00:00:00Z"


def test_the_table_is_derived_from_the_phenotype_tables() -> None:
    spec = importlib.util.spec_from_file_location("called_phenotypes", ROOT / "tools" / "called_phenotypes.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    pgx = ROOT / "knowledge" / "pgx"
    committed = (pgx / "called-phenotypes.csv").read_text(encoding="utf-8")
    assert committed == tool.render(tool.called_phenotypes(pgx)), "regenerate: python tools/called_phenotypes.py"
    assert "CYP2D6,Ultrarapid Metabolizer\n" in committed


def test_an_unknown_phenotype_word_is_named_and_a_known_one_is_not(default_generator: Generator) -> None:
    def plan(word: str) -> tuple[list[str], list[str]]:
        patient = Patient.model_validate({"id": "p", "demographics": {"age": 40},
                                          "genotypes": [{"gene": "CYP2D6", "phenotype": word}],
                                          "medications": [{"name": "codeine", "status": "planned"}]})
        result = default_generator.run(patient, at=AT).plan
        return [w.text for w in result.warnings], [r.action for r in result.recommendations if r.drug == "codeine"]

    warnings, actions = plan("Fast Metabolizer")
    assert any("is not a CPIC phenotype term" in w for w in warnings)
    assert "standard-dose" not in actions
    warnings, actions = plan("Ultrarapid Metabolizer")
    assert not any("is not a CPIC phenotype term" in w for w in warnings)
    # a CPIC term, but CYP2D6 is looked up by activity score: the plan says why it is silent on codeine
    assert any("looked up by activity score" in w for w in warnings)
    assert "standard-dose" not in actions
