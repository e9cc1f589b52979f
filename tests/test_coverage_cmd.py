"""``careplan coverage``: per rule and table row, fired in some test and shown not to fire in another.

A small pack has a plain rule and a two-row table; inline tests cover row "low" both ways and a
sidecar file covers row "high". Removing the sidecar must make row "high" uncovered, lower the
figures, and make ``--fail-under`` exit 1 where it exited 0 before.
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
TABLE = "level,low,high\nlow,0,29\nhigh,30,200\n"


def _table_rule() -> dict[str, Any]:
    doc = rule_doc("t.egfr-band", {"all": [{"lab": {"name": "egfr", "value": {"between": [
        {"column": "low"}, {"column": "high"}]}}}]},
        [{"recommend": {"category": "monitoring", "action": "monitor", "text": "eGFR band {row.level}"}}])
    doc["table"] = {"file": "knowledge/bands.csv", "key": ["level"],
                    "columns": {"level": "text", "low": "integer", "high": "integer"}}
    doc["tests"] = [{"name": "low band", "given": {"labs": {"egfr": 20}}, "expect": "fires", "row": "low"},
                    {"name": "not low", "given": {"labs": {"egfr": 90}}, "expect": "does_not_fire", "row": "low"}]
    return doc


def _plain_rule() -> dict[str, Any]:
    doc = rule_doc("t.smoker", {"all": [{"lifestyle": {"smoking": "current"}}]})
    doc["tests"] = [{"name": "smokes", "given": {"lifestyle": {"smoking": "current"}}, "expect": "fires"},
                    {"name": "never", "given": {"lifestyle": {"smoking": "never"}}, "expect": "does_not_fire"}]
    return doc


SIDECAR = [{"rule": "t.egfr-band", "row": "high", "name": "high band", "given": {"labs": {"egfr": 90}},
            "expect": {"recommends": {"action": "monitor", "text_contains": "band high"}}},
           {"rule": "t.egfr-band", "row": "high", "name": "not high", "given": {"labs": {"egfr": 20}},
            "expect": "does_not_fire"}]


def _pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "pack", {}, files={
        "rules/lifestyle/smoker.yaml": yaml.safe_dump(_plain_rule(), sort_keys=False),
        "rules/kidney/band.yaml": yaml.safe_dump(_table_rule(), sort_keys=False),
        "knowledge/bands.csv": TABLE, "rules/kidney/band.tests.yaml": yaml.safe_dump(SIDECAR)})


def _coverage(pack: Path, *extra: str) -> Any:
    return RUNNER.invoke(cli.app, ["coverage", "--pack", str(pack), "--no-features", *extra])


def test_figures_per_domain_and_row(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    result = _coverage(pack, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["tests"] == 6 and report["features"] is False
    assert report["domains"]["kidney"]["rows"] == {"items": 2, "fired": 2, "not_fired": 2, "both": 2,
                                                   "percent": 100.0}
    assert report["domains"]["lifestyle"]["rules"]["both"] == 1
    assert report["percent"] == 100.0
    text = _coverage(pack)
    assert "covered both ways: 3 of 3 compiled rules (100.0%)" in text.output
    assert "  t.egfr-band: 2 rows, 2 fired, 2 shown not to fire" in text.output
    assert "  t.smoker: fired, shown not to fire" in text.output


def test_removing_tests_lowers_coverage_and_fail_under_exits_1(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    assert _coverage(pack, "--fail-under", "90").exit_code == 0
    (pack / "rules" / "kidney" / "band.tests.yaml").unlink()
    result = _coverage(pack, "--format", "json", "--fail-under", "90")
    assert result.exit_code == 1
    report = json.loads(result.output[:result.output.rindex("}") + 1])  # the note on stderr follows
    high = next(r for r in report["rows"] if r["id"] == "t.egfr-band[high]")
    # the "not low" test (eGFR 90) still fires row high, but no test about row high shows it quiet
    assert high["fired"] is True and high["not_fired"] is False
    assert report["domains"]["kidney"]["rows"]["both"] == 1
    assert round(report["percent"], 1) == 66.7
    assert "coverage 66.7% is under --fail-under 90%" in result.output


def test_shown_not_to_fire_needs_a_test_about_the_rule(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    smoker = pack / "rules" / "lifestyle" / "smoker.yaml"
    doc = yaml.safe_load(smoker.read_text(encoding="utf-8"))
    doc["tests"][1]["expect"] = "todo"  # the pair is now incomplete: bad input, exit 2
    smoker.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert _coverage(pack).exit_code == 2


def test_shipped_pack_rules_tests_only() -> None:
    result = RUNNER.invoke(cli.app, ["coverage", "--no-features", "--format", "json"])
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    one_gene = [r for r in report["rows"] if r["rule"] == "pgx.recommend-one-gene"]
    assert one_gene and all(r["fired"] and r["not_fired"] for r in one_gene)  # the generated tests
    assert report["failed_tests"] == 0 and report["features"] is False
