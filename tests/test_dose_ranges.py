"""Doses CPIC gives as a range reach the plan as ``dose_range_percent`` [low, high], the change from the
usual dose in percent (contract section 3), with ``dose_change_percent`` null, and the clinician
documents say "start at 30-80% of the usual dose"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cli
from engine.clinical.cpic import CpicRow, classify
from tests.packs import rule_doc, write_pack

runner = CliRunner()


def _row(text: str, dosing: bool = True) -> CpicRow:
    return CpicRow(1, "x", "general", (("G", "r"),), "Strong", dosing, False, text, "")


@pytest.mark.parametrize(("text", "edges", "action"), [
    # the wordings of CPIC's rows (thiopurines, thioguanine, NSAIDs, fluvoxamine, PPIs, tacrolimus)
    ("Start with reduced starting doses (30%-80% of normal dose) if normal starting dose is 2-3 mg/kg/day",
     (-70, -20), "reduce-dose"),
    ("Start with reduced doses (50% to 80% of normal dose) if normal starting dose is 40-60 mg/m2/day",
     (-50, -20), "reduce-dose"),
    ("Initiate therapy with 25-50% of the lowest recommended starting dose. Titrate dose upward to "
     "25-50% of the maximum recommended dose", (-75, -50), "reduce-dose"),
    ("Consider a 25-50% lower starting dose and slower titration schedule", (-50, -25), "reduce-dose"),
    ("Initiate standard starting daily dose. Consider increasing dose by 50-100% for H. pylori", (50, 100),
     "increase-dose"),
    ("Increase starting dose 1.5 to 2 times recommended starting dose", (50, 100), "increase-dose"),
])
def test_the_classifier_reads_both_edges_of_a_range(text: str, edges: tuple[float, float], action: str) -> None:
    verdict = classify(_row(text))
    assert (verdict.dose_range_percent, verdict.dose_change_percent, verdict.action) == (edges, None, action)


def test_a_range_of_milligrams_is_the_usual_dose_not_a_change() -> None:
    verdict = classify(_row("Start with 50% of normal dose if normal starting dose is 2-3 mg/kg/day"))
    assert (verdict.dose_range_percent, verdict.dose_change_percent) == (None, -50)


def _generate(tmp_path: Path, patient: dict[str, Any], fmt: str = "json", pack: Path | None = None) -> str:
    path = tmp_path / "patient.yaml"
    path.write_text(yaml.safe_dump({"id": "p", **patient}), encoding="utf-8")
    args = ["generate", str(path), "--format", fmt] + (["--pack", str(pack)] if pack else [])
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _recommendation(tmp_path: Path, drug: str, genotypes: list[dict[str, str]]) -> dict[str, Any]:
    plan = json.loads(_generate(tmp_path, {"genotypes": genotypes,
                                           "medications": [{"name": drug, "status": "planned"}]}))
    found: dict[str, Any] = next(r for r in plan["recommendations"] if r["drug"] == drug)
    return found


@pytest.mark.parametrize(("drug", "genotypes", "action", "edges"), [
    ("azathioprine", [{"gene": "TPMT", "diplotype": "*1/*3A"}, {"gene": "NUDT15", "diplotype": "*1/*1"}],
     "reduce-dose", [-70, -20]),
    ("mercaptopurine", [{"gene": "TPMT", "diplotype": "*1/*1"}, {"gene": "NUDT15", "diplotype": "*1/*3"}],
     "reduce-dose", [-70, -20]),
    # CPIC's thioguanine rows say 50-80% of the normal dose, not 30-80%
    ("thioguanine", [{"gene": "TPMT", "diplotype": "*1/*3A"}, {"gene": "NUDT15", "diplotype": "*1/*1"}],
     "reduce-dose", [-50, -20]),
    ("tacrolimus", [{"gene": "CYP3A5", "diplotype": "*1/*1"}], "increase-dose", [50, 100]),
    ("tacrolimus", [{"gene": "CYP3A5", "diplotype": "*1/*3"}], "increase-dose", [50, 100]),
    ("celecoxib", [{"gene": "CYP2C9", "diplotype": "*3/*3"}], "reduce-dose", [-75, -50]),
    ("ibuprofen", [{"gene": "CYP2C9", "diplotype": "*2/*3"}], "reduce-dose", [-75, -50]),
])
def test_the_plan_carries_the_range_and_no_single_number(tmp_path: Path, drug: str, genotypes: list[dict[str, str]],
                                                       action: str, edges: list[float]) -> None:
    rec = _recommendation(tmp_path, drug, genotypes)
    assert (rec["action"], rec["dose_range_percent"], rec["dose_change_percent"]) == (action, edges, None)


def test_a_single_number_stays_a_single_number(tmp_path: Path) -> None:
    # meloxicam, CYP2C9 activity score 1.0: 50% of the lowest starting dose, or an alternative
    rec = _recommendation(tmp_path, "meloxicam", [{"gene": "CYP2C9", "diplotype": "*1/*3"}])
    assert (rec["action"], rec["dose_change_percent"], rec["dose_range_percent"]) == ("use-alternative", -50, None)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_clinician_document_words_the_range(tmp_path: Path, fmt: str) -> None:
    patient = {"genotypes": [{"gene": "TPMT", "diplotype": "*1/*3A"}, {"gene": "NUDT15", "diplotype": "*1/*1"}],
               "medications": [{"name": "azathioprine", "status": "planned"}]}
    assert "start at 30-80% of the usual dose" in _generate(tmp_path, patient, fmt)
    tacrolimus = {"genotypes": [{"gene": "CYP3A5", "diplotype": "*1/*1"}],
                  "medications": [{"name": "tacrolimus", "status": "planned"}]}
    assert "increase by 50-100% (150-200% of the usual dose)" in _generate(tmp_path, tacrolimus, fmt)


def _range_pack(tmp_path: Path, edges: list[Any]) -> Path:
    recommend = {"category": "medication", "action": "reduce-dose", "drug": "x", "text": "reduce x",
                 "dose_range_percent": edges}
    doc = rule_doc("t.range", {"all": [{"patient": {"age": {"ge": 0}}}]}, [{"recommend": recommend}])
    doc["tests"] = [{"name": "fires", "given": {"demographics": {"age": 40}}, "expect": "fires"},
                    {"name": "quiet", "given": {}, "expect": "does_not_fire"}]
    return write_pack(tmp_path / "pack", {"range": doc})


def test_an_author_writes_a_range_in_a_rule(tmp_path: Path) -> None:
    plan = json.loads(_generate(tmp_path, {"demographics": {"age": 40}}, pack=_range_pack(tmp_path, [-70, -20])))
    assert plan["recommendations"][0]["dose_range_percent"] == [-70, -20]


@pytest.mark.parametrize("edges", [[-20, -70], [-20]])
def test_a_range_out_of_order_or_with_one_edge_is_refused_at_its_line(tmp_path: Path, edges: list[Any]) -> None:
    _range_pack(tmp_path, edges)
    result = runner.invoke(cli.app, ["validate", str(tmp_path / "pack")])
    assert result.exit_code == 2
    assert "rules/range.yaml:" in result.output and "dose_range_percent" in result.output
    assert "Traceback" not in result.output
