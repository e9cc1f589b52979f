"""Decision-support source attributes (HTI-1): the pack states developer, funding and dates; which of
race, sex, date of birth, ... a rule uses is derived from its patterns, never written (docs/evidence.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import cli
from tests.packs import rule_doc, write_pack

runner = CliRunner()

PACK_YAML = """name: t
version: 0.0.1
source_attributes:
  developer: a test team
  funding_source: none
  release_date: 2026-01-15
  revision_date: 2026-06-01
"""
INPUTS = """categories:
  race: [patient.race]
  sex: [patient.sex]
  date of birth: [patient.age]
  health status assessments: [stress.*]
computed:
  ascvd_risk: [patient.race, patient.sex, patient.age]
"""
RECORDS = "acc-aha-bp-2017: {source: ACC/AHA, title: BP guideline, year: 2018}\n"
TESTS = [{"name": "fires", "given": {"demographics": {"age": 50, "sex": "female", "race": "black"}},
          "expect": "fires"},
         {"name": "does not fire", "given": {}, "expect": "does_not_fire"}]


def _rule(rule_id: str, pattern: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**rule_doc(rule_id, {"all": [pattern]}, evidence={"cite": "acc-aha-bp-2017"}, **extra), "tests": TESTS}


def _pack(root: Path, rules: dict[str, dict[str, Any]], pack_yaml: str = PACK_YAML,
          inputs: str = INPUTS) -> Path:
    return write_pack(root, rules, files={"pack.yaml": pack_yaml, "knowledge/citations.yaml": RECORDS,
                                          "knowledge/source-attribute-inputs.yaml": inputs})


def _sources(root: Path) -> dict[str, Any]:
    result = runner.invoke(cli.app, ["sources", "--pack", str(root), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _uses(report: dict[str, Any]) -> dict[str, list[str]]:
    return {rule["id"]: rule["uses"] for rule in report["rules"]}


def test_a_rule_reading_race_uses_race_and_one_that_does_not_does_not(tmp_path: Path) -> None:
    root = _pack(tmp_path / "p", {
        "by-race": _rule("t.by-race", {"patient": {"race": "black"}}),
        "by-age": _rule("t.by-age", {"patient": {"age": {"ge": 40}}}),
    })
    uses = _uses(_sources(root))
    assert uses["t.by-race"] == ["race"]
    assert uses["t.by-age"] == ["date of birth"]


def test_the_categories_follow_the_pattern_when_it_changes(tmp_path: Path) -> None:
    rules = {"r": _rule("t.r", {"patient": {"race": "black"}})}
    root = _pack(tmp_path / "p", rules)
    assert _uses(_sources(root))["t.r"] == ["race"]
    rules["r"] = _rule("t.r", {"patient": {"sex": "female"}})
    _pack(root, rules)
    assert _uses(_sources(root))["t.r"] == ["sex"]


def test_a_rule_built_on_a_race_rule_uses_race_through_it(tmp_path: Path) -> None:
    fact_types = {"group": {"label": "group {name}", "fields": {"name": "text"}}}
    rules = {
        "assign": _rule("t.assign", {"patient": {"race": "black"}},
                        then=[{"assert": {"group": {"name": "a"}}}]),
        "use": _rule("t.use", {"group": {"name": "a"}}),
    }
    root = _pack(tmp_path / "p", rules)
    (root / "knowledge/fact-types.yaml").write_text(json.dumps(fact_types), encoding="utf-8")
    report = {rule["id"]: rule for rule in _sources(root)["rules"]}
    assert report["t.assign"]["uses"] == ["race"]
    assert report["t.use"]["uses"] == [] and report["t.use"]["uses_through_other_rules"] == ["race"]


def test_a_computed_fact_uses_what_it_is_computed_from(tmp_path: Path) -> None:
    root = _pack(tmp_path / "p", {"risk": _rule("t.risk", {"ascvd_risk": {"value": {"ge": 10}}})})
    assert _uses(_sources(root))["t.risk"] == ["race", "sex", "date of birth"]


def test_the_pack_attributes_are_listed(tmp_path: Path) -> None:
    root = _pack(tmp_path / "p", {"r": _rule("t.r", {"patient": {"race": "black"}})})
    report = _sources(root)
    assert report["pack"]["source_attributes"] == {
        "developer": "a test team", "funding_source": "none", "release_date": "2026-01-15",
        "revision_date": "2026-06-01", "intended_use": None, "contact": None}
    text = runner.invoke(cli.app, ["sources", "--pack", str(root)]).stdout
    assert "  developer: a test team\n" in text and "  t.r: race [acc-aha-bp-2017]\n" in text


def test_bad_source_attributes_are_refused_at_their_line(tmp_path: Path) -> None:
    bad = PACK_YAML.replace("revision_date: 2026-06-01", "revision_date: 2025-06-01")
    root = _pack(tmp_path / "p", {"r": _rule("t.r", {"patient": {"race": "black"}})}, pack_yaml=bad)
    result = runner.invoke(cli.app, ["validate", str(root)])
    assert result.exit_code == 2
    assert "pack.yaml:" in result.stderr and "revision_date is before release_date" in result.stderr
    missing = PACK_YAML.replace("  developer: a test team\n", "")
    root = _pack(tmp_path / "q", {"r": _rule("t.r", {"patient": {"race": "black"}})}, pack_yaml=missing)
    result = runner.invoke(cli.app, ["sources", "--pack", str(root)])
    assert result.exit_code == 2 and "source_attributes.developer" in result.stderr


def test_a_mapping_naming_an_unknown_field_is_refused_at_its_line(tmp_path: Path) -> None:
    inputs = INPUTS.replace("[patient.race]", "[patient.rase]")
    root = _pack(tmp_path / "p", {"r": _rule("t.r", {"patient": {"sex": "female"}})}, inputs=inputs)
    result = runner.invoke(cli.app, ["validate", str(root)])
    assert result.exit_code == 2
    assert "knowledge/source-attribute-inputs.yaml:2:" in result.stderr
    assert "'patient' has no field 'rase'" in result.stderr and "did you mean 'race'?" in result.stderr


def test_the_default_pack_lists_race_only_where_a_rule_reads_it() -> None:
    result = runner.invoke(cli.app, ["sources"])
    assert result.exit_code == 0, result.stderr
    assert "\n  bp.population-black: race + " in result.stdout
    assert "\n  lifestyle.sleep: none [" in result.stdout
    assert "  developer: careplan project contributors" in result.stdout


def test_the_plan_carries_the_pack_attributes_and_the_categories_each_recommendation_used(tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\ndemographics: {age: 55, sex: female, race: black}\n"
                       "vitals: {blood_pressure: [{systolic: 152, diastolic: 96}]}\n"
                       "lifestyle: {sleep_hours: 5}\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["generate", str(patient), "--format", "json"])
    plan = json.loads(result.stdout)
    assert plan["pack"]["source_attributes"]["developer"] == "careplan project contributors (rules translated " \
                                                             "from the guidelines each rule cites)"
    used = {r["id"]: r["inputs_used"] for r in plan["recommendations"]}
    chains = {r["id"]: [step["rule"] for step in r["because"]] for r in plan["recommendations"]}
    # the first-line medicine for Black adults (thiazide or calcium-channel blocker) rests on race
    assert "bp.population-black" in chains["bp.start-first-line-medicine"]
    assert used["bp.start-first-line-medicine"] == ["race"]
    assert "lifestyle.sleep" in used and used["lifestyle.sleep"] == []
