"""Gherkin for QA, as a QA engineer meets it: pytest run on a feature file, in a subprocess.

A temporary folder holds a feature and a conftest that loads the project's step library
(``features.conftest``); pytest runs with the project's configuration (tags, --strict-markers).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFTEST = "from features.conftest import *  # noqa: F403  (the project's steps and hooks)\n"
FEATURE = """\
@lifestyle
Feature: QA demo

  Scenario: A smoker is advised to stop
    Given a patient "qa-smoker"
    And the patient is a 50-year-old male
    And the patient's smoking status is "current"
    When the care plan is generated
    Then the plan has a recommendation "lifestyle.smoking-cessation"

  Scenario: A non-smoker is not
    Given a patient "qa-never"
    And the patient is a 50-year-old male
    And the patient's smoking status is "never"
    When the care plan is generated
    Then the plan has no recommendation "lifestyle.smoking-cessation"
"""


def _pytest(folder: Path, feature: str, *args: str, name: str = "qa-demo.feature") -> tuple[int, str]:
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (folder / name).write_text(feature, encoding="utf-8")
    # A fixed width: pytest cuts its short summary to the terminal's width, so without it the
    # output a test reads would depend on the machine's COLUMNS.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir",
                           str(folder), "-p", "no:cacheprovider", "-q", str(folder / name), *args],
                          cwd=folder, env=env, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def test_a_feature_file_runs_by_its_path_and_is_selected_by_tag_and_name(tmp_path: Path) -> None:
    code, out = _pytest(tmp_path, FEATURE)
    assert code == 0, out
    assert "2 passed" in out
    code, out = _pytest(tmp_path, FEATURE, "-k", "qa-demo and non_smoker")
    assert code == 0 and "1 passed, 1 deselected" in out, out
    code, out = _pytest(tmp_path, FEATURE, "-m", "lifestyle")
    assert code == 0 and "2 passed" in out, out
    code, out = _pytest(tmp_path, FEATURE, "-m", "oncology")
    assert "2 deselected" in out, out


def test_an_undeclared_tag_fails_under_strict_markers(tmp_path: Path) -> None:
    code, out = _pytest(tmp_path, FEATURE.replace("@lifestyle", "@lifestlye"))
    assert code != 0
    assert "'lifestlye' not found in `markers` configuration option" in out


def test_an_unknown_step_names_the_nearest_step(tmp_path: Path) -> None:
    feature = FEATURE.replace('Then the plan has a recommendation "lifestyle.smoking-cessation"',
                              'Then the plan recommend "avoid" for "clopidogrel"')
    code, out = _pytest(tmp_path, feature)
    assert code == 1
    assert ('qa-demo.feature:9: no step of the library matches "Then the plan recommend "avoid" for "clopidogrel""; '
            'did you mean "Then the plan recommends "avoid" for "clopidogrel""') in out
    assert "StepDefinitionNotFoundError" not in out and "Traceback" not in out
    assert "1 failed, 1 passed" in out


def test_a_bad_given_value_fails_in_one_line_naming_the_step_and_the_field(tmp_path: Path) -> None:
    feature = FEATURE.replace("And the patient is a 50-year-old male\n    And the patient's smoking status is "
                              '"current"', "And the patient is 400 years old", 1)
    assert "400 years old" in feature
    code, out = _pytest(tmp_path, feature)
    assert code == 1
    # The failure's own report (pytest's short summary repeats it after "FAILED <test> - ").
    failure = [line for line in out.splitlines() if "refuses" in line and not line.startswith("FAILED ")]
    assert failure == ['qa-demo.feature:6: the step "And the patient is 400 years old" gives the patient a value '
                       "a patient file refuses: demographics.age: value is outside 0..120 years"], out
    assert "pydantic" not in out and "ValidationError" not in out and "Traceback" not in out


def test_the_new_steps_fail_with_what_the_plan_holds(tmp_path: Path) -> None:
    feature = FEATURE.replace('Then the plan has a recommendation "lifestyle.smoking-cessation"',
                              'Then the plan recommends 3 items of category "lifestyle"')
    code, out = _pytest(tmp_path, feature)
    assert code == 1
    assert "wanted 3 'lifestyle' recommendations; the plan has 1: ['lifestyle.smoking-cessation']" in out
    feature = FEATURE.replace('Then the plan has no recommendation "lifestyle.smoking-cessation"',
                              'Then the plan recommends 0 items of category "lifestlye"')
    code, out = _pytest(tmp_path, feature)
    assert code == 1 and "'lifestlye' is not a recommendation category" in out
