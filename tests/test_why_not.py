"""``careplan explain PATIENT --why-not RULE_ID``: which pattern failed for which fact, and why.

One small pack holds a rule for each reason a rule does not fire: a value (eGFR not under 30), a
missing fact type (a derived fact no rule produced, naming the rule that would), a negation that
matched (an allergy), the one fact that would match already taken by another pattern, and a join
(``ref``) that failed. Each is checked against the explanation a user sees, after checking the same
command explains a rule that did fire as fired (so a report of "did not fire" is not the only output).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cli
from tests.packs import rule_doc, write_pack

RUNNER = CliRunner()
FACT_TYPES = {"kidney_risk": {"label": "kidney risk", "fields": {"level": "text"}}}
RULES: dict[str, dict[str, Any]] = {
    "value": rule_doc("t.low-egfr", {"all": [{"lab": {"name": "egfr", "value": {"lt": 30}}}]}),
    "producer": rule_doc("t.kidney-risk", {"all": [{"lab": {"name": "egfr", "value": {"lt": 15}}}]},
                         [{"assert": {"kidney_risk": {"level": "high"}}}]),
    "missing": rule_doc("t.kidney-review", {"all": [{"kidney_risk": {"level": "high"}}]}),
    "negation": rule_doc("t.penicillin", {"all": [{"medication": {"name": "amoxicillin"}}],
                                          "none": [{"allergy": {"substance": "penicillin"}}]}),
    "taken": rule_doc("t.two-medicines", {"all": [{"medication": {"status": "active", "as": "a"}},
                                                 {"medication": {"status": "active", "as": "b"}}]}),
    "fires": rule_doc("t.any-medicine", {"all": [{"medication": {"status": "active"}}]}),
    "join": rule_doc("t.allergic-to-medicine", {"all": [{"medication": {"name": "amoxicillin", "as": "m"}},
                                                       {"allergy": {"substance": {"ref": "m.name"}}}]}),
}
PATIENT = {"id": "why-not", "labs": {"egfr": 45},
           "medications": [{"name": "amoxicillin", "status": "active"}],
           "allergies": ["penicillin"]}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("why-not")
    folder = write_pack(root / "pack", RULES, FACT_TYPES)
    patient = root / "patient.yaml"
    patient.write_text(yaml.safe_dump(PATIENT), encoding="utf-8")
    return folder, patient


def _why_not(pack: tuple[Path, Path], rule_id: str) -> Any:
    folder, patient = pack
    return RUNNER.invoke(cli.app, ["explain", str(patient), "--pack", str(folder), "--why-not", rule_id])


def test_a_rule_that_fired_is_reported_as_fired(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.any-medicine")
    assert result.exit_code == 0, result.output
    assert "t.any-medicine (rules/fires.yaml:1): fired 1 time(s)" in result.output
    assert "on medication {name: amoxicillin, status: active}" in result.output


def test_value(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.low-egfr")
    assert result.exit_code == 0, result.output
    assert "t.low-egfr (rules/value.yaml:1): did not fire" in result.output
    assert "  lab (as f1): no lab fact matches (1 candidates)" in result.output
    assert "    - lab {name: egfr, value: 45}: value: wanted < 30, got 45" in result.output


def test_missing_fact_names_the_rules_that_produce_it(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.kidney-review")
    assert result.exit_code == 0
    assert ("kidney_risk (as f1): no kidney_risk fact; produced by t.kidney-risk (none produced one here)"
            in result.output)


def test_negation_that_matched_names_the_fact(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.penicillin")
    assert "medication (as f1): matched medication {name: amoxicillin, status: active}" in result.output
    assert ("none: allergy: matched allergy {names_class: no, substance: penicillin}, so the rule does not fire"
            in result.output)


def test_one_fact_per_pattern(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.two-medicines")
    assert "medication (as a): matched medication {name: amoxicillin, status: active}" in result.output
    assert ("- medication {name: amoxicillin, status: active}: would match, but it is already matched by "
            "pattern 'a' of this rule (a fact matches one pattern only)") in result.output


def test_join(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.allergic-to-medicine")
    assert ("- allergy {names_class: no, substance: penicillin}: substance: wanted amoxicillin, got penicillin "
            "(join on m.name)") in result.output


def test_unknown_rule_is_exit_2_with_did_you_mean(pack: tuple[Path, Path]) -> None:
    result = _why_not(pack, "t.low-egrf")
    assert result.exit_code == 2
    assert "--why-not: error[usage.unknown-rule] no compiled rule has the id 't.low-egrf'" in result.output
    assert "did you mean 't.low-egfr'?" in result.output
    assert "45" not in result.output  # no patient value in an error


def test_shipped_pack_table_row_and_whole_table() -> None:
    patient = Path(__file__).resolve().parent.parent / "examples" / "pgx-clopidogrel.yaml"
    row = "pgx.recommend-one-gene[clopidogrel,CVI ACS PCI,CYP2C19,Normal Metabolizer]"
    result = RUNNER.invoke(cli.app, ["explain", str(patient), "--why-not", row])
    assert result.exit_code == 0, result.output
    assert f"{row} (rules/pgx/recommend-one-gene.yaml:2 (row 3 at knowledge/pgx/recommendations-one-gene.csv:4))" \
        in result.output
    assert "key: wanted Normal Metabolizer, got Poor Metabolizer" in result.output
    table = RUNNER.invoke(cli.app, ["explain", str(patient), "--why-not", "pgx.recommend-one-gene"])
    assert table.exit_code == 0
    rows = len((patient.parent.parent / "knowledge/pgx/recommendations-one-gene.csv").read_text().splitlines()) - 1
    assert f"pgx.recommend-one-gene: a table of {rows} rows; 1 fired; the rows that came closest:" in table.output
    assert "[clopidogrel,CVI ACS PCI,CYP2C19,Poor Metabolizer] (" in table.output and "fired 1 time(s)" in table.output
