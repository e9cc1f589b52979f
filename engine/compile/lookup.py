"""Rules that compare fields with constants, as lookups: which rules durable never sees, and their data form.

Most of the default pack is table rows (pharmacogenomics: gene, phenotype and drug; clinical
thresholds: a band of a reading per row) whose patterns only test fields against constants.
durable-rules pays for every such rule in each session it opens (its per-call cost grows with
the rules of a ruleset, and building a session's state for a ruleset costs more than the
matching), though a fact can meet only the rows keyed by its own values. The compiler therefore
takes these rules out of durable: ``engine.run.lookup`` indexes their patterns by the values they
require (and a table of thresholds by the pieces of the number line its bounds cut,
``engine.run.bands``), producing the same activations durable would (the reference evaluator's
semantics: every combination of distinct facts, one per pattern, each meeting its pattern).

A pattern is a constant pattern when every test compares a field with a constant: ``eq``,
``in``, ``ne``, ``exists`` or ``missing``, or an order comparison (``lt`` ... ``ge``) with a
number. Joins (``ref``: a test against another fact's field) stay in durable, whose beta network
handles them, and so do keyed probes (they correlate facts too). The pack checker refuses an
order comparison between a field and a value of another type, so durable's lexicographic
comparison of a string with a number (docs/engine.md) never arises; here it could not either.
"""

from __future__ import annotations

from typing import Any

from engine.compile.partition import Item
from engine.lang.patterns import Pattern, Ref, Test

LOOKUP_OPS = frozenset({"eq", "in", "ne", "exists", "missing"})
ORDER_OPS = frozenset({"lt", "le", "gt", "ge"})
LOOKUP_KINDS = frozenset({"rule", "probe"})  # keyed probes correlate facts (joins): durable keeps them


def _constant_test(test: Test) -> bool:
    """A test against a constant (an ``in`` operand is a tuple of scalars, never a ref)."""
    if isinstance(test.value, Ref):
        return False
    if test.op in ORDER_OPS:
        return isinstance(test.value, (int, float)) and not isinstance(test.value, bool)
    return test.op in LOOKUP_OPS


def is_constant_pattern(pattern: Pattern) -> bool:
    return all(_constant_test(t) for t in pattern.tests)


def is_lookup(item: Item) -> bool:
    """Whether an item can be evaluated by ``engine.run.lookup`` rather than by durable."""
    return item.handler_kind in LOOKUP_KINDS and bool(item.patterns) and all(
        is_constant_pattern(p) for p in item.patterns)


def lookup_rule(item: Item, alias_of: dict[str, str]) -> dict[str, Any]:
    """One rule as plain JSON: its patterns in order, each ``[durable alias, type, [[field, op, value], ...]]``.

    ``in`` values become lists; the other values are the rule's own scalars (a bool stays a bool).
    """
    patterns = []
    for pattern in item.patterns:
        tests = [[t.field, t.op, list(t.value) if isinstance(t.value, tuple) else t.value] for t in pattern.tests]
        patterns.append([alias_of[pattern.alias], pattern.type, tests])
    return {"lookup": patterns}
