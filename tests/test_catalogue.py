"""``careplan rules`` and ``careplan steps``: catalogues generated from the rules and the step code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import cli
from features.steps import patient_steps, plan_steps
from features.steps.common import STEPS
from tests.packs import rule_doc, write_pack

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_lists_a_rule_with_its_conditions_in_words_tests_and_data() -> None:
    code, out, err = run("rules", "lifestyle.alcohol-men")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "lifestyle.alcohol-men  1.1.0  active  rules/lifestyle/alcohol-men.yaml"
    assert "  title:      Reduce alcohol above the limit for men" in lines
    assert "  conditions: patient sex is male; lifestyle alcohol_drinks_per_week above 14" in lines
    assert "  tests:      above the limit; at the limit" in lines
    assert "  uses:       lifestyle.alcohol_drinks_per_week, patient.sex" in lines
    assert lines[-1] == "1 rule"


def test_rules_json_has_the_evidence_the_table_and_its_row_count() -> None:
    code, out, _ = run("rules", "pgx.recommend-one-gene", "--format", "json")
    assert code == 0
    [entry] = json.loads(out)
    assert entry["evidence"]["source"] == "CPIC"
    assert entry["table"] == "knowledge/pgx/recommendations-one-gene.csv"
    rows = (ROOT / entry["table"]).read_text(encoding="utf-8").splitlines()
    assert 0 < entry["table_rows"] <= len(rows) - 1
    assert entry["conditions"].startswith("per table row; row ")
    assert "medication.name" in entry["uses"] and "gene_result.gene" in entry["uses"]


def test_negation_and_any_read_as_words(tmp_path: Path) -> None:
    rule = rule_doc("t.words", {"all": [{"patient": {"age": {"ge": 18}}}],
                                "any": [{"lifestyle": {"smoking": "current"}},
                                        {"lifestyle": {"alcohol_drinks_per_week": {"gt": 14}}}],
                                "none": [{"patient": {"pregnant": True}}]})
    code, out, err = run("rules", "--pack", str(write_pack(tmp_path, {"w": rule})), "--format", "json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["conditions"] == ("patient age at least 18; one of: lifestyle smoking is current | "
                                   "lifestyle alcohol_drinks_per_week above 14; no patient pregnant is true")
    assert entry["tests"] == ["fires", "does not fire"]


def test_rules_of_an_init_pack_show_the_override_and_the_new_rule(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "local"), "--name", "local")[0] == 0
    code, out, _ = run("rules", "--pack", str(tmp_path / "local"), "lifestyle.alcohol-men")
    assert code == 0
    assert out.startswith("lifestyle.alcohol-men  1.2.0  active  rules/lifestyle/alcohol-men.yaml\n")
    code, out, _ = run("rules", "--pack", str(tmp_path / "local"), "local.")
    assert out.startswith("local.local.stop-smoking-service  0.1.0  active  "
                          "rules/local/local/stop-smoking-service.yaml")
    assert "  conditions: lifestyle smoking is current\n" in out


def test_rules_of_a_bad_pack_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("rules", "--pack", str(tmp_path))
    assert code == 2 and "not a rule pack" in err


def test_steps_are_the_declared_steps_with_their_examples() -> None:
    code, out, err = run("steps", "--format", "json")
    assert (code, err) == (0, "")
    listed = [(s["kind"], s["pattern"], s["example"]) for s in json.loads(out)]
    modules = {s.function.rsplit(".", 2)[-2] for s in STEPS}  # importing the step modules declared them
    assert modules == {patient_steps.__name__.rsplit(".", 1)[-1], plan_steps.__name__.rsplit(".", 1)[-1]}
    declared = [(s.kind, s.pattern, s.example) for s in STEPS]
    assert len(declared) >= 80
    assert sorted(listed) == sorted(declared)  # read from the code (ast) == registered at import


def test_steps_text_groups_by_kind_with_an_example() -> None:
    code, out, _ = run("steps")
    assert code == 0
    assert '  the recommendation "{rec_id:q}" offers one of "{drugs:q}"\n' in out
    assert ('      e.g. Then the recommendation "bp.start-first-line-medicine" offers one of '
            '"chlorthalidone, amlodipine or lisinopril"\n') in out
    assert "  the care plan is generated\n      e.g. When the care plan is generated\n" in out


def test_steps_without_a_step_library_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("steps", "--features", str(tmp_path))
    assert code == 2 and "it ships with the source tree" in err and "--features PATH/features" in err
