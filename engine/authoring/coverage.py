"""Which rules and table rows the tests exercise, both ways: fired in some test, shown not to fire in another.

``fired``: the rule (a rule without a table) or row fired during some rule test's evaluation (inline
or sidecar, whatever rule the test is about) or some Gherkin scenario of features/ (recorded by
features/coverage_recorder.py). ``not fired``: a test *about* it did not see it fire: a test of the
rule (for a row: a test naming that row) in which it did not fire. A rule test that does not fire
elsewhere shows nothing about a rule it does not name, so it does not count. A compiled rule (a rule
without a table, or one table row) is covered when it has both; the figures are per domain (the
sub-directory of rules/) and overall.

The scenarios run in a subprocess (``pytest features``); features/coverage_recorder.py writes the rule
ids they fired to the file ``CAREPLAN_COVERAGE_FILE`` names. They run against the project's own pack,
so they count only for it (a pack without features/ leaves them out, and the report says so).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.authoring.inline_tests import RuleTestResult
from engine.lang.rule import RuleSource


@dataclass(frozen=True)
class Covered:
    """One compiled rule: a rule without a table, or one row of a table."""

    rule_id: str
    file_rule_id: str
    domain: str
    location: str
    fired: bool
    not_fired: bool

    @property
    def both(self) -> bool:
        return self.fired and self.not_fired


@dataclass
class Tally:
    items: int = 0
    fired: int = 0
    not_fired: int = 0
    both: int = 0

    def add(self, item: Covered) -> None:
        self.items += 1
        self.fired += item.fired
        self.not_fired += item.not_fired
        self.both += item.both

    @property
    def percent(self) -> float:
        return 100.0 * self.both / self.items if self.items else 100.0


@dataclass
class Coverage:
    rules: list[Covered]  # rules without a table
    rows: list[Covered]  # table rows
    features: bool  # whether the Gherkin scenarios' firings were counted
    domains: dict[str, tuple[Tally, Tally]] = field(default_factory=dict)  # domain -> (rules, rows)

    def total(self) -> tuple[Tally, Tally]:
        rules, rows = Tally(), Tally()
        for item in self.rules:
            rules.add(item)
        for item in self.rows:
            rows.add(item)
        return rules, rows

    @property
    def percent(self) -> float:
        """Covered compiled rules (rules and rows alike) out of all of them: what ``--fail-under`` compares."""
        items = len(self.rules) + len(self.rows)
        covered = sum(i.both for i in self.rules) + sum(i.both for i in self.rows)
        return 100.0 * covered / items if items else 100.0


def domain_of(source: RuleSource) -> str:
    parts = source.doc.path.split("/")
    return parts[1] if len(parts) > 2 else "(top)"


def measure(sources: Iterable[RuleSource], results: Iterable[RuleTestResult],
            feature_firings: frozenset[str] | None) -> Coverage:
    """Coverage from the tests' results (and the rule ids the features fired, when they were run)."""
    fired: set[str] = set(feature_firings or ())
    quiet: set[tuple[str, str | None]] = set()  # (rule file id, row) a test about it did not see fire
    for result in results:
        fired |= result.fired_rules
        if result.fired is False:
            quiet.add((result.rule_id, result.row))
    report = Coverage([], [], feature_firings is not None)
    for source in sources:
        domain = domain_of(source)
        tallies = report.domains.setdefault(domain, (Tally(), Tally()))
        for rule in source.rules:
            row_key = rule.id[len(source.spec.id) + 1:-1] if rule.row is not None else None
            shown = (source.spec.id, row_key) in quiet or (row_key is None and (source.spec.id, None) in quiet)
            item = Covered(rule.id, source.spec.id, domain, rule.located(), rule.id in fired, shown)
            (report.rows if rule.row is not None else report.rules).append(item)
            tallies[1 if rule.row is not None else 0].add(item)
    report.domains = dict(sorted(report.domains.items()))
    return report


COVERAGE_FILE_ENV = "CAREPLAN_COVERAGE_FILE"


@dataclass(frozen=True)
class FeatureRun:
    firings: frozenset[str]
    passed: bool  # whether every scenario passed (a failing scenario still records what it fired)


def features_folder(pack_root: Path) -> Path | None:
    folder = pack_root / "features"
    return folder if (folder / "conftest.py").is_file() else None


def run_features(pack_root: Path) -> FeatureRun:
    """Run the scenarios under ``pack_root/features`` once; raises OSError when pytest cannot be started."""
    with tempfile.TemporaryDirectory(prefix="careplan-coverage-") as scratch:
        target = Path(scratch) / "firings.txt"
        env = {**os.environ, COVERAGE_FILE_ENV: str(target)}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "features", "-q", "-p", "no:cacheprovider", "--no-header"],
            cwd=pack_root, env=env, capture_output=True, check=False)
        text = target.read_text(encoding="utf-8") if target.is_file() else ""
    return FeatureRun(frozenset(line for line in text.splitlines() if line), done.returncode == 0)
