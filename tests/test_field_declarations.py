"""The broken corpus's field cases (tests/broken/fields-*/), run here over a small pack of their own.

Each case is laid over a valid pack whose one rule reads only structural facts, and must exit 2
with ``FILE:LINE:`` and its code on one line, as tests/test_broken_corpus.py runs every case over
tests/broken/_base/. Also: what a correct declaration gives (a field, its fact, its schema).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cli
from engine.facts.field_file import declarations_of
from engine.facts.fields import ValueType
from engine.patient.declared import patient_model
from tests.packs import rule_doc, write_pack

CORPUS = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in CORPUS.glob("fields-*") if p.is_dir())
runner = CliRunner()


def _base(root: Path) -> Path:
    rule = rule_doc("demo.high-bp", {"all": [{"blood_pressure": {"systolic": {"ge": 140}}}]})
    rule["tests"] = [
        {"name": "high", "given": {"vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 90}]}},
         "expect": "fires"},
        {"name": "normal", "given": {"vitals": {"blood_pressure": [{"systolic": 120, "diastolic": 70}]}},
         "expect": "does_not_fire"}]
    (root / "rules" / "demo").mkdir(parents=True)
    return write_pack(root, {"demo/high-bp": rule})


def _run(case: Path, pack: Path) -> tuple[int, str, dict[str, Any]]:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    for path in sorted(case.rglob("*")):
        if path.is_file() and path.name != "expect.yaml":
            target = pack / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    args = (["generate", str(pack / expect["patient"]), "--pack", str(pack)] if expect.get("command") == "generate"
            else ["validate", str(pack)])
    result = runner.invoke(cli.app, args)
    return result.exit_code, result.stdout + result.stderr, expect


def test_there_are_at_least_eight_field_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("name", CASES)
def test_a_broken_field_case_is_reported_where_it_is(name: str, tmp_path: Path) -> None:
    code, output, expect = _run(CORPUS / name, _base(tmp_path / "pack"))
    place = f"{expect['file']}:{expect['line']}:"
    assert code == 2, output
    assert any(place in line and expect["code"] in line for line in output.splitlines()), output


def test_the_harness_fails_on_a_good_pack(tmp_path: Path) -> None:
    good = tmp_path / "good"
    (good / "knowledge").mkdir(parents=True)
    (good / "knowledge" / "fields.yaml").write_text(
        "lifestyle:\n  fields:\n    pack_years: {type: number, range: [0, 300]}\n", encoding="utf-8")
    (good / "expect.yaml").write_text("code: fields.duplicate\nfile: knowledge/fields.yaml\nline: 3\n",
                                      encoding="utf-8")
    code, output, _ = _run(good, _base(tmp_path / "pack"))
    assert code == 0, output


def test_a_good_declaration_gives_the_field_its_fact_and_its_schema(tmp_path: Path) -> None:
    pack = _base(tmp_path / "pack")
    (pack / "knowledge" / "fields.yaml").write_text(
        "lifestyle:\n  fields:\n    pack_years: {type: number, unit: pack-years, range: [0, 300], places: 1}\n",
        encoding="utf-8")
    declarations = declarations_of(pack)
    spec = declarations.field("lifestyle", "pack_years")
    assert spec is not None and (spec.type, spec.low, spec.high, spec.unit) == (ValueType.NUMBER, 0, 300, "pack-years")
    schema = patient_model(declarations).model_json_schema()
    assert schema["$defs"]["Lifestyle"]["properties"]["pack_years"]["anyOf"][0]["maximum"] == 300
