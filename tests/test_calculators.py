"""Risk calculators declared by the pack (knowledge/calculators.yaml): the declaration's located errors,
the normaliser running exactly what the pack declares, the validation vectors `careplan validate` runs,
and the PREVENT assessments and data gaps a user sees in `careplan generate --format json`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from engine.cli.app import app
from engine.generator import Generator
from engine.pack.calculator_vectors import run_pack_vectors
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from engine.patient.declared import patient_model
from engine.patient.loader import load_patient
from engine.source.diagnostics import DiagnosticError
from tests.packs import write_pack

runner = CliRunner()
DEFAULT = default_pack_root()
CALCULATOR_FILES = ("knowledge/calculators.yaml", "knowledge/calculators/pce-vectors.csv",
                    "knowledge/calculators/prevent-vectors.csv", "knowledge/citations.yaml",
                    "knowledge/cardiovascular/fact-types.yaml")
GRADED = {"source": "test", "citation": "a test pack", "strength": "moderate"}
ADULT_RULE = {
    "id": "case", "title": "an adult", "version": "1.0.0", "evidence": GRADED,
    "when": {"all": [{"patient": {"age": {"ge": 18}}}]},
    "then": [{"recommend": {"category": "monitoring", "action": "monitor", "text": "an adult"}}],
    "tests": [{"name": "an adult", "given": {"demographics": {"age": 30}}, "expect": "fires"},
              {"name": "a child", "given": {"demographics": {"age": 10}}, "expect": "does_not_fire"}],
}
# The supplement's worked example and preventr's test profile: a woman of 50, systolic 160 treated,
# total cholesterol 200, HDL 45, diabetes, non-smoker, eGFR 90, BMI 35 (160 cm, 89.6 kg), no statin.
PREVENTR_WOMAN: dict[str, Any] = {
    "id": "preventr-woman",
    "demographics": {"age": 50, "sex": "female"},
    "vitals": {"blood_pressure": [{"systolic": 160, "diastolic": 90}], "height_cm": 160, "weight_kg": 89.6},
    "labs": {"total_cholesterol_mg_dl": 200, "hdl_mg_dl": 45, "egfr": 90},
    "lifestyle": {"smoking": "never"},
    "conditions": ["type 2 diabetes"],
    "medications": [{"name": "lisinopril", "status": "active"}],
}


def _calculator_pack(root: Path, edit: dict[str, tuple[str, str]] | None = None) -> Path:
    """A small pack with the default pack's calculator declaration (``edit``: file -> (old, new) text)."""
    files = {name: (DEFAULT / name).read_text(encoding="utf-8") for name in CALCULATOR_FILES}
    for name, (old, new) in (edit or {}).items():
        assert old in files[name], old  # the text the edit replaces exists
        files[name] = files[name].replace(old, new, 1)
    return write_pack(root, {"case": ADULT_RULE}, files=files)


def _load_errors(root: Path) -> list[str]:
    with pytest.raises(DiagnosticError) as caught:
        load_pack(root)
    return [d.format() for d in caught.value.diagnostics]


def _line_of(root: Path, relative: str, text: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# --- the declaration ---------------------------------------------------------------------------

def test_the_copied_declaration_loads_clean(tmp_path: Path) -> None:
    pack = load_pack(_calculator_pack(tmp_path))
    assert [(c.name, c.spec.version, c.implementation.name) for c in pack.calculators] == [
        ("pce", "2013", "pce"), ("prevent", "2024", "prevent")]


def test_an_unknown_implementation_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators.yaml": (
        "implementation: prevent-2024", "implementation: prevent-2025")})
    line = _line_of(root, "knowledge/calculators.yaml", "implementation: prevent-2025")
    assert _load_errors(root) == [
        f"knowledge/calculators.yaml:{line}:19: error[calculator.unknown-implementation] prevent.implementation: "
        "careplan ships no calculator 'prevent-2025'\n    hint: did you mean 'prevent-2024'?"]


