"""The command line as a user meets it: exit codes, stdout, stderr, documents."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import cli
from engine.authoring.schemas import fact_types_schema, patient_schema, plan_schema, rule_schema
from tests.packs import rule_doc, write_pack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_json_plan_validates_and_is_byte_identical(example: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    code, first, _ = run("generate", str(example), "--format", "json", env=env)
    _, second, _ = run("generate", str(example), "--format", "json", env=env)
    assert code == 0
    assert first == second
    plan = json.loads(first)
    assert list(jsonschema.Draft202012Validator(plan_schema()).iter_errors(plan)) == []
    assert plan["schema"] == "careplan/plan@1"
    assert plan["generated_at"] == "2026-01-01T00:00:00Z"
    assert plan["patient_id"] == example.stem


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_markdown_and_html_documents(example: Path, audience: str) -> None:
    code, markdown, _ = run("generate", str(example), "--audience", audience)
    assert code == 0
    assert markdown.startswith("#")
    code, html, _ = run("generate", str(example), "--format", "html", "--audience", audience)
    assert code == 0
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<style" in html and "http" not in html.split("<body")[0].replace("http-equiv", "")


def test_pgx_plan_says_avoid_clopidogrel_with_alternatives() -> None:
    _, out, _ = run("generate", str(ROOT / "examples/pgx-clopidogrel.yaml"), "--format", "json")
    rec = next(r for r in json.loads(out)["recommendations"] if r["drug"] == "clopidogrel")
    assert rec["action"] == "avoid"
    assert rec["alternatives"] == ["prasugrel", "ticagrelor"]
    assert rec["evidence"]["source"] == "CPIC"
    assert [step["rule"].split("[")[0] for step in rec["because"]] == [
        "pgx.allele-function", "pgx.allele-function", "pgx.phenotype-from-function-pair",
        "pgx.population-by-indication", "pgx.recommend-one-gene"]


def test_explain_shows_the_four_step_chain_with_sources() -> None:
    code, out, _ = run("explain", str(ROOT / "examples/pgx-clopidogrel.yaml"))
    assert code == 0
    # diplotype -> allele functions -> phenotype -> recommendation (in CPIC's ACS/PCI population)
    assert ("chain: pgx.allele-function -> pgx.phenotype-from-function-pair -> pgx.population-by-indication "
            "-> pgx.recommend-one-gene -> recommendation") in out
    assert "allele CYP2C19 *2 (copy 1 of *2/*2)" in out
    assert "rules/pgx/phenotype-from-function-pair.yaml:2" in out
    assert "knowledge/pgx/function-pair-phenotypes.csv:" in out
    assert "produced: CYP2C19 phenotype Poor Metabolizer" in out


def test_explain_shows_options_shared_decisions_and_what_was_suppressed() -> None:
    code, out, _ = run("explain", str(ROOT / "examples/complex-patient.yaml"))
    assert code == 0
    assert "options: amlodipine, chlorthalidone, losartan, valsartan" in out
    assert "shared decision (the patient declines chemotherapy); options: " in out
    assert ("Suppressed cardiovascular.start-statin/alternative:simvastatin: by "
            "pgx.avoided-drug-not-offered[simvastatin,general,SLCO1B1,Poor Function]") in out


def test_out_writes_the_file_and_nothing_to_stdout(tmp_path: Path) -> None:
    target = tmp_path / "plan.html"
    code, out, _ = run("generate", str(ROOT / "examples/patient-b.yaml"), "-f", "html", "-o", str(target))
    assert code == 0
    assert out == ""
    assert "patient-b" in target.read_text(encoding="utf-8")


def test_crisis_exits_1_with_the_plan_and_a_warning(tmp_path: Path) -> None:
    patient = tmp_path / "crisis.yaml"
    patient.write_text("id: crisis\nvitals: {blood_pressure: [{systolic: 196, diastolic: 124}]}\n")
    code, out, err = run("generate", str(patient), "--format", "json")
    assert code == 1
    assert json.loads(out)["warnings"][0]["severity"] == "urgent"
    assert "URGENT" in err


@pytest.mark.parametrize(("content", "expected"), [
    ("id: p\nvitals:\n  blood_pressure:\n    - {systolic: 400, diastolic: 90}\n",
     "p.yaml:4:18: error[patient.range] vitals.blood_pressure[0].systolic: value is outside 50..300 mmHg"),
    ("id: p\ndemographics:\n  age: fifty\n", "p.yaml:3:8: error[patient.wrong-type] demographics.age"),
    ("id: p\nvital: {}\n", "did you mean 'vitals'?"),
    ("id: p\nid: q\n", "error[source.duplicate-key]"),
    ("id: [p\n", "error[source.syntax]"),
])
def test_bad_patient_file_exits_2_naming_file_line_and_field(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "p.yaml").write_text(content)
    code, out, err = run("generate", str(tmp_path / "p.yaml"))
    assert code == 2
    assert out == ""
    assert expected in err.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in err
    assert "400" not in err and "fifty" not in err


def test_missing_file_and_bad_arguments_exit_2(tmp_path: Path) -> None:
    code, _, err = run("generate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
    code, _, err = run("generate", str(ROOT / "examples/patient-a.yaml"), "--format", "pdf")
    assert code == 2
    code, _, err = run("generate", str(ROOT / "examples/patient-a.yaml"), "--format", "fhir", "--audience", "patient")
    assert code == 2 and "usage.unsupported" in err and "--audience patient" in err


def test_validate_default_pack_exits_0() -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert "inline tests passed" in out


def test_validate_reports_every_error_in_a_broken_rule_at_once(tmp_path: Path) -> None:
    doc = rule_doc("t.broken", {"all": [{"lab": {"name": "egfr", "value": {"gt": "high"}}}]},
                   table={"file": "knowledge/missing.csv", "key": ["a"], "columns": {"a": "text"}})
    doc["titel"] = "typo"
    root = write_pack(tmp_path, {"broken": doc})
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    lines = [line for line in err.splitlines() if "error[" in line]
    codes = {line.split("error[")[1].split("]")[0] for line in lines}
    assert {"schema.unknown-key", "when.wrong-type", "ref.unknown-table"} <= codes
    for line in lines:
        path, line_no, col = line.split(":")[:3]
        assert path == "rules/broken.yaml" and int(line_no) > 0 and int(col) > 0


def test_validate_a_patient_file() -> None:
    code, out, _ = run("validate", str(ROOT / "examples/patient-a.yaml"))
    assert code == 0 and "patient file is valid" in out


def test_schemas_print_and_match_the_committed_files() -> None:
    for kind, build in (("patient", patient_schema), ("plan", plan_schema), ("fact-types", fact_types_schema)):
        code, out, _ = run("schema", kind)
        assert code == 0
        assert json.loads(out) == build()
        assert json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text()) == build()
    code, out, _ = run("schema", "rule")
    assert code == 0
    committed = json.loads((ROOT / "schema" / "rule.schema.json").read_text())
    assert json.loads(out) == committed, "regenerate with: careplan schema rule > schema/rule.schema.json"


def test_every_rule_file_validates_against_the_rule_schema() -> None:
    import yaml

    from engine.pack.load import load_pack
    from engine.pack.locate import default_pack_root

    validator = jsonschema.Draft202012Validator(rule_schema(load_pack(default_pack_root()).schema))
    paths = [p for p in sorted((ROOT / "rules").rglob("*.yaml")) if not p.name.endswith(".tests.yaml")]
    assert paths  # sidecar test files (docs/testing-rules.md) are lists of tests, not rules
    for path in paths:
        text = path.read_text()
        assert text.startswith("# yaml-language-server: $schema="), path
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]
        assert errors == [], f"{path}: {errors}"


def test_every_fact_type_file_names_and_meets_its_schema() -> None:
    import yaml

    validator = jsonschema.Draft202012Validator(fact_types_schema())
    files = [ROOT / "knowledge" / "fact-types.yaml", *sorted((ROOT / "knowledge").glob("*/fact-types.yaml"))]
    for path in files:
        text = path.read_text()
        depth = "../" * (len(path.relative_to(ROOT).parts) - 1)
        assert text.startswith(f"# yaml-language-server: $schema={depth}schema/fact-types.schema.json"), path
        assert (path.parent / f"{depth}schema/fact-types.schema.json").resolve().is_file()
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]
        assert errors == [], f"{path}: {errors}"
