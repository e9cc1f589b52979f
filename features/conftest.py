"""pytest-bdd wiring for the features: the step library, one compiled rule pack per session, the
collection of ``.feature`` files by path, and one-line failures for bad Given values and unknown steps."""

from __future__ import annotations

from typing import Any

import pytest

from engine.generator import Generator
from features.collect import pytest_collect_file  # noqa: F401  (a hook: collects .feature files)
from features.coverage_recorder import record_firings  # noqa: F401  (careplan coverage)
from features.step_errors import check_given_patient, report_unknown_step
from features.steps.patient_steps import *  # noqa: F403
from features.steps.plan_steps import *  # noqa: F403
from features.steps.vocabulary import PackVocabulary


@pytest.fixture(scope="session")
def generator() -> Generator:
    """The default rule pack, loaded and compiled once for every scenario."""
    return Generator()


@pytest.fixture(scope="session")
def vocabulary(generator: Generator) -> PackVocabulary:
    """What the pack can name, so a negative step on a name the pack does not have fails."""
    return PackVocabulary.of(generator.pack)


def pytest_bdd_after_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: Any) -> None:
    check_given_patient(request, feature, step)


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                                      exception: Exception) -> None:
    report_unknown_step(feature, step)