def test_an_input_field_the_pack_does_not_declare_is_an_error(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators.yaml": ("field: lab.egfr", "field: lab.egfrr")})
    line = _line_of(root, "knowledge/calculators.yaml", "lab.egfrr")
    [error] = _load_errors(root)
    assert error.startswith(f"knowledge/calculators.yaml:{line}:")
    assert ("error[calculator.unknown-field] prevent.inputs.egfr.field: 'lab' has no field 'egfrr' in this pack"
            "\n    hint: did you mean 'egfr'?") in error


def test_a_range_wider_than_the_equations_is_an_error_naming_theirs(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators.yaml": ("range: [30, 79]", "range: [30, 90]")})
    line = _line_of(root, "knowledge/calculators.yaml", "range: [30, 90]")
    [error] = _load_errors(root)
    assert error.startswith(f"knowledge/calculators.yaml:{line}:")
    assert ("error[calculator.bad-range] prevent.inputs.age.range: this is not the range prevent-2024 was "
            "validated in: age 30-79 years") in error


def test_an_inverted_range_and_an_input_left_out_are_errors(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators.yaml": (
        "    egfr: {field: lab.egfr, unit: mL/min/1.73 m2, range: [15, 140], outside: not-calculated}\n", "")})
    [error] = _load_errors(root)
    assert "error[calculator.undeclared-input] prevent.inputs: input 'egfr', which prevent-2024 reads" in error
    root = _calculator_pack(tmp_path / "inverted", {"knowledge/calculators.yaml": (
        "range: [15, 140]", "range: [140, 15]")})
    [error] = _load_errors(root)
    assert "error[calculator.bad-range] prevent.inputs.egfr.range: the range's low bound must be below" in error


