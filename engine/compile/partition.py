"""Pack rules into durable-rules rulesets within the engine's measured limits.

durable-rules 2.0.28 fails, at registration or on the first patient, when a ruleset passes
one of these (../docs/engine.md): a fact may satisfy at most 64 alpha conditions (error 303);
at most 256 rules share one identical condition (error 108); one node takes at most 128
``$or`` children, and ``$or`` nodes are never shared (error 107); 4,096 rules per ruleset.
Its per-call cost also grows with the rules in a ruleset, so rulesets are kept small.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from engine.lang.patterns import Pattern, Ref, Test

OR_LIMIT = 120  # one node may have at most 128 $or children (measured on durable-rules 2.0.28: 129 gives error 107)
SHARE_LIMIT = 250  # durable lets at most 256 rules share one identical alpha condition (error 108)
# durable allows 4,096 rules per ruleset, but its per-call cost grows with the rules in it
# (measured on the imported CPIC pack: one 2,166-rule ruleset 33 ms a patient, 500-rule ones 3 ms)
RULE_LIMIT = 500
CONDITION_LIMIT = 56  # a fact may satisfy at most 64 alpha conditions per ruleset (error 303); keep a margin


def condition_bound(patterns: list[list[Test]]) -> int:
    """An upper bound on the alpha conditions one fact can satisfy among these patterns.

    Patterns that test one field for different values exclude each other, so only the
    worst value's branch counts; everything else is summed.
    """
    if not patterns:
        return 0
    counts: dict[str, int] = defaultdict(int)
    for tests in patterns:
        for field in {t.field for t in tests if t.op in ("eq", "in") and not isinstance(t.value, Ref)}:
            counts[field] += 1
    if not counts:
        return sum(len(tests) + 1 for tests in patterns)
    field = max(sorted(counts), key=lambda f: counts[f])
    rest: list[list[Test]] = []
    branches: dict[Any, list[list[Test]]] = defaultdict(list)
    for tests in patterns:
        split = [t for t in tests if t.field == field and t.op in ("eq", "in") and not isinstance(t.value, Ref)]
        if not split:
            rest.append(tests)
            continue
        others = [t for t in tests if t not in split]
        values = split[0].value if split[0].op == "in" else (split[0].value,)
        assert isinstance(values, tuple)
        for value in values:
            branches[(type(value).__name__, value)].append(others)
    worst = max(1 + condition_bound(group) for group in branches.values())
    return condition_bound(rest) + worst


# what the evaluator does when a compiled rule fires: a rule's actions, a probe's absence bookkeeping,
# or nothing (the sentinel that ends each evaluation; the absorber of facts no rule consumes)
HandlerKind = Literal["rule", "probe", "keyed-probe", "sentinel", "absorber"]


@dataclass
class Item:
    """A unit placed into a ruleset: one variant of a rule, or one probe."""

    name_hint: str
    patterns: list[Pattern]
    handler_kind: HandlerKind
    target: str
    key_aliases: tuple[str, ...] = ()
    variant: int = 0


NodeCounts = Counter[tuple[str, str, tuple[Test, ...]]]


def has_or(pattern: Pattern) -> bool:
    return any(t.op == "in" and isinstance(t.value, tuple) and len(t.value) > 1 for t in pattern.tests)


def node_counts(items: list[Item]) -> NodeCounts:
    """Counts that durable limits per ruleset, and that simply add up across items.

    ("shared", type, tests): rules sharing one identical pattern (at most 256, error 108);
    ("or", type, tests): ``$or`` nodes under one parent, which durable never shares (at most
    128 children, error 107; measured on durable-rules 2.0.28).
    """
    counts: NodeCounts = Counter()
    for item in items:
        for type_name, tests in {(p.type, p.tests) for p in item.patterns}:
            counts[("shared", type_name, tests)] += 1
        for pattern in item.patterns:
            if has_or(pattern):
                counts[("or", pattern.type, tuple(t for t in pattern.tests if t.op != "in"))] += 1
    return counts


class _OpenRuleset:
    """The ruleset being filled: its items, distinct patterns per fact type and their condition bounds."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.distinct: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self.estimate: dict[str, int] = defaultdict(int)
        self.nodes: NodeCounts = Counter()

    def _new_patterns(self, item: Item) -> dict[str, set[tuple[Any, ...]]]:
        added: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        for index, pattern in enumerate(item.patterns):
            # identical patterns share alpha nodes, but durable never shares an $or node: each one
            # counts on a matching fact's stack
            key = (pattern.tests,) if not has_or(pattern) else (pattern.tests, id(item), index)
            if key not in self.distinct[pattern.type]:
                added[pattern.type].add(key)
        return added

    def _bounds(self, added: dict[str, set[tuple[Any, ...]]]) -> dict[str, int] | None:
        """The condition bound per fact type with ``added``; None when one passes the limit."""
        sums = {t: self.estimate[t] + condition_bound([list(k[0]) for k in new]) + 1 for t, new in added.items()}
        for type_name, total in sums.items():
            if total > CONDITION_LIMIT:
                exact = condition_bound([list(k[0]) for k in self.distinct[type_name] | added[type_name]]) + 1
                if exact > CONDITION_LIMIT:
                    return None
                sums[type_name] = exact
        return sums

    def admit(self, item: Item) -> bool:
        item_nodes = node_counts([item])
        if len(self.items) >= RULE_LIMIT or any(self.nodes[k] + n > _NODE_LIMITS[k[0]] for k, n in item_nodes.items()):
            return False
        added = self._new_patterns(item)
        sums = self._bounds(added)
        if sums is None:
            return False
        for type_name, new in added.items():
            self.distinct[type_name] |= new
            self.estimate[type_name] = sums[type_name]
        self.nodes.update(item_nodes)
        self.items.append(item)
        return True


_NODE_LIMITS = {"shared": SHARE_LIMIT, "or": OR_LIMIT}


def partition(groups: list[list[Item]]) -> list[list[Item]]:
    """Pack items (in rule-file order) into rulesets under durable's limits, in one pass.

    Per fact type the distinct patterns are kept (identical ones share alpha nodes). The
    condition bound of a union is at most the sum of the bounds, so a running sum over new
    distinct patterns is kept, and the exact (slower) bound of a type is computed only when
    its sum passes the limit; the exact value then becomes the type's running sum.
    """
    rulesets: list[list[Item]] = []
    current = _OpenRuleset()
    for item in (item for group in groups for item in group):
        if current.admit(item):
            continue
        if not current.items:
            raise AssertionError(f"{item.name_hint} alone exceeds durable's limits")  # 32 patterns at most
        rulesets.append(current.items)
        current = _OpenRuleset()
        current.admit(item)
    if current.items:
        rulesets.append(current.items)
    return rulesets
