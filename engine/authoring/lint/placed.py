"""Each pattern of a checked rule with its place in the rule file, for locating findings.

A checked ``Rule`` keeps its patterns as variants (the ``all`` patterns plus one ``any`` pattern
each) and negations; this puts each back at ``when.<section>[i]``. For a decision table's row rule
a value that came from a ``{column: ...}`` cell is located at the table row, where it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.lang.patterns import Pattern
from engine.lang.rule import Rule, RuleSource
from engine.lang.tables import column_references
from engine.source.diagnostics import Location
from engine.source.document import PathKey, value_at


@dataclass(frozen=True)
class PlacedPattern:
    section: str  # all, any or none
    index: int
    pattern: Pattern

    @property
    def path(self) -> PathKey:
        return ("when", self.section, self.index, self.pattern.type)


def _when(source: RuleSource) -> dict[str, Any]:
    when = source.doc.data.get("when") if isinstance(source.doc.data, dict) else None
    return when if isinstance(when, dict) else {}


def placed_patterns(source: RuleSource, rule: Rule) -> list[PlacedPattern]:
    """Every pattern of the rule once, in the order written (a loaded rule parsed each one)."""
    when = _when(source)
    base = len(when.get("all") or [])
    placed = [PlacedPattern("all", i, p) for i, p in enumerate(rule.variants[0][:base])] if rule.variants else []
    if when.get("any"):
        placed += [PlacedPattern("any", i, variant[base]) for i, variant in enumerate(rule.variants)]
    placed += [PlacedPattern("none", i, p) for i, p in enumerate(rule.negations)]
    return placed


def variants_placed(source: RuleSource, rule: Rule) -> list[list[PlacedPattern]]:
    """Each variant of the rule (its ``all`` patterns and one ``any`` pattern) as placed patterns."""
    placed = [p for p in placed_patterns(source, rule) if p.section != "none"]
    base = [p for p in placed if p.section == "all"]
    alternatives = [p for p in placed if p.section == "any"]
    return [[*base, alt] for alt in alternatives] if alternatives else [base]


def from_table(source: RuleSource, path: PathKey) -> bool:
    """Whether what the rule file holds at ``path`` names a table column."""
    return bool(column_references(value_at(source.doc.data, path)))


def locate(source: RuleSource, rule: Rule, path: PathKey, *, key: bool = False) -> Location:
    """Where a reader fixes what is at ``path``: the table row when the value is a row's cell."""
    if rule.row is not None and from_table(source, path):
        return rule.row.location
    return source.doc.locate(path, key=key)


def every_rule(sources: list[RuleSource]) -> list[tuple[RuleSource, Rule]]:
    return [(source, rule) for source in sources for rule in source.rules]
