"""careplan lint: each check on a small pack, found and not found; the text and JSON output; exit
codes; validate failing on lint errors; and the shipped pack clean of errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from engine.authoring.lint import FILE_CHECKS, PACK_CHECKS, format_text
from engine.authoring.lint.bands import Band, scale_step
from engine.authoring.lint.finding import failing
from engine.authoring.lint.overridden import overridden
from engine.cli.app import app
from engine.lang.tables import TableRow
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from engine.source.diagnostics import Location
from tests.packs import rule_doc, write_pack

runner = CliRunner()
FLAG = {"bp_flag": {"label": "flag {value}", "fields": {"value": "text"}}}
BANDS_TABLE = {"file": "knowledge/demo/bands.csv", "key": ["band"],
               "columns": {"low": "number", "high": "number", "band": "text"}}
BANDS_WHEN = {"all": [{"blood_pressure": {"systolic": {"between": [{"column": "low"}, {"column": "high"}]}}}]}
ASSESS_BAND = [{"assess": {"kind": "bp-band", "value": {"column": "band"}}}]


GRADED = {"source": "test", "citation": "a test pack", "strength": "strong"}
ADULT_TESTS = [{"name": "an adult", "given": {"demographics": {"age": 30}}, "expect": "fires"},
               {"name": "a child", "given": {"demographics": {"age": 10}}, "expect": "does_not_fire"}]


def graded(rule_id: str, when: dict[str, Any], then: list[dict[str, Any]] | None = None,
           **extra: Any) -> dict[str, Any]:
    """A rule file whose evidence gives a strength (so lint.missing-strength stays quiet)."""
    return rule_doc(rule_id, when, then, **{"evidence": GRADED, **extra})


def lint(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lint", str(root), *args])
    return result.exit_code, result.stdout


def one_rule(tmp_path: Path, when: dict[str, Any], **extra: Any) -> Path:
    return write_pack(tmp_path, {"case": graded("case", when, **extra)})


def banded(tmp_path: Path, csv: str) -> Path:
    rule = graded("bands", BANDS_WHEN, ASSESS_BAND, table=BANDS_TABLE)
    return write_pack(tmp_path, {"bands": rule}, files={"knowledge/demo/bands.csv": csv})


def test_a_clean_pack_has_no_findings_and_exits_0(tmp_path: Path) -> None:
    root = one_rule(tmp_path, {"all": [{"lab": {"name": "egfr", "value": {"ge": 30, "le": 60}}}]})
    assert (root / "rules" / "case.yaml").is_file()
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_contradictory_bounds_are_an_error_at_the_field(tmp_path: Path) -> None:
    root = one_rule(tmp_path, {"all": [{"lab": {"name": "egfr", "value": {"gt": 60, "lt": 30}}}]})
    code, out = lint(root)
    assert code == 2
    assert out.startswith("rules/case.yaml:")
    assert "error lint.contradictory-bounds: case: lab.value: the lower bound is above the upper bound" in out
    assert "the rule never fires" in out


@pytest.mark.parametrize(("constraint", "reason"), [
    ({"eq": "active", "ne": "active"}, "ruled out by 'ne'"),
    ({"in": ["active", "planned"], "ne": "active"}, None),
    ({"in": ["active"], "ne": "active"}, "ruled out by 'ne'"),
    ({"exists": False, "ne": "stopped"}, "a missing field matches no comparison"),
])
def test_contradictions_of_eq_in_ne_and_exists(tmp_path: Path, constraint: dict[str, Any], reason: str | None) -> None:
    root = one_rule(tmp_path, {"all": [{"medication": {"status": constraint}}]})
    code, out = lint(root)
    if reason is None:  # one value (planned) is still allowed
        assert (code, out) == (0, "0 errors, 0 warnings, 0 infos\n")
    else:
        assert code == 2 and reason in out and "lint.contradictory-bounds" in out


def test_a_contradiction_under_none_says_the_exclusion_never_applies(tmp_path: Path) -> None:
    root = one_rule(tmp_path, {"all": [{"patient": {"age": {"ge": 18}}}],
                               "none": [{"lab": {"name": "egfr", "value": {"between": [60, 30]}}}]})
    code, out = lint(root)
    assert code == 2 and "lint.contradictory-bounds" in out and "the exclusion never applies" in out


def test_a_fact_type_nothing_produces(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"case": graded("case", {"all": [{"patient": {"age": {"ge": 18}}}],
                                                          "none": [{"bp_flag": {"value": "treated"}}]})},
                      fact_types=FLAG)
    code, out = lint(root)
    assert code == 2
    assert "rules/case.yaml:" in out and "error lint.never-produced" in out
    assert "no rule asserts 'bp_flag' and it is not an input, so the exclusion is always met" in out


def test_a_fact_type_a_rule_asserts_is_produced(tmp_path: Path) -> None:
    producer = graded("producer", {"all": [{"patient": {"age": {"ge": 18}}}]},
                        [{"assert": {"bp_flag": {"value": "treated"}}}])
    consumer = graded("consumer", {"all": [{"bp_flag": {"value": "treated"}}]})
    root = write_pack(tmp_path, {"producer": producer, "consumer": consumer}, fact_types=FLAG)
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_a_declared_fact_type_no_rule_reads_is_a_warning(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"case": graded("case", {"all": [{"patient": {"age": {"ge": 18}}}]})},
                      fact_types=FLAG)
    code, out = lint(root)
    assert code == 0  # a warning does not fail without --strict
    assert "knowledge/fact-types.yaml:1:1: warning lint.unused-fact-type: no rule reads the fact type 'bp_flag'" in out
    assert lint(root, "--strict")[0] == 2


def test_knowledge_no_rule_uses_is_a_warning_but_engine_tables_are_not(tmp_path: Path) -> None:
    root = one_rule(tmp_path, {"all": [{"patient": {"age": {"ge": 18}}}]})
    (root / "knowledge" / "old.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "knowledge" / "medications").mkdir()
    (root / "knowledge" / "medications" / "drug-classes.csv").write_text(
        "drug,class,lowers_bp\nlisinopril,ace-inhibitor,true\n", encoding="utf-8")
    code, out = lint(root)
    assert code == 0
    assert "knowledge/old.csv:1:1: warning lint.unused-knowledge" in out
    assert (root / "knowledge" / "medications" / "drug-classes.csv").is_file()
    assert "drug-classes.csv" not in out  # the engine reads it itself


def test_overlapping_bands_are_an_error_at_the_later_row(tmp_path: Path) -> None:
    root = banded(tmp_path, "low,high,band\n0,140,lower\n140,300,higher\n")
    code, out = lint(root)
    assert code == 2
    assert ("knowledge/demo/bands.csv:3: error lint.table-overlap: bands: the band of systolic in row 2 overlaps "
            "row 1 (knowledge/demo/bands.csv:2)") in out


def test_a_gap_between_bands_is_a_warning(tmp_path: Path) -> None:
    root = banded(tmp_path, "low,high,band\n0,129.9,lower\n140,300,higher\n")
    code, out = lint(root)
    assert code == 0 and "knowledge/demo/bands.csv:3: warning lint.table-gap" in out and "steps of 0.1" in out


def test_bands_that_meet_at_the_tables_resolution_are_clean(tmp_path: Path) -> None:
    root = banded(tmp_path, "low,high,band\n0,119.9,normal\n120,129.9,elevated\n130,300,high\n")
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_rows_that_hold_one_another_are_not_a_scale(tmp_path: Path) -> None:
    """Screening items by age (25-120 and 25-75) apply together: not bands, no overlap."""
    root = banded(tmp_path, "low,high,band\n25,120,exam\n25,75,mri\n30,75,mammogram\n")
    assert (root / "knowledge" / "demo" / "bands.csv").is_file()
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_the_step_of_a_scale_is_what_its_bounds_share() -> None:
    def bands(*pairs: tuple[float, float]) -> list[Band]:
        return [Band(TableRow(i, Location("t.csv", i + 1), {}), lo, hi) for i, (lo, hi) in enumerate(pairs)]
    assert scale_step(bands((0, 0.5), (1, 1.5), (2, 2)), integral=False) == 0.5  # CYP2C9 activity scores
    assert scale_step(bands((0, 0), (0.25, 1), (1.25, 2.25)), integral=False) == 0.25
    assert scale_step(bands((50, 119.9), (120, 129.9)), integral=False) == pytest.approx(0.1)
    assert scale_step(bands((0, 13), (14, 26)), integral=True) == 1.0


@pytest.mark.parametrize("second", [{"sex": "female"}, {"age": {"lt": 10}}])
def test_two_patterns_only_one_fact_could_meet(tmp_path: Path, second: dict[str, Any]) -> None:
    """One patient fact, whether or not one fact could pass both patterns."""
    root = one_rule(tmp_path, {"all": [{"patient": {"age": {"ge": 18}}}, {"patient": second}]})
    code, out = lint(root)
    assert code == 0
    assert "rules/case.yaml:" in out and "warning lint.same-fact-twice" in out
    assert "one fact never meets two patterns of a rule" in out


@pytest.mark.parametrize("patterns", [
    [{"lab": {"name": "egfr", "value": {"lt": 60}}}, {"lab": {"name": "ldl_mg_dl", "value": {"ge": 190}}}],
    [{"allele": {"slot": 1, "as": "a"}}, {"allele": {"slot": 2, "gene": {"ref": "a.gene"}}}],
    [{"medication": {"drug_class": "nsaid"}}, {"medication": {"drug_class": "arb"}}],
])
def test_two_patterns_that_two_facts_meet_are_fine(tmp_path: Path, patterns: list[dict[str, Any]]) -> None:
    root = one_rule(tmp_path, {"all": patterns})
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_a_duplicate_id_is_reported_at_both_files(tmp_path: Path) -> None:
    rule = graded("case", {"all": [{"patient": {"age": {"ge": 18}}}]})
    root = write_pack(tmp_path, {"case": rule, "copy": rule})
    code, out = lint(root)
    assert code == 2
    assert "rules/case.yaml:1:5: error lint.duplicate-id: case: the id is also used at rules/copy.yaml:1:5" in out
    assert "rules/copy.yaml:1:5: error lint.duplicate-id: case: the id is also used at rules/case.yaml:1:5" in out


def test_an_id_that_does_not_match_its_path(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"case": graded("other", {"all": [{"patient": {"age": {"ge": 18}}}]})})
    code, out = lint(root)
    assert code == 0
    assert "rules/case.yaml:1:5: warning lint.id-path: other: the id does not match the file's path" in out
    assert "expected 'case'" in out


def test_ids_in_folders_are_dotted_paths(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {})
    (root / "rules" / "bp").mkdir()
    rule = graded("bp.already-taking", {"all": [{"patient": {"age": {"ge": 18}}}]})
    (root / "rules" / "bp" / "already-taking.yaml").write_text(yaml.safe_dump(rule), encoding="utf-8")
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_a_recommendation_with_no_strength(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"case": rule_doc("case", {"all": [{"patient": {"age": {"ge": 18}}}]})})
    code, out = lint(root)
    assert code == 0 and "rules/case.yaml:" in out and "warning lint.missing-strength" in out
    with_strength = one_rule(tmp_path / "graded", {"all": [{"patient": {"age": {"ge": 18}}}]})
    assert lint(with_strength, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


def _committed_pack(tmp_path: Path) -> Path:
    root = banded(tmp_path, "low,high,band\n0,139.9,lower\n140,300,higher\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "pack")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_logic_change_without_a_version_bump(tmp_path: Path) -> None:
    root = _committed_pack(tmp_path)
    rule = root / "rules" / "bands.yaml"
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")
    _edit(rule, "title: rule bands", "title: rule bands, retitled")  # not logic
    _edit(rule, "kind: bp-band", "kind: bp-level")
    code, out = lint(root, "--strict")
    assert code == 2
    assert "rules/bands.yaml:3:10: warning lint.version-not-bumped: bands: the rule's when/then/table changed " \
           "since git HEAD but its version is still 1.0.0" in out
    _edit(rule, "version: 1.0.0", "version: 1.1.0")
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_table_change_needs_a_bump_and_reformatting_does_not(tmp_path: Path) -> None:
    root = _committed_pack(tmp_path)
    table = root / "knowledge" / "demo" / "bands.csv"
    _edit(table, "0,139.9,lower", "0 , 139.9 ,lower")  # the same cells
    rule = root / "rules" / "bands.yaml"
    rule.write_text(rule.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")
    _edit(table, "140,300", "140,250")
    code, out = lint(root, "--strict")
    assert code == 2 and "lint.version-not-bumped" in out


def test_outside_git_the_version_check_is_skipped(tmp_path: Path) -> None:
    root = banded(tmp_path, "low,high,band\n0,139.9,lower\n140,300,higher\n")
    assert subprocess.run(["git", "-C", str(root), "rev-parse"], capture_output=True, check=False).returncode != 0
    assert lint(root, "--strict") == (0, "0 errors, 0 warnings, 0 infos\n")


def test_json_lists_findings_with_stable_keys(tmp_path: Path) -> None:
    when = {"all": [{"lab": {"name": "egfr", "value": {"gt": 60, "lt": 30}}}]}
    root = write_pack(tmp_path, {"case": rule_doc("case", when)})  # no strength: a warning too
    code, out = lint(root, "--format", "json")
    findings = json.loads(out)
    assert code == 2
    assert [list(f) for f in findings] == [["path", "line", "col", "severity", "code", "rule", "message", "hint"]] * 2
    assert [(f["code"], f["severity"]) for f in findings] == [
        ("lint.contradictory-bounds", "error"), ("lint.missing-strength", "warning")]
    assert findings[0]["path"] == "rules/case.yaml" and findings[0]["line"] > 0 and findings[0]["rule"] == "case"


def test_a_pack_that_does_not_load_is_reported_in_the_same_form(tmp_path: Path) -> None:
    root = one_rule(tmp_path, {"all": [{"lab": {"nme": "egfr"}}]})
    code, out = lint(root)
    assert code == 2 and "rules/case.yaml:" in out and "error ref.unknown-field" in out


def test_lint_of_a_folder_that_is_not_a_pack(tmp_path: Path) -> None:
    code, out = lint(tmp_path)
    assert code == 2 and "pack.not-found" in out


def test_validate_fails_on_lint_errors_and_shows_its_warnings(tmp_path: Path) -> None:
    broken = one_rule(tmp_path / "broken", {"all": [{"lab": {"name": "egfr", "value": {"gt": 60, "lt": 30}}}]})
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2 and "error[lint.contradictory-bounds]" in result.stderr
    rule = {**graded("other", {"all": [{"patient": {"age": {"ge": 18}}}]}), "tests": ADULT_TESTS}
    warned = write_pack(tmp_path / "warned", {"case": rule})
    result = runner.invoke(app, ["validate", str(warned)])
    assert "warning[lint.id-path]" in result.stderr
    assert result.exit_code == 0 and "2/2 inline tests passed" in result.stdout


def test_every_check_is_registered_once() -> None:
    names = [check.__name__ for check in (*PACK_CHECKS, *FILE_CHECKS)]
    assert len(names) == len(set(names)) >= 10


def test_the_shipped_pack_has_no_lint_errors() -> None:
    root = default_pack_root()
    assert (root / "rules").is_dir()
    code, out = lint(root, "--format", "json")
    findings = json.loads(out)
    assert code == 0
    assert [f for f in findings if f["severity"] == "error"] == []


def test_what_same_fact_twice_warns_of_is_true(tmp_path: Path) -> None:
    """durable-rules does not let one patient fact meet two patterns: the rule's own test fails."""
    rule = graded("case", {"all": [{"patient": {"age": {"ge": 18}}}, {"patient": {"sex": "female"}}]})
    rule["tests"] = [{"name": "an adult woman", "given": {"demographics": {"age": 30, "sex": "female"}},
                      "expect": "fires"}, *ADULT_TESTS[1:]]
    result = runner.invoke(app, ["validate", str(write_pack(tmp_path, {"case": rule}))])
    assert result.exit_code == 2
    assert "warning[lint.same-fact-twice]" in result.stderr
    assert ("error[test.expected-fire] case: test 'an adult woman' expected the rule to fire; it did not"
            in result.stderr)


