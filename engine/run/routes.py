"""Where each fact goes: the rulesets of a stratum that read its type and whose screen admits it.

The evaluator sends a fact to a ruleset only when the ruleset consumes the fact's type (an
absent marker only to the rulesets that read its probe) and, for a durable ruleset with a
screen, when the fact meets one of its patterns on their tests against constants
(``engine.run.screen``). Deciding that per fact and ruleset was a test of every fact against
every ruleset of its stratum, at every stratum; here the rulesets are filed by type and probe
once per pack, so a fact meets only the rulesets that read its type.

The absent markers are the same facts for every patient (one per probe and stratum, the probe
id their only field), so they are made once, with their routes, screens already applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from engine.compile.compiler import CompiledPack, CompiledRuleset
from engine.facts.fact import ABSENT_TYPE, Fact
from engine.run.fact_memo import FactMemo
from engine.run.goal import Goal
from engine.run.screen import Screen

Targets = tuple[CompiledRuleset, ...]
Vector = list[Targets | None]  # a fact's routes per stratum, None where not yet worked out


def absent_marker(probe: str) -> Fact:
    """The marker that says a probe found nothing (made once per probe; facts are never changed)."""
    return Fact.make(ABSENT_TYPE, {"probe": probe}, origin="absent")


class Routes:
    """Per stratum, the rulesets each fact is sent to, in the stratum's order of rulesets."""

    def __init__(self, compiled: CompiledPack, screens: dict[str, Screen] | None = None,
                 goal: Goal | None = None) -> None:
        """``screens``: by ruleset name; by default each durable ruleset's own (``{}`` sends unscreened).
        ``goal``: only its rulesets and strata (``engine.run.goal``); by default all of them."""
        strata = compiled.strata if goal is None else goal.through + 1
        self.levels: list[Targets] = [
            tuple(r for r in (*compiled.rulesets, *compiled.lookups)
                  if r.stratum == level and (goal is None or r.name in goal.rulesets))
            for level in range(strata)]
        self.screens = (screens if screens is not None
                        else {r.name: Screen(r) for r in compiled.rulesets if r.screen})
        self._by_type = [_readers(rulesets, lambda r: r.consumes - {ABSENT_TYPE}) for rulesets in self.levels]
        self._by_probe = [_readers(rulesets, lambda r: r.absent_probes if ABSENT_TYPE in r.consumes else ())
                          for rulesets in self.levels]
        # each probe's marker, made once (a probe may be read in more than one stratum), and where it
        # goes at each stratum, screened now: a marker never changes
        marker_of = {probe: absent_marker(probe) for probes in compiled.absent_by_stratum.values() for probe in probes}
        if len({marker.fid for marker in marker_of.values()}) != len(marker_of):
            raise ValueError("two absent markers share an id")  # a hash clash: the evaluator would merge them
        self.markers: dict[int, tuple[Fact, ...]] = {
            level: tuple(marker_of[probe] for probe in probes)
            for level, probes in compiled.absent_by_stratum.items() if level < strata}
        # other facts' routes, worked out at each stratum they reach and kept by content
        self._memo: FactMemo[Vector] = FactMemo()
        self._marker_targets: dict[str, Vector] = {
            marker.fid: [self._screened(level, marker) for level in range(strata)] for marker in marker_of.values()}

    def targets(self, level: int, fact: Fact) -> Targets:
        """The rulesets of stratum ``level`` that ``fact`` is sent to."""
        return self.at(self.vector(fact), level, fact)

    def vector(self, fact: Fact) -> Vector:
        """The fact's routes, one slot per stratum, each filled when first asked for (``at``); the
        same list for the same content, so an evaluation finds it once and keeps it by the fact's id."""
        if fact.origin == "absent":
            known = self._marker_targets.get(fact.fid)
            if known is not None:
                return known
        return self._memo.get(fact) or self._memo.put(fact, [None] * len(self.levels))

    def at(self, vector: Vector, level: int, fact: Fact) -> Targets:
        """The rulesets of stratum ``level`` that ``fact`` is sent to, from its ``vector``."""
        found = vector[level]
        if found is None:
            found = vector[level] = self._screened(level, fact)
        return found

    def _screened(self, level: int, fact: Fact) -> Targets:
        if fact.type == ABSENT_TYPE:
            probe = fact.values.get("probe")
            readers = self._by_probe[level].get(probe, ()) if isinstance(probe, str) else ()
        else:
            readers = self._by_type[level].get(fact.type, ())
        screens = self.screens
        return tuple(r for r in readers if r.name not in screens or screens[r.name].admits(fact))


def _readers(rulesets: Targets, keys: Callable[[CompiledRuleset], Iterable[str]]) -> dict[str, Targets]:
    """Each key (a fact type, a probe) and the rulesets it names, in the stratum's order."""
    filed: dict[str, list[CompiledRuleset]] = defaultdict(list)
    for ruleset in rulesets:
        for key in keys(ruleset):
            filed[key].append(ruleset)
    return {key: tuple(found) for key, found in filed.items()}
