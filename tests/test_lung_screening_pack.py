"""Issue 15's test of done: lung cancer screening with pack-years added to a pack by YAML only.

The pack below declares its own patient fields (age; smoking, pack-years, a quit date and the
years since quitting, computed against the file's as_of date), maps SNOMED CT's cigarette
pack-years code to pack_years, and holds one rule: USPSTF 2021 (JAMA 2021;325(10):962-970),
annual low-dose CT for adults 50 to 80 with at least 20 pack-years who smoke now or quit within
the past 15 years (grade B). No Python in it. Each test runs the command line as a user does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from tests.batch_helpers import careplan
from tests.packs import write_pack

runner = CliRunner()

FIELDS = """\
demographics:
  fact: patient
  fields:
    age: {type: integer, unit: years, range: [0, 120], description: age in whole years}
lifestyle:
  fact: lifestyle
  fields:
    smoking: {type: one-of, values: [current, former, never]}
    pack_years:
      type: number
      unit: pack-years
      range: [0, 300]
      places: 1
      description: packs a day times years smoked
    quit_date: {type: date, description: when a former smoker stopped}
    years_since_quit:
      type: integer
      years_since: quit_date
      description: completed years from quit_date to the file's as_of date
"""
OBSERVATIONS = "system,code,section,field,unit\nhttp://snomed.info/sct,401201003,lifestyle,pack_years,{pack-years}\n"
RULE = """\
id: lung.ldct-screening
title: Annual low-dose CT lung cancer screening
version: 1.0.0
evidence:
  source: USPSTF
  citation: >-
    US Preventive Services Task Force. Screening for Lung Cancer: US Preventive Services Task Force
    Recommendation Statement. JAMA. 2021;325(10):962-970
  url: https://www.uspreventiveservicestaskforce.org/uspstf/recommendation/lung-cancer-screening
  strength: moderate
  note: "Grade B. Stop once the person has not smoked for 15 years, hence fewer than 15 completed years since quitting"
when:
  all:
    - patient: {age: {between: [50, 80]}}
  any:
    - lifestyle: {smoking: current, pack_years: {ge: 20}, as: s}
    - lifestyle: {smoking: former, pack_years: {ge: 20}, years_since_quit: {lt: 15}, as: s}
then:
  - recommend:
      id: lung.ldct
      category: screening
      action: test
      text: "{s.pack_years} pack-years: annual low-dose CT screening for lung cancer"
tests:
  - name: quit 14 years ago
    given: {as_of: 2026-06-01, demographics: {age: 62},
            lifestyle: {smoking: former, pack_years: 30, quit_date: 2012-01-15}}
    expect: fires
  - name: quit 16 years ago
    given: {as_of: 2026-06-01, demographics: {age: 62},
            lifestyle: {smoking: former, pack_years: 30, quit_date: 2010-05-31}}
    expect: does_not_fire
