"""pytest-bdd wiring for the features: the step library and one compiled rule pack per session."""

from __future__ import annotations

import pytest

from engine.generator import Generator
from features.steps.patient_steps import *  # noqa: F403
from features.steps.plan_steps import *  # noqa: F403


@pytest.fixture(scope="session")
def generator() -> Generator:
    """The default rule pack, loaded and compiled once for every scenario."""
    return Generator()
