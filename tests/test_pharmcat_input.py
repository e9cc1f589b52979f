"""PharmCAT input as a user meets it: the JSON report and the outside-call TSV become genotype facts,
"no call" is No Result, an uncallable or ambiguous call is Indeterminate, bad lines exit 2 located.

The fixtures in tests/fixtures/pharmcat/ follow PharmCAT's documented formats (report JSON with
genes -> CPIC/DPWG -> gene -> recommendationDiplotypes; outside-call lines GENE, diplotype,
phenotype, activity score)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from engine.generator import Generator
from engine.intake.formats import RecordFormat, detect
from engine.intake.records import load_record
from engine.source.diagnostics import DiagnosticError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pharmcat"
runner = CliRunner()


def _genotypes(path: Path, generator: Generator) -> list[dict[str, object]]:
    patient = load_record(path, None, generator.patient_model)
    return [g.model_dump(exclude_none=True) for g in patient.genotypes]


def test_formats_are_told_by_content() -> None:
    assert detect((FIXTURES / "report.json").read_text(encoding="utf-8")) is RecordFormat.PHARMCAT_REPORT
    assert detect((FIXTURES / "outside-calls.tsv").read_text(encoding="utf-8")) is \
        RecordFormat.PHARMCAT_OUTSIDE_CALLS
    assert detect((ROOT / "examples" / "pgx-panel.yaml").read_text(encoding="utf-8")) is RecordFormat.PATIENT_FILE


def test_report_genes_become_genotypes(default_generator: Generator) -> None:
    report = json.loads((FIXTURES / "report.json").read_text(encoding="utf-8"))
    assert report["genes"]["DPWG"]["CYP2C19"]["recommendationDiplotypes"][0]["label"] == "*1/*1"
    assert _genotypes(FIXTURES / "report.json", default_generator) == [
        {"gene": "CYP2C19", "diplotype": "*2/*2"},  # CPIC's call, not DPWG's
        {"gene": "CYP2C9", "phenotype": "Indeterminate"},  # two possible diplotypes
        {"gene": "CYP2D6", "phenotype": "No Result"},  # no call
        {"gene": "SLCO1B1", "diplotype": "*1/*5"},
        {"gene": "TPMT", "phenotype": "Indeterminate"},
        {"gene": "NUDT15", "diplotype": "*1/*1"},  # only DPWG has it
    ]


def test_report_plan_shows_the_calls_and_the_ambiguity(default_generator: Generator) -> None:
    patient = load_record(FIXTURES / "report.json", None, default_generator.patient_model)
    assert patient.id == "sample-17"
    plan = default_generator.run(patient, at="2026-01-01T00:00:00Z").plan
    phenotypes = {a.gene: a.value for a in plan.assessments if a.kind == "phenotype"}
    assert phenotypes["CYP2C19"] == "Poor Metabolizer"
    assert phenotypes["CYP2D6"] == "No Result"
    assert phenotypes["CYP2C9"] == "Indeterminate"
    assert "PharmCAT gave 2 possible diplotypes for CYP2C9: read as Indeterminate" in \
        [g.text for g in plan.data_gaps if g.rule == "input"]


def test_outside_calls_become_genotypes(default_generator: Generator) -> None:
    assert _genotypes(FIXTURES / "outside-calls.tsv", default_generator) == [
        {"gene": "CYP2D6", "diplotype": "*1/*4"},
        {"gene": "CYP2C9", "activity_score": 2.0},
        {"gene": "HLA-B", "allele": "*57:01", "result": "positive"},
        {"gene": "NUDT15", "phenotype": "No Result"},  # Unknown/Unknown: no call
        {"gene": "TPMT", "phenotype": "Indeterminate"},
    ]


@pytest.mark.parametrize(("fixture", "where", "words"), [
    ("bad-score.tsv", "bad-score.tsv:2:10", "the activity score is not a number"),
    ("empty-call.tsv", "empty-call.tsv:2:8", "gives no diplotype, phenotype or activity score"),
])
def test_a_bad_outside_call_line_is_refused_located(fixture: str, where: str, words: str,
                                                   default_generator: Generator) -> None:
    with pytest.raises(DiagnosticError) as refused:
        load_record(FIXTURES / fixture, None, default_generator.patient_model)
    report = refused.value.report()
    assert report.startswith(f"{FIXTURES / where}:")
    assert words in report and "high" not in report


def test_generate_reads_a_report_and_refuses_a_bad_tsv_with_exit_2() -> None:
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    good = runner.invoke(cli.app, ["generate", str(FIXTURES / "report.json"), "--format", "json"], env=env)
    assert good.exit_code == 0, good.stderr
    assert json.loads(good.stdout)["patient_id"] == "sample-17"
    bad = runner.invoke(cli.app, ["generate", str(FIXTURES / "bad-score.tsv")], env=env)
    assert bad.exit_code == 2
    assert "bad-score.tsv:2:10: error[pharmcat.activity-score]" in bad.stderr and "Traceback" not in bad.stderr