def test_overrides_handed_in_become_info_that_never_fails(tmp_path: Path) -> None:
    """The adapter for the pack extension's overrides(pack): one info finding per replaced rule."""
    root = one_rule(tmp_path, {"all": [{"patient": {"age": {"ge": 18}}}]})
    pack = load_pack(root)
    where = Location("rules/case.yaml", 1, 5)
    found = overridden(lambda loaded: [("case", where)] if loaded is pack else [])(pack)
    assert [(f.code, f.severity.value, f.rule_id, f.location) for f in found] == [
        ("lint.overridden", "info", "case", where)]
    assert format_text(found).endswith("0 errors, 0 warnings, 1 info\n")
    assert not failing(found, strict=True)


def test_a_pack_named_twice_is_a_usage_error(tmp_path: Path) -> None:
    first = one_rule(tmp_path / "a", {"all": [{"patient": {"age": {"ge": 18}}}]})
    second = one_rule(tmp_path / "b", {"all": [{"patient": {"age": {"ge": 18}}}]})
    result = runner.invoke(app, ["lint", str(first), "--pack", str(second)])
    assert result.exit_code == 2 and "usage.two-packs" in result.stderr and result.stdout == ""
    assert runner.invoke(app, ["lint", "--pack", str(second), "--strict"]).exit_code == 0


def test_lint_on_an_init_pack(tmp_path: Path) -> None:
    """An institution's pack from ``careplan init`` (once that command is merged) lints without errors."""
    if runner.invoke(app, ["init", "--help"]).exit_code != 0:
        pytest.skip("careplan init is not on this branch")
    root = tmp_path / "hospital"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    assert (root / "pack.yaml").is_file()
    code, out = lint(root)
    assert code == 0, out
    assert out.splitlines()[-1].startswith("0 errors,")


def test_under_any_only_that_alternative_is_lost(tmp_path: Path) -> None:
    alternatives = [{"patient": {"age": {"ge": 18}}}, {"bp_flag": {"value": "high"}},
                    {"lab": {"name": "egfr", "value": {"gt": 9, "lt": 3}}}]
    root = write_pack(tmp_path, {"case": graded("case", {"any": alternatives})}, fact_types=FLAG)
    code, out = lint(root)
    assert code == 2
    assert "lint.never-produced: case: no rule asserts 'bp_flag' and it is not an input, so this alternative " \
           "of 'any' can never match" in out
    assert "lint.contradictory-bounds: case: lab.value:" in out and "this alternative of 'any' never matches" in out
