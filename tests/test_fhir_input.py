"""FHIR R4 input as a user meets it: every example's Bundle gives its YAML's plan; bad Bundles exit 2
with located messages that never show a value; unmapped codes are data gaps; batch reads bundles."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from engine.batch.records import Record
from engine.batch.records import load_record as load_batch_record
from engine.generator import Generator
from engine.intake.records import load_record
from engine.patient.loader import load_patient
from engine.plan.model import Plan
from engine.source.diagnostics import DiagnosticError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BUNDLES = ROOT / "examples" / "fhir"
LOINC = "http://loinc.org"
ENV = {"SOURCE_DATE_EPOCH": "1767225600"}
runner = CliRunner()


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("patient_to_fhir", ROOT / "tools" / "patient_to_fhir.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def _plan(generator: Generator, path: Path) -> Plan:
    return generator.run(load_record(path, str(path), generator.patient_model), at="2026-01-01T00:00:00Z").plan


def _yaml_plan(generator: Generator, path: Path) -> Plan:
    return generator.run(load_patient(path, str(path), generator.patient_model), at="2026-01-01T00:00:00Z").plan


def _recommendations(plan: Plan) -> list[tuple[str, str, str]]:
    return sorted((r.id, r.action, r.drug or "") for r in plan.recommendations)


def _write(tmp_path: Path, bundle: dict[str, Any], name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle, indent=2), encoding="utf-8")
    return path


def _code(entry: dict[str, Any]) -> str | None:
    """The first code of an entry's resource ``code``, if it has one."""
    codings = entry["resource"].get("code", {}).get("coding", [])
    return str(codings[0]["code"]) if codings else None


def _example_bundle(stem: str = "complex-patient") -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((BUNDLES / f"{stem}.json").read_text(encoding="utf-8"))
    return loaded


