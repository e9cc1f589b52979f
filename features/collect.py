"""Collect every ``.feature`` file as a test module of its scenarios (the ``pytest_collect_file`` hook).

So that QA can run one feature by its path (``pytest features/hypertension/blood-pressure.feature``)
and select by file name or tag (``-k blood-pressure``, ``-m hypertension``): each scenario's test id
is ``<feature path>::test_<scenario name>``, and each Gherkin tag is a pytest marker (declared in
pyproject.toml, so ``--strict-markers`` catches a misspelt tag).
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import scenario
from pytest_bdd.feature import get_feature


def _no_body() -> None:
    """The scenario is its steps; nothing runs after them."""


def _test_name(scenario_name: str, taken: dict[str, Any]) -> str:
    base = "test_" + "".join(c if c.isalnum() else "_" for c in scenario_name.lower()).strip("_")
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name


class FeatureModule(pytest.Module):
    """A ``.feature`` file, standing as a module whose test functions are its scenarios."""

    def _getobj(self) -> types.ModuleType:
        path = Path(self.path)
        module = types.ModuleType(f"feature:{path.name}")
        module.__file__ = str(path)
        feature = get_feature(str(path.parent), path.name)
        for scenario_name in feature.scenarios:
            bound = scenario(path.name, scenario_name, features_base_dir=str(path.parent))(_no_body)
            module.__dict__[_test_name(scenario_name, module.__dict__)] = bound
        return module


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature":
        collected: pytest.Collector = FeatureModule.from_parent(parent, path=file_path)
        return collected
    return None
