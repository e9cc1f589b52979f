"""What to use instead of an avoided or switched medicine: named drugs in ``alternatives`` (lower-case
generic names, contract section 3); where CPIC names no specific drug, the kind of medicine it points
to in ``alternative_statement`` (a class statement is not a drug name, so it never goes into
``alternatives``, where suppressions and preferences match drug names)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cli
from engine.clinical.cpic import CpicRow, alternative_statement

runner = CliRunner()


def _generate(tmp_path: Path, patient: dict[str, Any], fmt: str = "json") -> str:
    path = tmp_path / "patient.yaml"
    path.write_text(yaml.safe_dump({"id": "p", **patient}), encoding="utf-8")
    result = runner.invoke(cli.app, ["generate", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def _recommendation(tmp_path: Path, drug: str, genotypes: list[dict[str, str]], **medication: str) -> dict[str, Any]:
    plan = json.loads(_generate(tmp_path, {"genotypes": genotypes,
                                           "medications": [{"name": drug, "status": "planned", **medication}]}))
    found: dict[str, Any] = next(r for r in plan["recommendations"] if r["drug"] == drug)
    return found


@pytest.mark.parametrize(("drug", "genotypes", "action", "statement"), [
    # CPIC: allopurinol is contraindicated; the choice of another agent is outside the guideline's scope
    ("allopurinol", [{"gene": "HLA-B", "allele": "*58:01", "result": "positive"}], "avoid",
     "a urate-lowering medicine other than allopurinol"),
    ("citalopram", [{"gene": "CYP2C19", "diplotype": "*17/*17"}], "use-alternative",
     "an antidepressant not predominantly metabolised by CYP2C19"),
    ("escitalopram", [{"gene": "CYP2C19", "diplotype": "*17/*17"}], "use-alternative",
     "an antidepressant not predominantly metabolised by CYP2C19"),
    ("escitalopram", [{"gene": "CYP2C19", "diplotype": "*2/*2"}], "reduce-dose",
     "an antidepressant not predominantly metabolised by CYP2C19"),
    ("sertraline", [{"gene": "CYP2C19", "diplotype": "*2/*2"}, {"gene": "CYP2B6", "diplotype": "*1/*1"}],
     "use-alternative", "an antidepressant not predominantly metabolised by CYP2C19"),
    ("codeine", [{"gene": "CYP2D6", "diplotype": "*4/*4"}], "avoid", "an opioid other than codeine or tramadol"),
])
def test_a_switch_says_what_kind_of_medicine_to_use(tmp_path: Path, drug: str, genotypes: list[dict[str, str]],
                                                   action: str, statement: str) -> None:
    rec = _recommendation(tmp_path, drug, genotypes)
    assert (rec["action"], rec["alternative_statement"], rec["alternatives"]) == (action, statement, [])


def test_lovastatin_in_poor_slco1b1_function_names_the_other_statins(tmp_path: Path) -> None:
    rec = _recommendation(tmp_path, "lovastatin", [{"gene": "SLCO1B1", "diplotype": "*5/*5"}])
    assert rec["action"] == "use-alternative"
    assert rec["alternatives"] == ["atorvastatin", "fluvastatin", "pitavastatin", "pravastatin", "rosuvastatin"]


def test_a_named_alternative_keeps_its_drug_names(tmp_path: Path) -> None:
    rec = _recommendation(tmp_path, "clopidogrel", [{"gene": "CYP2C19", "diplotype": "*2/*2"}], indication="PCI")
    assert rec["alternatives"] == ["prasugrel", "ticagrelor"]


def test_a_standard_dose_says_nothing_about_switching(tmp_path: Path) -> None:
    rec = _recommendation(tmp_path, "citalopram", [{"gene": "CYP2C19", "diplotype": "*1/*1"}])
    assert (rec["action"], rec["alternative_statement"]) == ("standard-dose", None)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_clinician_document_shows_the_class_statement(tmp_path: Path, fmt: str) -> None:
    patient = {"genotypes": [{"gene": "HLA-B", "allele": "*58:01", "result": "positive"}],
               "medications": [{"name": "allopurinol", "status": "planned"}]}
    document = _generate(tmp_path, patient, fmt)
    shown = "**Instead:** a urate-lowering" if fmt == "md" else "<dt>Instead</dt><dd>a urate-lowering"
    assert shown in document


def test_the_classifier_reads_the_class_from_cpic_wording() -> None:
    def row(text: str, drug: str = "x", alternative: bool = True) -> CpicRow:
        return CpicRow(1, drug, "general", (("G", "r"),), "Strong", False, alternative, text, "")

    assert alternative_statement(row("Select an alternative antidepressant not primarily metabolized by "
                                     "CYP2C19 or CYP2B6.")) == \
        "an antidepressant not predominantly metabolised by CYP2C19 or CYP2B6"
    assert alternative_statement(row("Allopurinol is contraindicated", "allopurinol")) == \
        "a urate-lowering medicine other than allopurinol"
    assert alternative_statement(row("Avoid use", "dapsone")) is None
