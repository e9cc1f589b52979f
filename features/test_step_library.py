"""Every step of the library is declared with an example that it matches, and that no other step
matches (pytest-bdd would run whichever it found first)."""

from __future__ import annotations

import pytest

from features.steps.common import STEPS, StepDeclaration, phrase
from features.steps.patient_steps import REPO_ROOT


def test_the_library_has_its_steps() -> None:
    assert len(STEPS) >= 80
    assert {s.kind for s in STEPS} == {"given", "when", "then", "step"}


@pytest.mark.parametrize("declared", STEPS, ids=lambda s: s.pattern)
def test_each_example_matches_its_own_step_and_only_it(declared: StepDeclaration) -> None:
    assert phrase(declared.pattern).is_matching(declared.example), f"{declared.example!r} is not {declared.pattern!r}"
    others = [s.pattern for s in STEPS if s is not declared and s.kind in (declared.kind, "step")
              and phrase(s.pattern).is_matching(declared.example)]
    assert others == []


def test_the_example_patient_file_step_names_a_file_that_exists() -> None:
    [from_file] = [s for s in STEPS if s.pattern.startswith("the patient from")]
    assert (REPO_ROOT / phrase(from_file.pattern).parse_arguments(from_file.example)["path"]).is_file()
