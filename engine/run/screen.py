"""Which of a patient's facts a durable ruleset can use at all, decided before durable sees them.

Every fact sent to a durable ruleset costs: the first makes durable build the session's state
for that ruleset (a frame pool and two 512-entry indexes per join node, about 1.2 ms for a
500-rule ruleset on this machine), and every fact is parsed and run through the alpha network.
A fact that meets none of a ruleset's patterns on their tests against constants can take part
in no match there, so it is not sent, and a ruleset left with nothing to read is not called
(nor built a state, nor closed). The screen is each pattern of the ruleset with only its
constant tests (``engine.compile.compiler.screen_of``), checked by the same index the exact-match
lookups use (``engine.run.lookup``), so it never turns away a fact durable could have matched.
"""

from __future__ import annotations

from engine.compile.compiler import CompiledRuleset
from engine.facts.fact import Fact
from engine.run.lookup import LookupIndex


class Screen:
    """The patterns of one durable ruleset, reduced to their tests against constants."""

    def __init__(self, ruleset: CompiledRuleset) -> None:
        definition = {f"p{n}": {"lookup": [["a", type_name, [list(test) for test in tests]]]}
                      for n, (type_name, tests) in enumerate(ruleset.screen)}
        self._index = LookupIndex(CompiledRuleset(ruleset.name, ruleset.stratum, ruleset.consumes, definition, {}))

    def admits(self, fact: Fact) -> bool:
        """Whether ``fact`` meets at least one of the ruleset's patterns on its constant tests."""
        return bool(self._index.met_by(fact))
