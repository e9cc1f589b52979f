"""Patient files: bad values are located by field path and line, and never echoed back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.patient.loader import load_patient, parse_patient
from engine.source.diagnostics import Diagnostic, DiagnosticError
from tests.patient_facts import facts_of


def _load(tmp_path: Path, name: str, text: str) -> list[Diagnostic]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load_patient(path, name)
    return caught.value.diagnostics


def test_systolic_out_of_range_names_field_range_and_line_not_value(tmp_path: Path) -> None:
    text = "id: p1\nvitals:\n  blood_pressure:\n    - {systolic: 400, diastolic: 80}\n"
    diagnostics = _load(tmp_path, "patient.yaml", text)
    assert len(diagnostics) == 1
    found = diagnostics[0]
    assert found.field_path == "vitals.blood_pressure[0].systolic"
    assert "50..300 mmHg" in found.message
    assert (found.location.path, found.location.line) == ("patient.yaml", 4)
    assert found.location.col == 18
    report = DiagnosticError(diagnostics).report()
    assert "400" not in report
    assert "vitals.blood_pressure[0].systolic" in report and "patient.yaml:4:" in report


def test_several_bad_values_are_reported_together_without_values(tmp_path: Path) -> None:
    text = ("id: p1\n"
            "demographics: {age: 131}\n"
            "vitals:\n"
            "  blood_pressure:\n"
            "    - {systolic: 120, diastolic: 80}\n"
            "    - {systolic: 317, diastolic: 80}\n"
            "labs: {hba1c_percent: 45.5, egfr: 0.25}\n")
    diagnostics = _load(tmp_path, "p.yaml", text)
    paths = {d.field_path: d.location.line for d in diagnostics}
    assert paths == {"demographics.age": 2, "vitals.blood_pressure[1].systolic": 6,
                     "labs.hba1c_percent": 7, "labs.egfr": 7}
    report = DiagnosticError(diagnostics).report()
    for value in ("131", "317", "45.5", "0.25"):
        assert value not in report


def test_age_in_words_names_the_field(tmp_path: Path) -> None:
    diagnostics = _load(tmp_path, "p.yaml", "id: p1\ndemographics:\n  age: fifty\n")
    assert [d.field_path for d in diagnostics] == ["demographics.age"]
    assert diagnostics[0].location.line == 3
    assert diagnostics[0].code == "patient.wrong-type"
    assert "fifty" not in DiagnosticError(diagnostics).report()


def test_a_number_in_quotes_is_refused(tmp_path: Path) -> None:
    text = "id: p1\nvitals:\n  blood_pressure:\n    - {systolic: '150', diastolic: 80}\n"
    diagnostics = _load(tmp_path, "p.yaml", text)
    assert [d.field_path for d in diagnostics] == ["vitals.blood_pressure[0].systolic"]


def test_an_unknown_section_gets_a_did_you_mean(tmp_path: Path) -> None:
    diagnostics = _load(tmp_path, "p.yaml", "id: p1\nvital:\n  height_cm: 170\n")
    assert len(diagnostics) == 1
    found = diagnostics[0]
    assert found.code == "patient.unknown-key"
    assert found.hint is not None and "did you mean 'vitals'" in found.hint
    assert (found.location.line, found.location.col) == (2, 1)


def test_an_unknown_nested_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    diagnostics = _load(tmp_path, "p.yaml", "id: p1\nlabs:\n  hba1c: 7.1\n")
    assert diagnostics[0].hint is not None and "hba1c_percent" in diagnostics[0].hint
    assert diagnostics[0].location.line == 3


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    diagnostics = _load(tmp_path, "p.yaml", "id: p1\nlabs: {egfr: 60}\nlabs: {egfr: 30}\n")
    assert diagnostics[0].code == "source.duplicate-key"
    assert diagnostics[0].location.line == 3


def test_a_missing_id_and_a_non_mapping_are_refused(tmp_path: Path) -> None:
    assert _load(tmp_path, "a.yaml", "labs: {egfr: 60}\n")[0].code == "patient.missing"
    assert _load(tmp_path, "b.yaml", "- just a list\n")[0].code == "patient.not-a-mapping"


def test_a_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as caught:
        load_patient(tmp_path / "nope.yaml", "nope.yaml")
    assert caught.value.diagnostics[0].code == "source.not-found"


def test_a_json_patient_file_works(tmp_path: Path) -> None:
    data = {"id": "p1", "demographics": {"age": 52, "sex": "male"},
            "vitals": {"blood_pressure": [{"systolic": 134, "diastolic": 86}, {"systolic": 136, "diastolic": 84}]},
            "labs": {"egfr": 88},
            "genotypes": [{"gene": "CYP2C19", "diplotype": "*1/*2"}]}
    json_path = tmp_path / "p.json"
    json_path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    yaml_path = tmp_path / "p.yaml"
    yaml_path.write_text(
        "id: p1\ndemographics: {age: 52, sex: male}\nvitals:\n  blood_pressure:\n"
        "    - {systolic: 134, diastolic: 86}\n    - {systolic: 136, diastolic: 84}\n"
        "labs: {egfr: 88}\ngenotypes: [{gene: CYP2C19, diplotype: '*1/*2'}]\n", encoding="utf-8")
    from_json, from_yaml = load_patient(json_path), load_patient(yaml_path)
    assert from_json == from_yaml
    assert facts_of(from_json) == facts_of(from_yaml)


def test_a_bad_json_patient_file_is_located(tmp_path: Path) -> None:
    text = '{"id": "p1",\n "vitals": {"blood_pressure": [{"systolic": 400, "diastolic": 80}]}}'
    diagnostics = _load(tmp_path, "p.json", text)
    assert [d.field_path for d in diagnostics] == ["vitals.blood_pressure[0].systolic"]
    assert diagnostics[0].location.line == 2
    assert "400" not in DiagnosticError(diagnostics).report()


def test_parse_patient_reports_the_display_name() -> None:
    with pytest.raises(DiagnosticError) as caught:
        parse_patient("id: p1\nstress: {phq9: 30}\n", "from-stdin")
    found = caught.value.diagnostics[0]
    assert (found.location.path, found.location.line, found.field_path) == ("from-stdin", 2, "stress.phq9")
    assert "0..27" in found.message and "30" not in found.message


# ---- cancer fields (oncology domain; docs/oncology.md) --------------------------------------

def _cancer_facts(text: str) -> list[dict[str, object]]:
    patient = parse_patient(text, "p.yaml")
    return [dict(f.values) for f in facts_of(patient) if f.type in ("cancer", "somatic_variant")]


def test_new_cancer_fields_load_and_reach_the_facts() -> None:
    facts = _cancer_facts(
        "id: p1\ncancer:\n  - type: NSCLC\n    stage: IVB\n    pd_l1_tps_percent: 80\n"
        "    biomarker_testing: pending\n    tumour_size_mm: 31.5\n"
        "    somatic_variants: [{gene: egfr, variant: p.l858r}, {gene: ALK, variant: Rearrangement}]\n")
    cancer = next(f for f in facts if "stage" in f)
    assert cancer == {"type": "non-small cell lung", "stage": "IVB", "stage_group": 4, "pd_l1_tps_percent": 80.0,
                      "biomarker_testing": "pending", "tumour_size_mm": 31.5}
    variants = sorted((f["gene"], f["variant"]) for f in facts if "gene" in f)
    assert variants == [("ALK", "fusion"), ("EGFR", "L858R")]
    assert all(f["cancer_type"] == "non-small cell lung" and f["cancer_stage_group"] == 4 for f in facts if "gene" in f)


@pytest.mark.parametrize(("written", "site"), [
    ("Breast cancer", "breast"), ("CRC", "colorectal"), ("non-small-cell lung cancer", "non-small cell lung"),
    ("colon", "colon")])
def test_cancer_type_is_canonical(written: str, site: str) -> None:
    assert _cancer_facts(f"id: p1\ncancer: [{{type: {written}}}]\n") == [{"type": site}]


@pytest.mark.parametrize(("stage", "group"), [("0", 0), ("I", 1), ("IA2", 1), ("IIC", 2), ("IIIB", 3), ("IV", 4)])
def test_stage_group_comes_from_the_roman_numeral(stage: str, group: int) -> None:
    facts = _cancer_facts(f"id: p1\ncancer: [{{type: colon, stage: '{stage}'}}]\n")
    assert facts[0]["stage_group"] == group


def test_cancer_values_out_of_range_or_vocabulary_are_located_without_the_value(tmp_path: Path) -> None:
    text = ("id: p1\ncancer:\n  - type: colon\n    stage: stage-two\n    msi_status: unstable\n"
            "    pd_l1_tps_percent: 140\n    tumour_size_mm: -7\n    biomarker_testing: ordered\n")
    diagnostics = _load(tmp_path, "p.yaml", text)
    found = {d.field_path: d.location.line for d in diagnostics}
    assert found == {"cancer[0].stage": 4, "cancer[0].msi_status": 5, "cancer[0].pd_l1_tps_percent": 6,
                     "cancer[0].tumour_size_mm": 7, "cancer[0].biomarker_testing": 8}
    report = DiagnosticError(diagnostics).report()
    for value in ("stage-two", "140", "-7", "unstable", "ordered"):
        assert value not in report
    assert "0..100 %" in report


def test_an_empty_cancer_type_is_refused(tmp_path: Path) -> None:
    diagnostics = _load(tmp_path, "p.yaml", "id: p1\ncancer: [{type: ''}]\n")
    assert [d.field_path for d in diagnostics] == ["cancer[0].type"]