def test_a_declaration_error_exits_2_from_validate(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators.yaml": ("cite: aha-prevent-2024", "cite: aha-prevent")})
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 2
    assert "error[ref.unknown-citation] prevent.cite: 'aha-prevent' is not a record" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- the pack runs what it declares ------------------------------------------------------------

def _risk_facts(pack_root: Path, tmp_path: Path) -> set[str]:
    generator = Generator(pack_root)
    path = tmp_path / "patient.yaml"
    path.write_text(yaml.safe_dump(PREVENTR_WOMAN), encoding="utf-8")
    facts = generator.facts(load_patient(path, model=patient_model(generator.pack.fields)))
    return {f.type for f in facts if f.type in ("ascvd_risk", "prevent_risk")}


def test_the_pack_runs_exactly_the_calculators_it_declares(tmp_path: Path) -> None:
    both = _calculator_pack(tmp_path / "both")
    assert _risk_facts(both, tmp_path) == {"ascvd_risk", "prevent_risk"}
    only_prevent = _calculator_pack(tmp_path / "prevent")
    text = (only_prevent / "knowledge/calculators.yaml").read_text(encoding="utf-8")
    (only_prevent / "knowledge/calculators.yaml").write_text(text[text.index("prevent:"):], encoding="utf-8")
    assert _risk_facts(only_prevent, tmp_path) == {"prevent_risk"}
    none = write_pack(tmp_path / "none", {"case": ADULT_RULE})
    assert not (none / "knowledge/calculators.yaml").exists()
    assert _risk_facts(none, tmp_path) == set()


def test_a_rule_may_match_a_calculators_fact_but_never_assert_it(tmp_path: Path) -> None:
    asserting = {**ADULT_RULE, "then": [{"assert": {"prevent_risk": {"outcome": "cvd", "years": 10, "value": 5}}}]}
    root = _calculator_pack(tmp_path)
    (root / "rules/case.yaml").write_text(yaml.safe_dump(asserting), encoding="utf-8")
    errors = _load_errors(root)
    assert any("prevent_risk" in e and "rules/case.yaml" in e for e in errors), errors


def test_prevent_facts_have_exactly_the_declared_fields(default_generator: Generator, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(PREVENTR_WOMAN), encoding="utf-8")
    facts = [f for f in default_generator.facts(load_patient(path, model=default_generator.patient_model))
             if f.type == "prevent_risk"]
    assert sorted((f.values["outcome"], f.values["years"], f.values["value"]) for f in facts) == [
        ("ascvd", 10, 9.2), ("ascvd", 30, 35.4), ("cvd", 10, 14.7), ("cvd", 30, 53.0),
        ("hf", 10, 8.1), ("hf", 30, 39.0)]
    assert {tuple(sorted(f.values)) for f in facts} == {("model", "outcome", "value", "years")}
    declared = default_generator.pack.schema.get("prevent_risk")
    assert declared is not None
    assert sorted(declared.fields) == ["missing", "model", "out_of_range", "outcome", "value", "years"]


# --- validation vectors ------------------------------------------------------------------------

def test_the_default_packs_vectors_all_pass() -> None:
    pack = load_pack(DEFAULT)
    report = run_pack_vectors(pack.root, pack.calculators, pack.schema)
    assert (report.passed, report.total, report.diagnostics) == (145, 145, ())
    rows = (DEFAULT / "knowledge/calculators/prevent-vectors.csv").read_text(encoding="utf-8").splitlines()
    # the brief's vector: woman of 50 ... -> 10-year CVD 14.7 %, ASCVD 9.2 %, HF 8.1 %
    assert rows[1].endswith(",50,female,200,45,160,true,false,true,false,90,35,,,,cvd,10,base,14.7,0.1")
    assert rows[2].endswith(",ascvd,10,base,9.2,0.1") and rows[3].endswith(",hf,10,base,8.1,0.1")


def test_validate_runs_the_vectors_and_a_failing_one_is_an_error_at_its_line(tmp_path: Path) -> None:
    good = _calculator_pack(tmp_path / "good")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.stderr
    assert "145/145 calculator vectors passed" in result.stdout
    bad = _calculator_pack(tmp_path / "bad", {"knowledge/calculators/prevent-vectors.csv": (
        ",cvd,10,base,14.7,0.1", ",cvd,10,base,14.9,0.1")})
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert ("knowledge/calculators/prevent-vectors.csv:2:1: error[calculator.vector] prevent: vector failed: "
            "outcome cvd, years 10, model base: expected 14.9 ± 0.1, got 14.7") in result.stderr
    assert "calculator vectors passed" not in result.stdout


def test_a_vector_column_that_is_no_input_is_an_error(tmp_path: Path) -> None:
    root = _calculator_pack(tmp_path, {"knowledge/calculators/pce-vectors.csv": ("hdl_mg_dl,", "hdl_mg_dll,")})
    pack = load_pack(root)
    report = run_pack_vectors(pack.root, pack.calculators, pack.schema)
    assert [d.format() for d in report.diagnostics] == [
        "knowledge/calculators/pce-vectors.csv:1:1: error[calculator.vector] pce: column 'hdl_mg_dll' is not an input "
        "of pce\n    hint: did you mean 'hdl_mg_dl'?"]


# --- the plan ----------------------------------------------------------------------------------

def _plan(generator: Generator, tmp_path: Path, patient: dict[str, Any]) -> dict[str, Any]:
    """The JSON plan, as `careplan generate --format json` prints it (one test goes through the CLI itself)."""
    path = tmp_path / f"{patient['id']}.yaml"
    path.write_text(yaml.safe_dump(patient), encoding="utf-8")
    plan: dict[str, Any] = json.loads(generator.run(load_patient(path, model=generator.patient_model)).plan.to_json())
    return plan


def _generate(tmp_path: Path, patient: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / f"{patient['id']}.yaml"
    path.write_text(yaml.safe_dump(patient), encoding="utf-8")
    result = runner.invoke(app, ["generate", str(path), "--format", "json"], env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.stderr
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def _prevent(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["kind"]: a for a in plan["assessments"] if a["kind"].startswith("prevent-")}


@pytest.mark.parametrize(("sex", "ten", "thirty"), [
    ("female", (14.7, 9.2, 8.1), (53.0, 35.4, 39.0)),
    ("male", (16.3, 10.2, 10.6), (51.4, 34.9, 42.4)),
])
def test_the_plan_shows_prevent_risk_naming_calculator_version_and_model(
        default_generator: Generator, tmp_path: Path, sex: str, ten: tuple[float, ...],
        thirty: tuple[float, ...]) -> None:
    plan = _plan(default_generator, tmp_path, {**PREVENTR_WOMAN, "demographics": {"age": 50, "sex": sex}})
    shown = _prevent(plan)
    assert {kind: a["value"] for kind, a in shown.items()} == {
        "prevent-cvd-10y": ten[0], "prevent-ascvd-10y": ten[1], "prevent-hf-10y": ten[2],
        "prevent-cvd-30y": thirty[0], "prevent-ascvd-30y": thirty[1], "prevent-hf-30y": thirty[2]}
    assert shown["prevent-cvd-10y"]["unit"] == "%"
    assert shown["prevent-cvd-10y"]["details"] == {"calculator": "AHA PREVENT", "version": "2024", "model": "base",
                                                   "outcome": "total cardiovascular disease", "years": 10}
    assert not [g for g in plan["data_gaps"] if "PREVENT" in g["text"]]
    assert any(a["kind"] == "ascvd-risk-10y" for a in plan["assessments"])  # the PCE is kept alongside


def test_add_ons_choose_the_model_and_a_statin_counts(default_generator: Generator, tmp_path: Path) -> None:
    with_hba1c = {**PREVENTR_WOMAN, "labs": {**PREVENTR_WOMAN["labs"], "hba1c_percent": 9.2}}
    shown = _prevent(_plan(default_generator, tmp_path, with_hba1c))
    assert (shown["prevent-cvd-10y"]["value"], shown["prevent-cvd-10y"]["details"]["model"]) == (16.5, "hba1c")
    # preventr's snapshot: 67, on a statin, UACR 1000 mg/g -> 10-year CVD 35.3 %, ASCVD 22.2 %, HF 28.9 %
    on_statin = {**PREVENTR_WOMAN, "id": "statin", "demographics": {"age": 67, "sex": "female"},
                 "labs": {**PREVENTR_WOMAN["labs"], "urine_acr_mg_g": 1000},
                 "medications": [{"name": "lisinopril", "status": "active"},
                                 {"name": "atorvastatin", "status": "active"}]}
    shown = _prevent(_plan(default_generator, tmp_path, on_statin))
    assert {k: (a["value"], a["details"]["model"]) for k, a in shown.items()} == {
        "prevent-cvd-10y": (35.3, "uacr"), "prevent-ascvd-10y": (22.2, "uacr"), "prevent-hf-10y": (28.9, "uacr")}


def test_a_missing_input_is_a_data_gap_naming_it_never_a_default(default_generator: Generator, tmp_path: Path) -> None:
    complete = _generate(tmp_path, PREVENTR_WOMAN)
    assert "prevent-cvd-10y" in _prevent(complete)  # the assessment exists when every input is recorded
    no_egfr = {**PREVENTR_WOMAN, "id": "no-egfr", "labs": {"total_cholesterol_mg_dl": 200, "hdl_mg_dl": 45}}
    plan = _plan(default_generator, tmp_path, no_egfr)
    assert _prevent(plan) == {}
    gaps = [g["text"] for g in plan["data_gaps"] if "PREVENT" in g["text"]]
    assert gaps == [
        "10-year heart failure risk (PREVENT) not calculated: eGFR not recorded (no value is assumed).",
        "10-year total cardiovascular disease and ASCVD risk (PREVENT) not calculated: eGFR not recorded "
        "(no value is assumed)."]
    no_bmi = {**PREVENTR_WOMAN, "id": "no-bmi", "vitals": {"blood_pressure": [{"systolic": 160, "diastolic": 90}]}}
    plan = _plan(default_generator, tmp_path, no_bmi)
    assert sorted(_prevent(plan)) == ["prevent-ascvd-10y", "prevent-ascvd-30y", "prevent-cvd-10y", "prevent-cvd-30y"]
    assert [g["text"] for g in plan["data_gaps"] if "PREVENT" in g["text"]] == [
        "10-year heart failure risk (PREVENT) not calculated: BMI not recorded (no value is assumed)."]


def test_out_of_range_names_the_range_never_the_value(default_generator: Generator, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    low_egfr = {**PREVENTR_WOMAN, "labs": {**PREVENTR_WOMAN["labs"], "egfr": 9.5}}
    path.write_text(yaml.safe_dump(low_egfr), encoding="utf-8")
    facts = [f for f in default_generator.facts(load_patient(path, model=default_generator.patient_model))
             if f.type == "prevent_risk" and f.values["years"] == 10]
    assert {f.values.get("out_of_range") for f in facts} == {"eGFR 15-140 mL/min/1.73 m2"}
    assert not any("9.5" in str(v) for f in facts for v in f.values.values())


def test_the_rules_name_the_declared_version() -> None:
    declared = yaml.safe_load((DEFAULT / "knowledge/calculators.yaml").read_text(encoding="utf-8"))
    rule = yaml.safe_load((DEFAULT / "rules/cardiovascular/prevent-risk.yaml").read_text(encoding="utf-8"))
    details = rule["then"][0]["assess"]["details"]
    assert details["version"] == declared["prevent"]["version"]
    assert re.search(r"PREVENT", details["calculator"])
    assert rule["evidence"]["cite"] == declared["prevent"]["cite"]


def test_the_calculator_files_are_in_the_default_pack() -> None:
    for name in CALCULATOR_FILES:
        assert (DEFAULT / name).is_file(), name
