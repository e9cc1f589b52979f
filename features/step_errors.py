"""One-line failures for the two mistakes a scenario's author makes most: a value the patient file
refuses, and a step the library does not have.

* After each Given, the patient built so far is checked as a patient file would be
  (``engine.patient.loader.parse_patient``): a bad value (age 400) fails at that step, with the
  feature file's line, the step and the field, and no pydantic traceback. The value itself is not
  repeated (patient values never appear in errors).
* A step no definition matches fails with the nearest declared step (its example), found with
  difflib over the step texts with their quoted and numeric parts blanked out.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.patient.loader import parse_patient
from engine.source.diagnostics import DiagnosticError
from features.steps.common import STEPS, StepDeclaration

_QUOTED = re.compile(r'"[^"]*"')
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _where(feature: Any, step: Any) -> str:
    path = Path(feature.filename)
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{step.line_number}"


def _written(step: Any) -> str:
    return f"{step.keyword.strip()} {step.name}"


def check_given_patient(request: pytest.FixtureRequest, feature: Any, step: Any) -> None:
    """Fail, in one line, when the Given just run left the patient with a value a patient file refuses."""
    if step.type != "given" or not _has_patient(request):
        return
    patient = request.getfixturevalue("patient")
    try:
        parse_patient(yaml.safe_dump(patient, sort_keys=False, allow_unicode=True), "the scenario's patient")
    except DiagnosticError as exc:
        first = min(exc.diagnostics, key=lambda d: d.sort_key())
        field = f"{first.field_path}: " if first.field_path else ""
        pytest.fail(f"{_where(feature, step)}: the step \"{_written(step)}\" gives the patient a value a patient "
                    f"file refuses: {field}{first.message}", pytrace=False)


def _has_patient(request: pytest.FixtureRequest) -> bool:
    try:
        request.getfixturevalue("patient")
    except pytest.FixtureLookupError:
        return False
    return True


def _shape(text: str) -> str:
    return _NUMBER.sub("0", _QUOTED.sub('""', text.lower()))


def nearest_steps(text: str, kind: str | None, limit: int = 2) -> list[StepDeclaration]:
    """The declared steps whose example reads most like ``text`` (those of the same kind first)."""
    wanted = _shape(text)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, _shape(s.example)).ratio(),
                      s.kind in (kind, "step"), s.example) for s in STEPS), reverse=True)
    by_example = {s.example: s for s in STEPS}
    close = [by_example[example] for ratio, _, example in scored if ratio >= 0.5]
    return close[:limit]


def report_unknown_step(feature: Any, step: Any) -> None:
    close = nearest_steps(step.name, step.type)
    hint = ("; did you mean " + " or ".join(f'"{s.kind.capitalize() if s.kind != "step" else "When"} {s.example}"'
                                            for s in close)) if close else ""
    pytest.fail(f"{_where(feature, step)}: no step of the library matches \"{_written(step)}\"{hint} "
                "(careplan steps lists them all)", pytrace=False)
