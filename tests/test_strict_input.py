"""Patient files are read strictly (docs/contract.md, section 2), as a user meets it on the command line.

Every refusal exits 2 with ``file:line:col: error[code] field: message`` and a hint, and
never repeats the value the file holds: it may identify the patient.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from engine.patient.loader import load_patient
from engine.source.diagnostics import DiagnosticError
from engine.source.document import parse_text
from tests.packs import write_pack

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z.-]+)\](?: (?P<field>\S+):)? \S")


def generate(path: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, ["generate", str(path), "--format", "json", *extra])
    return result.exit_code, result.stdout, result.stderr


def refused(tmp_path: Path, text: str, *, name: str = "p.yaml") -> tuple[str, list[re.Match[str]]]:
    """Run generate on the text; assert the shape of a bad-input refusal and return stderr."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = generate(tmp_path / name)
    err = err.replace(str(tmp_path) + os.sep, "")
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err and "hint: " in err
    return err, [m for m in (LINE.match(line) for line in err.splitlines()) if m]


def only(err: str, lines: list[re.Match[str]], *, line: int, field: str, code: str, value: str) -> None:
    assert [(m["file"], int(m["line"]), m["field"], m["code"]) for m in lines] == [("p.yaml", line, field, code)], err
    assert value not in err, err


# -- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "code", "hidden"), [
    ("0137", "source.leading-zero", "137"),  # YAML 1.1: octal 95
    ("-0137.5", "source.leading-zero", "137"),
    ("1:37", "source.sexagesimal", "97"),  # YAML 1.1: 97
    ("1:37:00", "source.sexagesimal", "1:37"),
    ("0x5F", "source.number-base", "5F"),
    ("0o137", "source.number-base", "137"),
    ("1_37", "source.digit-separator", "1_37"),
    ("1e999", "source.number-overflow", "999"),
    ("1e-999", "source.number-underflow", "999"),
    ("7" * 4301, "source.number-too-long", "7777"),
])
def test_numbers_yaml_1_1_would_guess_at_are_refused(tmp_path: Path, written: str, code: str, hidden: str) -> None:
    err, lines = refused(tmp_path, f"id: p\nlabs:\n  egfr: {written}\n")
    only(err, lines, line=3, field="labs.egfr", code=code, value=hidden)


def test_an_exponent_is_a_number_in_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "id: p\ndemographics: {age: 45}\nvitals: {height_cm: 1.7e2, weight_kg: 72E0}\nlabs: {egfr: 6e+1}\n")
    (tmp_path / "p.json").write_text('{"id": "p", "demographics": {"age": 45}, '
                                     '"vitals": {"height_cm": 1.7e2, "weight_kg": 7.2E1}, "labs": {"egfr": 6e1}}')
    for name in ("p.yaml", "p.json"):
        patient = load_patient(tmp_path / name)
        egfr = patient.value("labs", "egfr")
        assert (patient.vitals.height_cm, patient.vitals.weight_kg, egfr) == (170.0, 72.0, 60.0)
        code, out, err = generate(tmp_path / name)
        assert code == 0, err
        bmi = [a for a in json.loads(out)["assessments"] if a["kind"] == "bmi-category"]
        assert bmi and "24.9" in json.dumps(bmi), bmi


