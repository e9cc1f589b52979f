"""What an evaluation did: every firing, the facts it matched and what it produced."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.facts.fact import Fact
from engine.run.outputs import Output


@dataclass(frozen=True)
class Firing:
    seq: int
    rule_id: str
    rule_version: str
    source: str
    stratum: int
    matched: tuple[str, ...]  # fact ids, in pattern order
    produced: tuple[str, ...]  # fact ids of derived facts (new or already known)
    outputs: tuple[Output, ...]  # the plan items it produced, typed per kind
    variant: int = 0  # which of the rule's 'any' alternatives matched (0 without 'any')


@dataclass
class Evaluation:
    facts: dict[str, Fact] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    # derived fact id -> seq of the firing that explains it (engine.run.producers, when several derived it)
    producer: dict[str, int] = field(default_factory=dict)

    def firing(self, seq: int) -> Firing:
        """Firing ``seq``: the evaluator numbers firings 1, 2, ... in order, so it is found by position
        (building a lookup per call made explaining every firing quadratic in the firings)."""
        if 0 < seq <= len(self.firings) and self.firings[seq - 1].seq == seq:
            return self.firings[seq - 1]
        return {f.seq: f for f in self.firings}[seq]

    def chain(self, seq: int) -> list[Firing]:
        """The firings that led to firing ``seq``, inputs first (a topological order): each firing after
        the producers of the facts it matched, in the order it matched them.

        A depth-first walk with its own stack. (A recursive inner function refers to itself through its
        closure: that cycle kept each plan's whole evaluation alive until the cyclic collector's next
        full pass; without it the young collections over 6,000 plans halved.)"""
        ordered: list[Firing] = []
        seen = {seq}
        stack = [(self.firing(seq), 0)]  # a firing, and how many of its matched facts were walked
        while stack:
            firing, walked = stack[-1]
            for index in range(walked, len(firing.matched)):
                upstream = self.producer.get(firing.matched[index])
                if upstream is not None and upstream not in seen:
                    seen.add(upstream)
                    stack[-1] = (firing, index + 1)
                    stack.append((self.firing(upstream), 0))
                    break
            else:
                stack.pop()
                ordered.append(firing)
        return ordered
