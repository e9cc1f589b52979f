"""Which firing explains a derived fact that several firings derived: chosen by the derivations, not by timing.

A plan explains a derived fact by one firing that derived it (``Evaluation.chain``). When
several did (a full sister is a relative on both sides, so two table rows derive facts the same
later rule reads; two rules reach the same category), the one the evaluator happened to run first
depended on how the compiler laid the rules out: which ruleset held each rule, and whether durable
or a lookup ran it. A layout change then changed the explanation while every firing stayed the
same. So the explaining firing is chosen from the derivations alone:

1. the shortest derivation first: a firing's rank is its stratum and, within the stratum, one more
   than the deepest fact of that stratum it read; a fact's rank is its best producer's (found in
   rank order, Knuth's generalisation of Dijkstra's algorithm to AND-OR graphs);
2. then the rule whose id sorts first (a table's rows carry their key in the id);
3. then the rule's ``any`` alternative that comes first as written;
4. then the matched facts' ids (content hashes).

Every fact a firing reads has a smaller rank than the firing, so each chain is acyclic and
lists causes before effects. Only facts with more than one producer are decided here (under one
a patient, measured on synthetic patients).
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from engine.run.trace import Evaluation, Firing

Rank = tuple[int, int]  # (stratum, depth within it)
INPUT_RANK: Rank = (-1, 0)


def choose_producers(evaluation: Evaluation, order: dict[str, int]) -> None:
    """Set ``evaluation.producer`` of each fact that several firings derived. ``order``: each rule's
    place in the order of rule ids (a rule missing from it comes last)."""
    derived = evaluation.producer  # a derived fact that was also an input is explained as an input
    producers: dict[str, list[Firing]] = defaultdict(list)
    for firing in evaluation.firings:
        for fid in firing.produced:
            if fid in derived:
                producers[fid].append(firing)
    shared = {fid: found for fid, found in producers.items() if len(found) > 1}
    if not shared:
        return
    ranks = _ranks(evaluation.firings, producers)
    last = len(order)
    for fid, found in shared.items():
        best = min(found, key=lambda f: (ranks.get(f.seq, (f.stratum, 1 << 30)), order.get(f.rule_id, last),
                                         f.variant, f.matched, f.seq))
        evaluation.producer[fid] = best.seq


def _ranks(firings: list[Firing], producers: dict[str, list[Firing]]) -> dict[int, Rank]:
    """Each firing's rank (by seq), found in increasing order of rank."""
    ranking = _Ranking(firings, producers)
    ranking.run()
    return ranking.firing_rank


class _Ranking:
    """Facts are ranked in increasing order from a heap; a firing is ranked once every derived fact it
    reads is, and offers its rank to the facts it derived."""

    def __init__(self, firings: list[Firing], producers: dict[str, list[Firing]]) -> None:
        self.waiting: dict[str, list[Firing]] = defaultdict(list)  # a derived fact -> the firings that read it
        self.missing: dict[int, int] = {}  # a firing -> how many derived facts it reads have no rank yet
        self.heap: list[tuple[Rank, str]] = []
        self.fact_rank: dict[str, Rank] = {}
        self.firing_rank: dict[int, Rank] = {}
        self.firings = firings
        self.derived = producers
        for firing in firings:
            unranked = {fid for fid in firing.matched if fid in producers}
            self.missing[firing.seq] = len(unranked)
            for fid in unranked:
                self.waiting[fid].append(firing)

    def run(self) -> None:
        for firing in self.firings:
            if not self.missing[firing.seq]:
                self._ready(firing)
        while self.heap:
            rank, fid = heapq.heappop(self.heap)
            if fid in self.fact_rank:
                continue
            self.fact_rank[fid] = rank
            for reader in self.waiting.pop(fid, ()):
                self.missing[reader.seq] -= 1
                if not self.missing[reader.seq]:
                    self._ready(reader)

    def _ready(self, firing: Firing) -> None:
        depth = max((self.fact_rank[fid][1] for fid in firing.matched
                     if self.fact_rank.get(fid, INPUT_RANK)[0] == firing.stratum), default=0)
        rank = self.firing_rank[firing.seq] = (firing.stratum, depth + 1)
        for fid in firing.produced:
            if fid in self.derived and fid not in self.fact_rank:
                heapq.heappush(self.heap, (rank, fid))
