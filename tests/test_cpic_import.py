"""`careplan knowledge import-cpic`: CPIC's table in, a working pack out, changes reported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

import cli
from engine.authoring.conformance import CHUNK, check_diplotypes
from engine.clinical.cpic import CpicRow, classify
from engine.generator import Generator

HEADER = ["source", "guideline", "data_version", "drug", "population", "lookup_key", "classification",
          "dosingInformation", "alternateDrugAvailable", "otherPrescribingGuidance", "recommendation", "implications"]
runner = CliRunner()


def _row(drug: str, population: str, key: str, classification: str, dosing: bool, alternative: bool,
         text: str) -> list[str]:
    return ["CPIC", f"test guideline for {drug}", "2026-01-01", drug, population, key, classification,
            str(dosing), str(alternative), "False", text, ""]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


ROWS = [
    _row("clopidogrel", "CVI ACS PCI", "CYP2C19=Poor Metabolizer", "Strong", False, True,
         "Test wording: do not use clopidogrel; choose another antiplatelet. Other Considerations none"),
    _row("clopidogrel", "CVI ACS PCI", "CYP2C19=Normal Metabolizer", "Strong", False, False,
         "Test wording: give the standard dose."),
    _row("azathioprine", "general", "NUDT15=No Result; TPMT=Poor Metabolizer", "Strong", True, True,
         "Test wording: reduce the daily dose to 10% of normal, three times a week."),
    _row("abacavir", "general", "HLA-B=*57:01 positive", "Strong", False, True, "Test wording: not recommended."),
    _row("codeine", "general", "CYP2D6=xN combinations", "", False, False, "A note with no classification."),
]


def test_classifier_reads_action_strength_and_dose() -> None:
    def row(text: str, classification: str = "Moderate", dosing: bool = True, alternative: bool = False) -> CpicRow:
        return CpicRow(1, "x", "general", (("G", "r"),), classification, dosing, alternative, text, "")

    assert classify(row("Avoid use. Other Considerations reduce")).action == "avoid"
    assert classify(row("Consider a 25% reduction of the starting dose")).dose_change_percent == -25
    assert classify(row("Start with 50% of the normal dose")).action == "reduce-dose"
    assert classify(row("Start with 50% of the normal dose")).dose_change_percent == -50
    assert classify(row("Use the label recommended dose", dosing=False)).action == "standard-dose"
    assert classify(row("Select an alternative agent", dosing=False, alternative=True)).action == "use-alternative"
    verdict = classify(row("No recommendation", classification="No recommendation", dosing=False))
    assert (verdict.action, verdict.strength) == ("consider", "no-recommendation")
    # readings that once went wrong: a negated avoid, a dose cap, a doubling, a share of the lowest dose
    assert classify(row("There is no need to avoid prescribing this drug", dosing=False)).action == "standard-dose"
    assert classify(row("Prescribe <=20 mg as a starting dose; increased risk of myopathy")).action == "reduce-dose"
    doubled = classify(row("Increase starting daily dose by 100%. Monitor for efficacy"))
    assert (doubled.action, doubled.dose_change_percent) == ("increase-dose", 100)
    # a range is read with both edges, and the single-number field stays empty (contract section 3)
    share = classify(row("Start with 25-50% of the lowest recommended starting dose"))
    assert (share.dose_change_percent, share.dose_range_percent) == (None, (-75, -50))


def test_import_builds_a_pack_that_generates_and_reports_changes(tmp_path: Path) -> None:
    source = _write(tmp_path / "recommendations.csv", ROWS)
    out = tmp_path / "imported"
    result = runner.invoke(cli.app, ["knowledge", "import-cpic", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 recommendation rows written; 1 skipped" in result.stdout
    assert "skipped: line 6: codeine" in result.stdout
    two_genes = (out / "knowledge/pgx/recommendations-two-genes.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in two_genes[1:]] == ["azathioprine"]

    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\ngenotypes: [{gene: TPMT, phenotype: Poor Metabolizer}]\n"
                       "medications: [{name: azathioprine, status: planned}]\n")
    result = runner.invoke(cli.app, ["generate", str(patient), "--format", "json", "--pack", str(out)])
    plan = json.loads(result.stdout)
    rec = next(r for r in plan["recommendations"] if r["drug"] == "azathioprine")
    assert (rec["action"], rec["strength"], rec["dose_change_percent"]) == ("reduce-dose", "strong", -90)
    assert plan["pack"]["name"] == "cpic-import"
    # each row cites its guideline; one the pack has no record for is given a record to complete
    assert rec["evidence"]["title"] == "test guideline for azathioprine"
    assert rec["evidence"]["cite"] == "cpic-import-test-guideline-for-azathioprine"
    assert any(r["action"] == "test" for r in plan["recommendations"])  # NUDT15 untested: ask for it
    assert any(g["suggested_test"] == "NUDT15 genotyping" for g in plan["data_gaps"])

    changed = [*ROWS[:1], _row("clopidogrel", "CVI ACS PCI", "CYP2C19=Normal Metabolizer", "Moderate", False,
                                False, "Test wording: give the standard dose."), ROWS[3]]
    result = runner.invoke(cli.app, ["knowledge", "import-cpic", str(_write(tmp_path / "v2.csv", changed)),
                                     "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 added, 1 removed, 1 changed in action or strength" in result.stdout
    assert "- azathioprine [general] NUDT15=No Result; TPMT=Poor Metabolizer" in result.stdout
    assert "~ clopidogrel [CVI ACS PCI] CYP2C19=Normal Metabolizer: standard-dose/strong -> standard-dose/moderate" \
        in result.stdout


def test_diplotypes_report_where_the_allele_tables_disagree(tmp_path: Path) -> None:
    source = _write(tmp_path / "recommendations.csv", ROWS[:2])
    table = tmp_path / "diplotypes.csv"
    table.write_text("gene,diplotype,phenotype,activity_score,lookup_key,data_version\n"
                     "CYP2C19,*1/*2,Intermediate Metabolizer,,Intermediate Metabolizer,v2\n"
                     "CYP2C19,*2/*2,Poor Metabolizer,,Poor Metabolizer,v2\n"
                     "CYP2C19,*1/*17,Normal Metabolizer,,Normal Metabolizer,v2\n")  # a changed call
    result = runner.invoke(cli.app, ["knowledge", "import-cpic", str(source), "--out", str(tmp_path / "o"),
                                     "--diplotypes", str(table)])
    assert result.exit_code == 0, result.output
    assert "CYP2C19                        3       2   66.67%" in result.stdout
    assert "phenotype ['Rapid Metabolizer'], CPIC Normal Metabolizer  (e.g. *1/*17)" in result.stdout


def test_a_table_without_cpic_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("drug,lookup\nx,y\n")
    result = runner.invoke(cli.app, ["knowledge", "import-cpic", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "missing column(s)" in result.stderr
    assert not (tmp_path / "o").exists()


def test_diplotype_rows_checked_in_two_processes_give_the_same_outcomes_in_order(
        default_generator: Generator) -> None:
    with (default_generator.pack.root / "knowledge/pgx/allele-functions.csv").open(encoding="utf-8") as handle:
        alleles = [row["allele"] for row in csv.DictReader(handle) if row["gene"] == "CYP2D6"]
    pairs = [f"{a}/{b}" for n, a in enumerate(alleles) for b in alleles[n:]]
    rows = [("CYP2D6", diplotype, "Normal Metabolizer", "") for diplotype in pairs[:2 * CHUNK + 100]]
    assert len(rows) > 2 * CHUNK  # three chunks: the order across workers is tested
    alone = check_diplotypes(rows, default_generator, workers=1)
    assert {o.agrees for o in alone} == {True, False}  # some calls agree, some do not
    assert check_diplotypes(rows, default_generator, workers=2) == alone