def test_every_example_has_a_bundle() -> None:
    assert EXAMPLES
    assert sorted(p.stem for p in BUNDLES.glob("*.json")) == [p.stem for p in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_committed_bundle_is_what_the_tool_writes(example: Path) -> None:
    committed = (BUNDLES / f"{example.stem}.json").read_text(encoding="utf-8")
    assert committed == _tool().bundle_text(example), "regenerate: python tools/patient_to_fhir.py"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_bundle_gives_the_same_plan_as_its_yaml(example: Path, default_generator: Generator) -> None:
    from_yaml = _yaml_plan(default_generator, example)
    from_fhir = _plan(default_generator, BUNDLES / f"{example.stem}.json")
    assert from_yaml.recommendations, "an example with no recommendation would make this comparison empty"
    assert _recommendations(from_fhir) == _recommendations(from_yaml)
    assert from_fhir.model_dump() == from_yaml.model_dump()
    assert [g for g in from_fhir.data_gaps if g.rule == "input"] == []


def test_the_comparison_fails_when_the_bundle_loses_a_fact(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle("pgx-clopidogrel")
    genotype = [e for e in bundle["entry"] if _code(e) == "84413-4"]
    assert genotype, "the example carries its CYP2C19 genotype"
    bundle["entry"].remove(genotype[0])
    changed = _plan(default_generator, _write(tmp_path, bundle))
    assert _recommendations(changed) != _recommendations(_yaml_plan(default_generator, ROOT / "examples" /
                                                                    "pgx-clopidogrel.yaml"))


def test_generate_detects_a_bundle_by_content() -> None:
    code_yaml, out_yaml, _ = run("generate", str(ROOT / "examples" / "patient-a.yaml"), "--format", "json")
    code_fhir, out_fhir, _ = run("generate", str(BUNDLES / "patient-a.json"), "--format", "json")
    assert (code_yaml, code_fhir) == (0, 0)
    assert out_fhir == out_yaml


def test_an_invalid_element_is_exit_2_naming_entry_type_and_path(tmp_path: Path) -> None:
    bundle = _example_bundle()
    index, entry = next((i, e) for i, e in enumerate(bundle["entry"]) if "valueQuantity" in e["resource"])
    entry["resource"]["valueQuantity"]["value"] = "9x8y7z"
    code, out, err = run("generate", str(_write(tmp_path, bundle)))
    assert code == 2
    assert out == ""
    assert f"entry {index} (Observation) valueQuantity.value" in err
    assert "bundle.json:" in err and "error[fhir.invalid]" in err
    assert "9x8y7z" not in err and "Traceback" not in err


def _refusal(path: Path, model: Any) -> str:
    """The report ``careplan generate`` prints (exit 2) for a record it refuses."""
    with pytest.raises(DiagnosticError) as refused:
        load_record(path, None, model)
    return refused.value.report()


def test_a_value_out_of_range_names_the_resource_and_the_field_not_the_value(
        tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle()
    index, entry = next((i, e) for i, e in enumerate(bundle["entry"]) if _code(e) == "85354-9")
    entry["resource"]["component"][0]["valueQuantity"]["value"] = 987
    err = _refusal(_write(tmp_path, bundle), default_generator.patient_model)
    assert f"entry {index} (Observation)" in err and "vitals.blood_pressure[0].systolic" in err
    line = next(line for line in err.splitlines() if "vitals.blood_pressure" in line)
    assert line.startswith(f"{tmp_path / 'bundle.json'}:") and "987" not in err


def test_an_unknown_resource_type_is_refused(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle()
    bundle["entry"].append({"resource": {"resourceType": "NotAThing"}})
    err = _refusal(_write(tmp_path, bundle), default_generator.patient_model)
    assert "fhir.unknown-type" in err and f"entry {len(bundle['entry']) - 1}" in err


def test_two_patients_in_one_bundle_are_refused(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle()
    second = copy.deepcopy(bundle["entry"][0])
    assert second["resource"]["resourceType"] == "Patient"
    bundle["entry"].append(second)
    assert "exactly one Patient" in _refusal(_write(tmp_path, bundle), default_generator.patient_model)


def test_unmapped_items_are_data_gaps_never_dropped(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle("patient-a")
    subject = {"reference": "Patient/patient-a"}
    bundle["entry"] += [
        {"resource": {"resourceType": "Observation", "status": "final", "subject": subject,
                      "code": {"coding": [{"system": LOINC, "code": "12345-6"}]}, "valueQuantity": {"value": 4321}}},
        {"resource": {"resourceType": "Condition", "subject": subject,
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "999999999"}]}}},
        {"resource": {"resourceType": "Observation", "status": "final", "subject": subject,
                      "code": {"coding": [{"system": LOINC, "code": "39156-5"}]}, "valueQuantity": {"value": 29}}},
        {"resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}}},
    ]
    plan = _plan(default_generator, _write(tmp_path, bundle))
    out = plan.to_json()
    gaps = [g.text for g in plan.data_gaps if g.rule == "input"]
    assert gaps == sorted([
        "FHIR Condition 999999999 (http://snomed.info/sct) was not used: no mapping",
        "FHIR Encounter was not used: this reader does not read Encounter resources",
        "FHIR Observation 12345-6 (http://loinc.org) was not used: no mapping",
        "FHIR Observation 39156-5 (http://loinc.org) was not used: no mapping",
    ])
    assert "4321" not in out


def test_a_unit_the_table_does_not_expect_is_a_gap_not_a_guess(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle("patient-a")
    weight = next(e["resource"] for e in bundle["entry"] if _code(e) == "29463-7")
    weight["valueQuantity"].update(unit="[lb_av]", code="[lb_av]")
    patient = load_record(_write(tmp_path, bundle), None, default_generator.patient_model)
    assert patient.vitals.weight_kg is None
    assert patient.input_gaps == ("FHIR Observation 29463-7 (http://loinc.org) was not used: "
                                  "its value is not a quantity in kg",)


def test_fhir_ndjson_of_one_patient_gives_the_bundle_plan(tmp_path: Path, default_generator: Generator) -> None:
    bundle = _example_bundle("lifestyle")
    path = tmp_path / "lifestyle.ndjson"
    path.write_text("".join(json.dumps(e["resource"]) + "\n" for e in bundle["entry"]), encoding="utf-8")
    assert _recommendations(_plan(default_generator, path)) == \
        _recommendations(_plan(default_generator, BUNDLES / "lifestyle.json"))


def test_batch_over_a_directory_of_bundles(tmp_path: Path) -> None:
    folder = tmp_path / "bundles"
    folder.mkdir()
    for stem in ("patient-a", "pgx-panel"):
        (folder / f"{stem}.json").write_bytes((BUNDLES / f"{stem}.json").read_bytes())
    code, _, err = run("batch", str(folder), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1")
    assert code in (0, 1), err
    written = sorted(p.name for p in (tmp_path / "out" / "plans").rglob("*.json"))
    assert written == ["patient-a.json", "pgx-panel.json"]
    plan = json.loads(next((tmp_path / "out" / "plans").rglob("pgx-panel.json")).read_text(encoding="utf-8"))
    _, single, _ = run("generate", str(BUNDLES / "pgx-panel.json"), "--format", "json")
    assert sorted(r["id"] for r in plan["recommendations"]) == sorted(r["id"] for r in json.loads(single)
                                                                      ["recommendations"])


def test_an_ndjson_line_holding_a_bad_bundle_is_located_at_its_line(default_generator: Generator) -> None:
    bad_bundle = _example_bundle("patient-a")
    bad_bundle["entry"].append({"resource": {"resourceType": "NotAThing"}})
    record = Record(1, "cohort.ndjson", 2, text=json.dumps(bad_bundle))
    with pytest.raises(DiagnosticError) as refused:
        load_batch_record(record, default_generator.patient_model)
    assert refused.value.report().startswith("cohort.ndjson:2:") and "fhir.unknown-type" in refused.value.report()
    good = Record(0, "cohort.ndjson", 1, text=json.dumps(_example_bundle("patient-b")))
    assert load_batch_record(good, default_generator.patient_model).id == "patient-b"
