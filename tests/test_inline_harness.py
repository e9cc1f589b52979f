"""The inline-test harness reports a rule whose own tests fail, where they are written.

A rule file carries tests (``given`` patient sections, ``expect: fires | does_not_fire``);
``careplan validate`` runs them through the real compiler and engine. Here a small pack has
one rule that can never fire (eGFR above 500: the patient file refuses anything above 200) yet
a test that expects it to, and one rule that fires on every eGFR yet a test that expects it not
to. Both failures must be reported, located at the test, with exit code 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from engine.authoring.inline_tests import failures_as_diagnostics, run_all
from engine.generator import Generator
from tests.packs import write_pack

EVIDENCE = "evidence: {source: test, citation: a test pack}\n"

NEVER = (  # the test "kidney function is known" is the list item on line 12
    "id: t.never-fires\n"                                          # 1
    "title: eGFR above the highest value a patient file may hold\n"
    "version: 1.0.0\n"
    + EVIDENCE +                                                   # 4
    "when:\n"
    "  all:\n"
    "    - lab: {name: egfr, value: {gt: 500}}\n"                  # 7
    "then:\n"
    "  - recommend: {category: monitoring, action: monitor, text: never}\n"
    "tests:\n"                                                     # 10
    "  # a comment, so the test's line is not the line after 'tests:'\n"
    "  - name: kidney function is known\n"                         # 12
    "    given: {labs: {egfr: 150}}\n"
    "    expect: fires\n"
    "  - name: no labs\n"                                          # 15
    "    given: {}\n"
    "    expect: does_not_fire\n"
)

ALWAYS = (  # the test "a normal eGFR" is the list item on line 15
    "id: t.always-fires\n"                                         # 1
    "title: any recorded eGFR\n"
    "version: 1.0.0\n"
    + EVIDENCE +                                                   # 4
    "when:\n"
    "  all:\n"
    "    - lab: {name: egfr, value: {ge: 1}}\n"                    # 7
    "then:\n"
    "  - recommend: {category: monitoring, action: monitor, text: always}\n"
    "tests:\n"                                                     # 10
    "  - name: low eGFR\n"
    "    given: {labs: {egfr: 20}}\n"
    "    expect: fires\n"
    "\n"
    "  - name: a normal eGFR\n"                                    # 15
    "    given: {labs: {egfr: 95}}\n"
    "    expect: does_not_fire\n"
)

BAD_GIVEN = (  # the test on line 14 gives a patient that is not a valid patient file: reported, not run
    "id: t.bad-given\n"
    "title: a test whose patient cannot be loaded\n"
    "version: 1.0.0\n"
    + EVIDENCE +
    "when:\n"
    "  all:\n"
    "    - lab: {name: egfr, value: {lt: 30}}\n"
    "then:\n"
    "  - recommend: {category: monitoring, action: monitor, text: low}\n"
    "tests:\n"
    "  - name: low eGFR\n"
    "    given: {labs: {egfr: 20}}\n"
    "    expect: fires\n"
    "  - name: an impossible eGFR\n"                               # 14
    "    given: {labs: {egfr: 900}}\n"
    "    expect: does_not_fire\n"
)


def _condition(text: str, old: str, new: str) -> str:
    """The rule file with its eGFR condition changed."""
    before = f"    - lab: {{name: egfr, value: {old}}}\n"
    assert before in text
    return text.replace(before, f"    - lab: {{name: egfr, value: {new}}}\n")


@pytest.fixture
def failing_pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "failing", {"never": NEVER, "always": ALWAYS, "bad-given": BAD_GIVEN})


def _validate(pack: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.app, ["validate", "--pack", str(pack)])
    return result.exit_code, result.stdout, result.stderr


def test_validate_exits_2_and_locates_each_failing_inline_test(failing_pack: Path) -> None:
    code, out, err = _validate(failing_pack)
    assert code == 2, (out, err)
    lines = err.splitlines()
    assert ("rules/never.yaml:12:5: error[test.expected-fire] t.never-fires: "
            "test 'kidney function is known' expected the rule to fire; it did not") in lines
    assert ("rules/always.yaml:15:5: error[test.expected-no-fire] t.always-fires: "
            "test 'a normal eGFR' expected the rule not to fire; it fired") in lines
    invalid = [line for line in lines if line.startswith("rules/bad-given.yaml:14:5: error[test.invalid]")]
    assert invalid == ["rules/bad-given.yaml:14:5: error[test.invalid] t.bad-given: "
                       "test 'an impossible eGFR': labs.egfr: value is outside 1..200 mL/min/1.73m2"], err
    assert "900" not in err  # the patient's value stays out of the message
    assert err.rstrip().endswith("3 errors, 0 warnings")
    assert "inline tests passed" not in out  # no summary that could read as a success


def test_the_passing_tests_of_the_same_rules_are_not_reported(failing_pack: Path) -> None:
    _, _, err = _validate(failing_pack)
    for passing in ("no labs", "low eGFR"):
        assert f"test '{passing}'" not in err


def test_the_same_tests_pass_once_the_rules_do_what_the_tests_expect(tmp_path: Path) -> None:
    """The control: the tests are unchanged (but the impossible patient), only the conditions differ."""
    pack = write_pack(tmp_path / "passing", {
        "never": _condition(NEVER, "{gt: 500}", "{gt: 100}"),
        "always": _condition(ALWAYS, "{ge: 1}", "{lt: 60}"),
        "bad-given": BAD_GIVEN.replace("egfr: 900", "egfr: 90"),
    })
    code, out, err = _validate(pack)
    assert code == 0, err
    assert "3 rule files, 3 rules, " in out and "6/6 inline tests passed" in out


def test_run_all_gives_each_test_its_outcome_and_failures_become_located_diagnostics(failing_pack: Path) -> None:
    results = run_all(Generator(failing_pack))
    outcome = {f"{r.rule_id}::{r.name}": r.passed for r in results}
    assert outcome == {
        "t.always-fires::low eGFR": True, "t.always-fires::a normal eGFR": False,
        "t.bad-given::low eGFR": True, "t.bad-given::an impossible eGFR": False,
        "t.never-fires::kidney function is known": False, "t.never-fires::no labs": True,
    }
    found = {(str(d.location), d.code, d.rule_id) for d in failures_as_diagnostics(results)}
    assert found == {
        ("rules/always.yaml:15:5", "test.expected-no-fire", "t.always-fires"),
        ("rules/bad-given.yaml:14:5", "test.invalid", "t.bad-given"),
        ("rules/never.yaml:12:5", "test.expected-fire", "t.never-fires"),
    }
