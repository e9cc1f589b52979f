"""A checked rule: engine-neutral, ready for the compiler, with its source location."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.lang.model import ActionItem, Evidence, RuleSpec
from engine.lang.patterns import Pattern
from engine.lang.tables import TableRow
from engine.source.diagnostics import Location
from engine.source.document import SourceDoc


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    title: str
    source: Location
    evidence: Evidence
    variants: tuple[tuple[Pattern, ...], ...]  # one per 'any' item (or one when there is no 'any')
    negations: tuple[Pattern, ...]
    actions: tuple[ActionItem, ...]
    file_rule_id: str  # the id in the file (a table's rows share it)
    row: TableRow | None = None

    @property
    def produces(self) -> frozenset[str]:
        return frozenset(t for a in self.actions if a.assert_ for t in a.assert_)

    @property
    def consumes(self) -> frozenset[str]:
        return frozenset(p.type for v in self.variants for p in v)

    @property
    def reads(self) -> frozenset[tuple[str, str]]:
        """Every (fact type, field) the rule's patterns test, negated ones included: the data it uses
        (a catalogue's "data it uses", the decision-support source attributes), never written by hand."""
        patterns = [p for v in self.variants for p in v] + list(self.negations)
        return frozenset((p.type, t.field) for p in patterns for t in p.tests)

    @property
    def negated_types(self) -> frozenset[str]:
        return frozenset(p.type for p in self.negations)

    def located(self) -> str:
        where = str(self.source)
        if self.row is not None:
            where += f" (row {self.row.number} at {self.row.location})"
        return where


@dataclass
class RuleSource:
    """One rule file as written, with the rules it expands to (a table gives one per row)."""

    spec: RuleSpec
    doc: SourceDoc
    rules: list[Rule] = field(default_factory=list)
