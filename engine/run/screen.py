"""Which of a patient's facts a durable ruleset can use at all, decided before durable sees them.

Every fact sent to a durable ruleset costs: the first makes durable build the session's state
for that ruleset (a frame pool and two 512-entry indexes per join node, about 1.2 ms for a
500-rule ruleset on this machine), and every fact is parsed and run through the alpha network.
A fact that meets none of a ruleset's patterns on their tests against constants can take part
in no match there, so it is not sent, and a ruleset left with nothing to read is not called
(nor built a state, nor closed). The screen is each pattern of the ruleset with only its
constant tests (``engine.compile.compiler.screen_of``): equality, ``in``, ``ne``, ``exists`` and
``missing`` are checked by the index the lookups use (``engine.run.lookup``), and an
order comparison with a number (a band's bound) is checked here, only when the fact's value is a
number too (durable compares numbers as doubles, as Python does; anything else is let through).
So the screen never turns away a fact durable could have matched.
"""

from __future__ import annotations

from typing import Any

from engine.compile.compiler import CompiledRuleset
from engine.compile.lookup import ORDER_OPS
from engine.facts.fact import Fact, Scalar
from engine.run.lookup import LookupIndex

OrderTest = tuple[str, str, Any]


def _order_holds(value: Scalar, op: str, bound: float) -> bool:
    if isinstance(value, (bool, str)):
        return True  # not a number: left to durable
    if op == "lt":
        return value < bound
    if op == "le":
        return value <= bound
    if op == "gt":
        return value > bound
    return value >= bound


class Screen:
    """The patterns of one durable ruleset, reduced to their tests against constants."""

    def __init__(self, ruleset: CompiledRuleset) -> None:
        definition: dict[str, Any] = {}
        self._order: dict[str, tuple[OrderTest, ...]] = {}
        for n, (type_name, tests) in enumerate(ruleset.screen):
            name = f"p{n}"
            # the index checks each ordered field's presence; the bounds are checked below
            indexed = [[f, "exists", None] if op in ORDER_OPS else [f, op, v] for f, op, v in tests]
            definition[name] = {"lookup": [["a", type_name, indexed]]}
            self._order[name] = tuple((f, op, v) for f, op, v in tests if op in ORDER_OPS)
        self._index = LookupIndex(CompiledRuleset(ruleset.name, ruleset.stratum, ruleset.consumes, definition, {}),
                                  memo=False)  # the routes that use it are kept by content

    def admits(self, fact: Fact) -> bool:
        """Whether ``fact`` meets at least one of the ruleset's patterns on its constant tests."""
        values = fact.values
        return any(all(_order_holds(values[f], op, bound) for f, op, bound in self._order[p.rule])
                   for p in self._index.met_by(fact))
