"""``careplan test``: output assertions, todo, sidecar files, -k, json, exit codes, located bad input.

Each pack here is small and written to a temporary directory: one rule that recommends a dose
reduction when eGFR is under 30, with tests that say what the plan must hold. A test whose
assertion is wrong (strength moderate, where the rule says strong) must fail with exit 1 and the
report must show where it is written, what was expected and what the plan holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

import cli
from tests.packs import rule_doc, write_pack

RUNNER = CliRunner()
RECOMMEND = {"recommend": {"category": "medication", "action": "reduce-dose", "drug": "metformin",
                           "strength": "strong", "text": "kidney function is low: reduce metformin"}}
LOW = {"labs": {"egfr": 20}, "medications": [{"name": "metformin", "status": "active"}]}
NORMAL = {"labs": {"egfr": 90}, "medications": [{"name": "metformin", "status": "active"}]}


def _rule(tests: list[dict[str, Any]]) -> dict[str, Any]:
    doc = rule_doc("t.metformin-kidney", {"all": [{"lab": {"name": "egfr", "value": {"lt": 30}}},
                                                 {"medication": {"name": "metformin"}}]}, [RECOMMEND])
    doc["tests"] = tests
    return doc


FIRES = {"name": "low eGFR", "given": LOW,
         "expect": {"recommends": {"drug": "metformin", "action": "reduce-dose", "strength": "strong"},
                    "text_contains": "reduce metformin"}}
QUIET = {"name": "normal eGFR", "given": NORMAL, "expect": "does_not_fire"}


def _pack(tmp_path: Path, tests: list[dict[str, Any]], files: dict[str, str] | None = None) -> Path:
    return write_pack(tmp_path / "pack", {"metformin": _rule(tests)}, files=files)


def _run(*args: str) -> Any:
    return RUNNER.invoke(cli.app, list(args))


def test_output_assertions_pass_and_exit_0(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [FIRES, QUIET])
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed, 0 todo" in result.output


def test_a_wrong_assertion_fails_with_expected_got_trace_and_location(tmp_path: Path) -> None:
    wrong = {**FIRES, "name": "wrong strength",
             "expect": {"recommends": {"drug": "metformin", "strength": "moderate"}}}
    pack = _pack(tmp_path, [FIRES, QUIET, wrong])
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    head = [line for line in lines if "FAIL" in line]
    written = (pack / "rules" / "metformin.yaml").read_text(encoding="utf-8").splitlines()
    line = written.index("- name: wrong strength") + 1  # the test's list item, where the report points
    assert head == [f"rules/metformin.yaml:{line}:3: FAIL t.metformin-kidney: wrong strength"], result.output
    assert "    expected: {drug: metformin, strength: moderate}" in lines
    assert ("    got:      t.metformin-kidney {action: reduce-dose, drug: metformin, strength: strong, "
            "category: medication}") in lines
    assert "  trace:" in lines and any("matched: " in line for line in lines)
    assert "2 passed, 1 failed, 0 todo (3 tests in 1 files)" in result.output


def test_a_rule_that_does_not_fire_reports_why_not(tmp_path: Path) -> None:
    wrong = {"name": "normal eGFR expected to fire", "given": NORMAL, "expect": "fires"}
    pack = _pack(tmp_path, [FIRES, QUIET, wrong])
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 1
    assert "  why not:" in result.output
    assert "value: wanted < 30, got 90" in result.output


def test_todo_is_reported_never_a_failure(tmp_path: Path) -> None:
    later = {"name": "metformin stop at eGFR under 15", "given": LOW,
             "expect": {"todo": "the stop rule is not written yet", "recommends": {"action": "stop"}}}
    bare = {"name": "dialysis", "given": LOW, "expect": "todo"}
    pack = _pack(tmp_path, [FIRES, QUIET, later, bare])
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 0, result.output
    assert "TODO t.metformin-kidney: metformin stop at eGFR under 15" in result.output
    assert "2 passed, 0 failed, 2 todo" in result.output


def test_k_selects_tests_and_json_reports_them(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [FIRES, QUIET])
    result = _run("test", "--pack", str(pack), "-k", "NORMAL", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [r["test"] for r in document["results"]] == ["normal eGFR"]
    assert document["totals"] == {"passed": 1, "failed": 0, "todo": 0, "tests": 1}
    assert document["results"][0]["fired"] is False


def test_json_failure_carries_mismatches(tmp_path: Path) -> None:
    wrong = {**FIRES, "name": "wrong action", "expect": {"recommends": {"action": "stop"}}}
    pack = _pack(tmp_path, [FIRES, QUIET, wrong])
    result = _run("test", "--pack", str(pack), "--format", "json", "-k", "wrong")
    assert result.exit_code == 1
    [failed] = json.loads(result.output)["results"]
    assert failed["status"] == "failed" and failed["code"] == "test.expected-output"
    assert failed["mismatches"][0]["what"] == "recommends"
    assert failed["mismatches"][0]["expected"] == "{action: stop}"


def test_unknown_key_in_expect_is_exit_2_with_did_you_mean(tmp_path: Path) -> None:
    typo = {**FIRES, "name": "typo", "expect": {"recomends": {"drug": "metformin"}}}
    pack = _pack(tmp_path, [FIRES, QUIET, typo])
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 2
    assert "rules/metformin.yaml:" in result.output and "error[schema.unknown-key]" in result.output
    assert "did you mean 'recommends'?" in result.output
    assert "Traceback" not in result.output


def test_sidecar_tests_run_and_an_unknown_rule_is_exit_2(tmp_path: Path) -> None:
    sidecar = [{"rule": "t.metformin-kidney", "name": "sidecar fires", "given": LOW,
                "expect": {"recommends": {"drug": "metformin"}}},
               {"rule": "t.metformin-kidney", "name": "sidecar wrong", "given": NORMAL, "expect": "fires"}]
    pack = _pack(tmp_path, [FIRES, QUIET], {"rules/metformin.tests.yaml": yaml.safe_dump(sidecar)})
    result = _run("test", "--pack", str(pack))
    assert result.exit_code == 1
    assert "3 passed, 1 failed, 0 todo (4 tests in 2 files)" in result.output
    assert "rules/metformin.tests.yaml:" in result.output and "FAIL t.metformin-kidney: sidecar wrong" in result.output
    only = _run("test", str(pack / "rules" / "metformin.yaml"), "--pack", str(pack))
    assert only.exit_code == 0 and "2 passed" in only.output
    misspelt = [{**sidecar[0], "rule": "t.metformin-kidny"}]
    (pack / "rules" / "metformin.tests.yaml").write_text(yaml.safe_dump(misspelt), encoding="utf-8")
    bad = _run("test", "--pack", str(pack))
    assert bad.exit_code == 2
    assert "error[test.unknown-rule]" in bad.output and "did you mean 't.metformin-kidney'?" in bad.output


def test_validate_runs_sidecar_tests(tmp_path: Path) -> None:
    sidecar = [{"rule": "t.metformin-kidney", "name": "sidecar wrong", "given": LOW,
                "expect": {"recommends": {"strength": "weak"}}}]
    pack = _pack(tmp_path, [FIRES, QUIET], {"rules/metformin.tests.yaml": yaml.safe_dump(sidecar)})
    result = _run("validate", str(pack))
    assert result.exit_code == 2
    assert "rules/metformin.tests.yaml:1:3: error[test.expected-output] t.metformin-kidney:" in result.output


def test_a_path_outside_rules_is_exit_2(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [FIRES, QUIET])
    result = _run("test", str(tmp_path), "--pack", str(pack))
    assert result.exit_code == 2 and "error[usage.bad-path]" in result.output


def test_shipped_pack_rule_file(tmp_path: Path) -> None:
    warfarin = Path(__file__).resolve().parent.parent / "rules" / "pgx" / "warfarin.yaml"
    assert warfarin.is_file()
    result = _run("test", str(warfarin))
    assert result.exit_code == 0, result.output
    assert " 0 failed, 0 todo" in result.output and "passed" in result.output
