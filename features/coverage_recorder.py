"""Record which rules the Gherkin scenarios fire, for ``careplan coverage``.

Active only when ``CAREPLAN_COVERAGE_FILE`` names a file: every evaluation the scenarios run is
observed (the real evaluator runs unchanged; its firings are read afterwards), and at the end of the
session the ids of the rules that fired are written there, one per line, sorted. Registered by one
import in features/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.authoring.coverage import COVERAGE_FILE_ENV
from engine.facts.fact import Fact
from engine.run.evaluate import Evaluator
from engine.run.goal import Goal
from engine.run.trace import Evaluation


@pytest.fixture(scope="session", autouse=True)
def record_firings() -> Iterator[None]:
    target = os.environ.get(COVERAGE_FILE_ENV)
    if not target:
        yield
        return
    fired: set[str] = set()
    original = Evaluator.evaluate

    def observed(self: Evaluator, facts: list[Fact], goal: Goal | None = None) -> Evaluation:
        evaluation = original(self, facts, goal)
        fired.update(f.rule_id for f in evaluation.firings)
        return evaluation

    Evaluator.evaluate = observed  # type: ignore[method-assign]
    try:
        yield
    finally:
        Evaluator.evaluate = original  # type: ignore[method-assign]
        Path(target).write_text("".join(f"{rule_id}\n" for rule_id in sorted(fired)), encoding="utf-8")
