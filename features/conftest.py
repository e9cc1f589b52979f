"""pytest-bdd wiring for the features: the step library and one compiled rule pack per session."""

from __future__ import annotations

import pytest

from engine.generator import Generator
from features.coverage_recorder import record_firings  # noqa: F401  (careplan coverage)
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
