"""Exact-match rules as hashed lookups: which rules durable never sees, and their data form.

Most of the default pack is table rows (pharmacogenomics: gene, phenotype and drug) whose
patterns only test fields against constants for equality. durable-rules pays for every such
rule in each session it opens (its per-call cost grows with the rules of a ruleset), though a
fact can meet only the rows keyed by its own values. The compiler therefore takes these rules
out of durable: ``engine.run.lookup`` indexes their patterns by the values they require and
finds a fact's rows with one dictionary lookup per pattern shape, producing the same
activations durable would (the reference evaluator's semantics: every combination of distinct
facts, one per pattern, each meeting its pattern).

A pattern is an exact-match pattern when every test compares a field with a constant by
``eq``, ``in``, ``ne``, ``exists`` or ``missing``. Ordered comparisons (``lt`` ... ``ge``) and
joins (``ref``) stay in durable, whose alpha network handles ranges and whose beta network
handles joins.
"""

from __future__ import annotations

from typing import Any

from engine.compile.partition import Item
from engine.lang.patterns import Pattern, Ref

LOOKUP_OPS = frozenset({"eq", "in", "ne", "exists", "missing"})
LOOKUP_KINDS = frozenset({"rule", "probe"})  # keyed probes correlate facts (joins): durable keeps them


def is_exact_match(pattern: Pattern) -> bool:
    return all(t.op in LOOKUP_OPS and not isinstance(t.value, Ref) for t in pattern.tests)


def is_lookup(item: Item) -> bool:
    """Whether an item can be evaluated by ``engine.run.lookup`` rather than by durable."""
    return item.handler_kind in LOOKUP_KINDS and bool(item.patterns) and all(
        is_exact_match(p) for p in item.patterns)


def lookup_rule(item: Item, alias_of: dict[str, str]) -> dict[str, Any]:
    """One rule as plain JSON: its patterns in order, each ``[durable alias, type, [[field, op, value], ...]]``.

    ``in`` values become lists; the other values are the rule's own scalars (a bool stays a bool).
    """
    patterns = []
    for pattern in item.patterns:
        tests = [[t.field, t.op, list(t.value) if isinstance(t.value, tuple) else t.value] for t in pattern.tests]
        patterns.append([alias_of[pattern.alias], pattern.type, tests])
    return {"lookup": patterns}