"""


def _lung_pack(root: Path) -> Path:
    pack = write_pack(root, {"ldct-screening": RULE},
                      files={"knowledge/fields.yaml": FIELDS, "knowledge/observations.csv": OBSERVATIONS})
    (pack / "pack.yaml").write_text("name: lung\nversion: 0.1.0\n", encoding="utf-8")
    assert not list(pack.rglob("*.py"))
    return pack


def _patient(folder: Path, text: str) -> Path:
    path = folder / "patient.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _recommendations(pack: Path, patient: Path) -> tuple[int, list[str], str]:
    result = runner.invoke(cli.app, ["generate", str(patient), "--pack", str(pack), "--format", "json"])
    if result.exit_code != 0:
        return result.exit_code, [], result.stderr
    return 0, [r["id"] for r in json.loads(result.stdout)["recommendations"]], result.stderr


@pytest.fixture
def lung(tmp_path: Path) -> Path:
    return _lung_pack(tmp_path / "lung")


def test_a_current_smoker_with_20_pack_years_is_offered_screening(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p1\ndemographics: {age: 60}\nlifestyle: {smoking: current, pack_years: 20}\n")
    assert _recommendations(lung, patient)[:2] == (0, ["lung.ldct"])


def test_a_former_smoker_is_screened_for_fewer_than_15_years_after_quitting(lung: Path, tmp_path: Path) -> None:
    fourteen = _patient(tmp_path, "id: p2\nas_of: 2026-06-01\ndemographics: {age: 66}\n"
                                  "lifestyle: {smoking: former, pack_years: 35, quit_date: 2012-01-15}\n")
    assert _recommendations(lung, fourteen)[:2] == (0, ["lung.ldct"])
    sixteen = _patient(tmp_path, "id: p3\nas_of: 2026-06-01\ndemographics: {age: 66}\n"
                                 "lifestyle: {smoking: former, pack_years: 35, quit_date: 2010-05-31}\n")
    assert _recommendations(lung, sixteen)[:2] == (0, [])


def test_too_few_pack_years_or_too_young_is_not_screened(lung: Path, tmp_path: Path) -> None:
    light = _patient(tmp_path, "id: p4\ndemographics: {age: 60}\nlifestyle: {smoking: current, pack_years: 19.9}\n")
    assert _recommendations(lung, light)[:2] == (0, [])
    young = _patient(tmp_path, "id: p5\ndemographics: {age: 49}\nlifestyle: {smoking: current, pack_years: 40}\n")
    assert _recommendations(lung, young)[:2] == (0, [])


def test_pack_years_from_a_coded_observation(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p6\ndemographics: {age: 70}\nlifestyle: {smoking: current}\nobservations:\n"
                                 "  - {code: {system: http://snomed.info/sct, code: '401201003'}, value: 45,"
                                 " unit: '{pack-years}', date: 2026-03-01}\n")
    assert _recommendations(lung, patient)[:2] == (0, ["lung.ldct"])


def test_an_observation_in_the_wrong_unit_is_refused_naming_it(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p7\ndemographics: {age: 70}\nobservations:\n"
                                 "  - {code: {system: http://snomed.info/sct, code: '401201003'}, value: 45,"
                                 " unit: 'packs/day'}\n")
    code, _, err = _recommendations(lung, patient)
    assert code == 2
    assert "patient.yaml:4:5:" in err and "observations[0]: the unit of http://snomed.info/sct|401201003 must be " \
        "'{pack-years}' (it fills lifestyle.pack_years)" in err
    assert "packs/day" not in err.split("observations[0]:")[1].split("\n")[0]


def test_an_unmapped_observation_is_a_located_warning_and_not_used(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p8\ndemographics: {age: 70}\nlifestyle: {smoking: current}\nobservations:\n"
                                 "  - {code: {system: http://loinc.org, code: 2085-9}, value: 45, unit: mg/dL}\n")
    code, ids, err = _recommendations(lung, patient)
    assert (code, ids) == (0, [])
    assert "patient.yaml:5:12: warning[patient.unmapped-observation] observations[0].code:" in err


def test_a_quit_date_without_as_of_is_refused_never_counted_from_today(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p9\ndemographics: {age: 66}\n"
                                 "lifestyle: {smoking: former, pack_years: 35, quit_date: 2012-01-15}\n")
    code, _, err = _recommendations(lung, patient)
    assert code == 2
    assert "as_of (YYYY-MM-DD) is needed: lifestyle.years_since_quit is computed from lifestyle.quit_date" in err
    assert "2012" not in err


def test_a_field_the_pack_does_not_declare_is_an_unknown_key(lung: Path, tmp_path: Path) -> None:
    patient = _patient(tmp_path, "id: p10\nlifestyle: {smoking: current, pack_yaers: 30}\n")
    code, _, err = _recommendations(lung, patient)
    assert code == 2
    assert "patient.yaml:2:31: error[patient.unknown-key] lifestyle.pack_yaers:" in err
    assert "did you mean 'pack_years'?" in err


def test_the_pack_validates_with_its_inline_tests_on_its_own_fields(lung: Path) -> None:
    result = runner.invoke(cli.app, ["validate", str(lung)])
    assert result.exit_code == 0, result.stderr
    assert "2/2 inline tests passed" in result.stdout


def test_the_patient_schema_is_the_packs(lung: Path) -> None:
    lung_schema = runner.invoke(cli.app, ["schema", "patient", "--pack", str(lung)])
    default_schema = runner.invoke(cli.app, ["schema", "patient"])
    assert lung_schema.exit_code == default_schema.exit_code == 0
    lifestyle = json.loads(lung_schema.stdout)["$defs"]["Lifestyle"]["properties"]
    assert set(lifestyle) == {"smoking", "pack_years", "quit_date"}
    default_lifestyle = json.loads(default_schema.stdout)["$defs"]["Lifestyle"]["properties"]
    assert "smoking" in default_lifestyle and "sleep_hours" in default_lifestyle  # the default pack's own fields


def test_batch_reads_records_with_the_packs_own_fields(lung: Path, tmp_path: Path) -> None:
    """A batch with --pack checks and plans each record against that pack's declared fields (in the
    worker processes too), so pack_years is a field there, not an unknown key."""
    cohort = tmp_path / "cohort.ndjson"
    cohort.write_text(
        '{"id": "heavy", "demographics": {"age": 60}, "lifestyle": {"smoking": "current", "pack_years": 30}}\n'
        '{"id": "light", "demographics": {"age": 60}, "lifestyle": {"smoking": "current", "pack_years": 5}}\n'
        '{"id": "typo", "demographics": {"age": 60}, "lifestyle": {"pack_yeras": 30}}\n', encoding="utf-8")
    out = tmp_path / "run"
    done = careplan("batch", str(cohort), "--out", str(out), "--pack", str(lung), "-j", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    plans = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (out / "plans").glob("*.json")}
    assert sorted(plans) == ["heavy", "light"]
    assert [r["id"] for r in plans["heavy"]["recommendations"]] == ["lung.ldct"]
    assert plans["light"]["recommendations"] == []
    errors = [json.loads(line) for line in (out / "errors.ndjson").read_text(encoding="utf-8").splitlines()]
    assert [(e["line"], "pack_yeras" in e["message"]) for e in errors] == [(3, True)]
