"""The authoring commands on an institution's pack made by ``careplan init`` (issue: each command works
on the shipped pack and on an init pack). The shipped pack has its own tests per command; these run
the same commands on a fresh scaffold, found by ``--pack`` and by running inside it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cli

RUNNER = CliRunner()
LOCAL_RULE = "local.clinic.stop-smoking-service"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "clinic"
    result = RUNNER.invoke(cli.app, ["init", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "rules" / "local" / "clinic" / "stop-smoking-service.yaml").is_file()
    return root


@pytest.fixture
def inside(pack: Path) -> Iterator[Path]:
    """Run a command from a folder of the pack, with no --pack: the checkout's pack is found."""
    before = Path.cwd()
    os.chdir(pack / "rules")
    try:
        yield pack
    finally:
        os.chdir(before)


def test_careplan_test_runs_the_local_rules_tests(pack: Path) -> None:
    result = RUNNER.invoke(cli.app, ["test", str(pack / "rules" / "local"), "--pack", str(pack), "--format", "json"])
    assert result.exit_code == 0, result.output[-2000:]
    results = json.loads(result.output)["results"]
    assert {r["rule"] for r in results} == {LOCAL_RULE}
    assert len(results) == 2 and all(r["status"] == "passed" for r in results)


def test_careplan_test_fails_a_broken_local_test(pack: Path, tmp_path: Path) -> None:
    broken = tmp_path / "clinic"
    RUNNER.invoke(cli.app, ["init", str(broken)])
    rule = broken / "rules" / "local" / "clinic" / "stop-smoking-service.yaml"
    doc = yaml.safe_load(rule.read_text(encoding="utf-8"))
    doc["tests"][1]["given"] = {"lifestyle": {"smoking": "current"}}  # now the "does not fire" test sees a smoker
    rule.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    result = RUNNER.invoke(cli.app, ["test", str(broken / "rules" / "local"), "--pack", str(broken)])
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output and LOCAL_RULE in result.output and "never smoker is not" in result.output


def test_why_not_on_the_init_pack(pack: Path) -> None:
    patient = pack / "examples" / "never-smoker.yaml"
    patient.write_text("id: never\ndemographics: {age: 50, sex: male}\nlifestyle: {smoking: never}\n",
                       encoding="utf-8")
    result = RUNNER.invoke(cli.app, ["explain", str(patient), "--pack", str(pack), "--why-not", LOCAL_RULE])
    assert result.exit_code == 0, result.output
    assert LOCAL_RULE in result.output and "smoking" in result.output
    unknown = RUNNER.invoke(cli.app, ["explain", str(patient), "--pack", str(pack), "--why-not", "local.nope"])
    assert unknown.exit_code == 2


def test_coverage_counts_the_local_rule_both_ways(pack: Path) -> None:
    result = RUNNER.invoke(cli.app, ["coverage", "--pack", str(pack), "--no-features", "--format", "json"])
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    local = [r for r in report["rules"] if r["rule"] == LOCAL_RULE]
    assert local and local[0]["fired"] and local[0]["not_fired"]
    assert report["failed_tests"] == 0


def test_lint_sources_and_fields_inside_the_init_pack(inside: Path) -> None:
    lint = RUNNER.invoke(cli.app, ["lint", "--format", "json"])
    assert lint.exit_code == 0, lint.output
    findings = json.loads(lint.output)
    assert any(f["code"] == "lint.overridden" and f["rule"] == "lifestyle.alcohol-men" for f in findings)
    sources = RUNNER.invoke(cli.app, ["sources", "--format", "json"])
    assert sources.exit_code == 0, sources.output
    assert LOCAL_RULE in sources.output
    fields = RUNNER.invoke(cli.app, ["fields"])
    assert fields.exit_code == 0 and "smoking" in fields.output


def test_rules_catalogue_inside_the_init_pack_shows_the_override(inside: Path) -> None:
    result = RUNNER.invoke(cli.app, ["--verbose", "rules", "lifestyle.alcohol-men"])
    assert result.exit_code == 0, result.output
    default = RUNNER.invoke(cli.app, ["rules", "lifestyle.alcohol-men", "--pack", str(Path(cli.__file__).parent)])
    assert default.exit_code == 0
    version = next(line for line in result.output.splitlines() if line.startswith("lifestyle.alcohol-men")).split()[1]
    base = next(line for line in default.output.splitlines() if line.startswith("lifestyle.alcohol-men")).split()[1]
    assert version != base  # the scaffold's override (version bumped) is what the checkout's commands see