def test_a_number_in_a_text_field_keeps_its_text_when_quoted(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("id: '0137'\nmedications: [{name: x, indication: '1:30'}]\n")
    patient = load_patient(tmp_path / "p.yaml")
    assert patient.id == "0137" and patient.medications[0].indication == "1:30"


def test_a_huge_integer_in_a_decimal_field_is_out_of_range_not_a_crash(tmp_path: Path) -> None:
    err, lines = refused(tmp_path, f"id: p\nlifestyle:\n  sleep_hours: {'8' * 400}\n")
    only(err, lines, line=3, field="lifestyle.sleep_hours", code="patient.range", value="8888")
    assert "0..24 hours/night" in err


def test_a_value_the_engine_would_round_to_zero_is_refused(tmp_path: Path) -> None:
    err, lines = refused(tmp_path, "id: p\nlabs:\n  urine_acr_mg_g: 0.0031\n")
    only(err, lines, line=3, field="labs.urine_acr_mg_g", code="patient.range", value="0031")


# -- booleans and dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["yes", "NO", "On", "off", "Yes"])
def test_only_true_and_false_are_booleans(tmp_path: Path, written: str) -> None:
    err, lines = refused(tmp_path, f"id: p\ndemographics:\n  pregnant: {written}\n")
    only(err, lines, line=3, field="demographics.pregnant", code="patient.wrong-type", value=written)
    assert "write true or false" in err


@pytest.mark.parametrize(("written", "code"), [
    ("2026-02-30", "source.bad-date"), ("2026-13-01", "source.bad-date"), ("2026-9-01", "patient.wrong-type"),
    ("20260901", "patient.wrong-type"), ("'2026-02-30'", "patient.invalid"),
    ("2026-09-01T10:00:00Z", "patient.wrong-type"),
])
def test_impossible_or_malformed_dates_are_located(tmp_path: Path, written: str, code: str) -> None:
    text = f"id: p\nvitals:\n  blood_pressure:\n    - systolic: 150\n      diastolic: 90\n      date: {written}\n"
    err, lines = refused(tmp_path, text)
    only(err, lines, line=6, field="vitals.blood_pressure[0].date", code=code, value=written.strip("'"))


def test_an_impossible_date_in_json_is_located(tmp_path: Path) -> None:
    text = '{"id": "p",\n "vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 90, "date": "2026-02-29"}]}}'
    err, lines = refused(tmp_path, text, name="p.json")
    assert [(m["file"], int(m["line"]), m["field"]) for m in lines] == [("p.json", 2, "vitals.blood_pressure[0].date")]
    assert "2026-02-29" not in err


# -- tags, anchors and aliases --------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "!!float 163", "!!int 163", "!!str 163", "!!timestamp 2026-01-01", "!!binary aGVsbG8=", "!custom 163",
    "! 163", "!!python/object/apply:os.system ['echo 163']", "!!python/name:os.system", "!!set {163: null}",
])
def test_explicit_tags_are_refused_without_the_value(tmp_path: Path, written: str) -> None:
    err, lines = refused(tmp_path, f"id: p\nvitals:\n  height_cm: {written}\n")
    only(err, lines, line=3, field="vitals.height_cm", code="source.tag", value="163")
    assert "aGVsbG8" not in err and "os.system" not in err


def test_anchors_and_aliases_are_refused_in_a_patient_file(tmp_path: Path) -> None:
    err, lines = refused(tmp_path, "id: p\nlabs: {egfr: 61}\nvitals: &shared {height_cm: 163}\nstress: *shared\n")
    only(err, lines, line=3, field="vitals", code="source.anchor", value="163")


BILLION_LAUGHS = "\n".join(
    [f'{a}: &{a} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]' if a == "a" else
     f"{a}: &{a} [{','.join([f'*{p}'] * 9)}]" for p, a in zip("_abcdefgh", "abcdefghi", strict=True)]
    + ["id: p", "preferences: {goals: *i}"]) + "\n"


def test_a_billion_laughs_is_refused_in_a_patient_file(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS.encode()) < 600
    _, lines = refused(tmp_path, BILLION_LAUGHS)
    assert [(m["line"], m["code"]) for m in lines] == [("1", "source.anchor")]


def test_a_billion_laughs_in_a_rule_file_is_refused_before_it_expands(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack", {"bomb": "# a rule file\n" + BILLION_LAUGHS})
    patient = ROOT / "examples" / "patient-a.yaml"
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "generate", str(patient), "--pack", str(pack)],
                          capture_output=True, text=True, timeout=120, check=False)  # a hang guard, not a timing
    assert done.returncode == 2, done.stderr[-2000:]
    assert "rules/bomb.yaml:" in done.stderr and "error[source.alias-expansion]" in done.stderr
    assert "10,000 values" in done.stderr and "Traceback" not in done.stderr


def test_aliases_within_the_limit_still_work_in_rule_files() -> None:
    doc = parse_text("base: &b {x: 1, y: [2, 3]}\ncopy: *b\n", "r.yaml")
    assert doc.data == {"base": {"x": 1, "y": [2, 3]}, "copy": {"x": 1, "y": [2, 3]}}
    assert doc.data["copy"] is not doc.data["base"]
    assert doc.locate(["copy", "y", 1]).line == 1 and doc.locate(["copy"]).col == 7


# -- structure, size and kinds of file ------------------------------------------------------------

