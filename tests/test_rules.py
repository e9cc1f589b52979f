"""Every inline test of every rule in the default pack, one pytest item each ("rule_id::test name")."""

from __future__ import annotations

import pytest

from engine.authoring.inline_tests import RuleTestResult, run_source_tests
from engine.generator import Generator
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from engine.source.diagnostics import DiagnosticError


def _collect() -> list[tuple[str, int, str]]:
    """(rule id, index of the test in its file, test name) for every inline test; read at collection."""
    try:
        pack = load_pack(default_pack_root())
    except DiagnosticError as exc:  # reported by test_default_pack_loads
        return [("<pack does not load>", -1, exc.report())]
    return [(source.spec.id, index, test.name)
            for source in pack.sources for index, test in enumerate(source.spec.tests)]


CASES = _collect()


@pytest.fixture(scope="session")
def rule_test_results(default_generator: Generator) -> dict[tuple[str, int], RuleTestResult]:
    results: dict[tuple[str, int], RuleTestResult] = {}
    for source in default_generator.pack.sources:
        for index, result in enumerate(run_source_tests(default_generator, source)):
            results[(source.spec.id, index)] = result
    return results


def test_default_pack_loads() -> None:
    load_pack(default_pack_root())
    assert CASES and CASES[0][1] >= 0


@pytest.mark.parametrize(("rule_id", "index", "name"), CASES, ids=[f"{r}::{n}" for r, _i, n in CASES])
def test_inline_rule_test(rule_test_results: dict[tuple[str, int], RuleTestResult], rule_id: str, index: int,
                          name: str) -> None:
    if index < 0:
        pytest.fail(f"the default pack does not load:\n{name}")
    result = rule_test_results[(rule_id, index)]
    assert result.name == name
    assert result.passed, f"{result.location}: {result.message}"


def test_every_rule_has_inline_tests(default_generator: Generator) -> None:
    for source in default_generator.pack.sources:
        # both sides: a test that fires (bare or with output assertions) and one that does not
        expects = {"fires" if t.expectation is None or t.expectation.fires else "does_not_fire"
                   for t in source.spec.tests}
        assert expects == {"fires", "does_not_fire"}, source.spec.id