def test_the_key_written_is_the_key_reported(tmp_path: Path) -> None:
    written_meant = (("Height_cm", "height_cm"), ("blood-pressure", "blood_pressure"), ("WEIGHT_KG", "weight_kg"))
    for written, meant in written_meant:
        err, lines = refused(tmp_path, f"id: p\nvitals:\n  {written}: 163\n")
        only(err, lines, line=3, field=f"vitals.{written}", code="patient.unknown-key", value="163")
        assert f"did you mean '{meant}'" in err
        assert "unknown key 'vitals'" not in err


@pytest.mark.parametrize(("section", "item", "limit"), [
    ("medications", "{name: x}", 1000), ("genotypes", "{gene: CYP2D6, result: positive}", 1000),
    ("family_history", "{relative: aunt, condition: breast cancer}", 1000), ("allergies", "x", 500),
])
def test_lists_are_bounded_and_the_limit_is_named(tmp_path: Path, section: str, item: str, limit: int) -> None:
    items = ", ".join([item] * (limit + 1))
    err, lines = refused(tmp_path, f"id: p\n{section}: [{items}]\n")
    only(err, lines, line=2, field=section, code="patient.too-long", value="aunt")
    assert f"at most {limit} items" in err


def test_readings_are_bounded(tmp_path: Path) -> None:
    readings = ", ".join(["{systolic: 131, diastolic: 81}"] * 1001)
    err, lines = refused(tmp_path, f"id: p\nvitals:\n  blood_pressure: [{readings}]\n")
    only(err, lines, line=3, field="vitals.blood_pressure", code="patient.too-long", value="131")


def test_deep_nesting_is_refused_early(tmp_path: Path) -> None:
    err, lines = refused(tmp_path, "id: p\nconditions: " + "[" * 40 + "]" * 40 + "\n")
    assert [(m["line"], m["code"]) for m in lines] == [("2", "source.too-deep")]
    assert "32 levels" in err
    err, lines = refused(tmp_path, "id: p\nconditions: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert [m["line"] for m in lines] == ["2"]  # the parser's own limit (1,000 levels) may come first


def test_a_second_document_is_refused(tmp_path: Path) -> None:
    _, lines = refused(tmp_path, "id: p\n---\nid: q\n")
    assert [(m["line"], m["code"]) for m in lines] == [("2", "source.several-documents")]


def test_a_file_over_the_size_limit_is_refused_by_name_of_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: p\nconditions:\n" + "  - hypertension\n" * 400_000)
    code, out, err = generate(path)
    assert code == 2 and out == ""
    assert "error[source.too-large]" in err and "5 MiB, the limit for a patient file" in err
    assert "hypertension" not in err


def _cli(path: str) -> subprocess.CompletedProcess[str]:
    """A real process: a reader that blocks on a FIFO or reads /dev/zero forever is stopped by the guard."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "generate", path], capture_output=True, text=True,
                          timeout=120, check=False)


def test_devices_fifos_and_directories_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "p.fifo"
    os.mkfifo(fifo)
    for path, kind in (("/dev/zero", "a device"), (str(fifo), "a pipe (FIFO)"), (str(tmp_path), "a directory")):
        done = _cli(path)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"{path}: error[source.not-a-file] this is {kind}, not a file"), done.stderr
        assert "hint: give the path of a patient file" in done.stderr and done.stdout == ""


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_bytes(b"id: p\nconditions: [caf\xe9]\n")
    code, _, err = generate(tmp_path / "p.yaml")
    assert code == 2 and "error[source.encoding]" in err


def test_every_refusal_is_one_record_per_problem_collected_together(tmp_path: Path) -> None:
    text = "id: p\nlabs:\n  egfr: 0137\n  ldl_mg_dl: 1:37\nvitals:\n  height_cm: !!float 163\n"
    err, lines = refused(tmp_path, text)
    assert [(int(m["line"]), m["code"]) for m in lines] == [
        (3, "source.leading-zero"), (4, "source.sexagesimal"), (6, "source.tag")]
    assert "3 errors, 0 warnings" in err


def test_the_parser_reports_problems_as_diagnostics_not_exceptions() -> None:
    for text in ("a: [1, 2", "a: b: c", "? [a]\n: 1\n", "a: *nowhere\n"):
        with pytest.raises(DiagnosticError) as caught:
            parse_text(text, "r.yaml")
        assert caught.value.diagnostics[0].location.path == "r.yaml"
