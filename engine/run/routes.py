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

from engine.compile.compiler import CompiledPack, CompiledRuleset
from engine.facts.fact import ABSENT_TYPE, Fact
from engine.run.screen import Screen

Targets = tuple[CompiledRuleset, ...]


def absent_marker(probe: str) -> Fact:
    """The marker that says a probe found nothing (made once per probe; facts are never changed)."""
    return Fact.make(ABSENT_TYPE, {"probe": probe}, origin="absent")


class Routes:
    """Per stratum, the rulesets each fact is sent to, in the stratum's order of rulesets."""

    def __init__(self, compiled: CompiledPack, screens: dict[str, Screen] | None = None) -> None:
        """``screens``: by ruleset name; by default each durable ruleset's own (``{}`` sends unscreened)."""
        self.levels: list[Targets] = [
            tuple(r for r in (*compiled.rulesets, *compiled.lookups) if r.stratum == level)
            for level in range(compiled.strata)]
        self.screens = (screens if screens is not None
                        else {r.name: Screen(r) for r in compiled.rulesets if r.screen})
        self._by_type: list[dict[str, Targets]] = []
        self._by_probe: list[dict[str, Targets]] = []
        for rulesets in self.levels:
            by_type: dict[str, list[CompiledRuleset]] = defaultdict(list)
            by_probe: dict[str, list[CompiledRuleset]] = defaultdict(list)
            for ruleset in rulesets:
                for type_name in ruleset.consumes - {ABSENT_TYPE}:
                    by_type[type_name].append(ruleset)
                if ABSENT_TYPE in ruleset.consumes:
                    for probe in ruleset.absent_probes:
                        by_probe[probe].append(ruleset)
            self._by_type.append({t: tuple(rs) for t, rs in by_type.items()})
            self._by_probe.append({p: tuple(rs) for p, rs in by_probe.items()})
        # each probe's marker, made once (a probe may be read in more than one stratum), and where it
        # goes at each stratum, screened now: a marker never changes
        by_probe = {probe: absent_marker(probe)
                    for probes in compiled.absent_by_stratum.values() for probe in probes}
        if len({marker.fid for marker in by_probe.values()}) != len(by_probe):
            raise ValueError("two absent markers share an id")  # a hash clash: the evaluator would merge them
        self.markers: dict[int, tuple[Fact, ...]] = {
            level: tuple(by_probe[probe] for probe in probes) for level, probes in compiled.absent_by_stratum.items()}
        self._marker_targets: dict[str, list[Targets]] = {
            marker.fid: [self._screened(level, marker) for level in range(len(self.levels))]
            for marker in by_probe.values()}

    def targets(self, level: int, fact: Fact) -> Targets:
        """The rulesets of stratum ``level`` that ``fact`` is sent to."""
        if fact.origin == "absent":
            known = self._marker_targets.get(fact.fid)
            if known is not None:
                return known[level]
        return self._screened(level, fact)

    def _screened(self, level: int, fact: Fact) -> Targets:
        if fact.type == ABSENT_TYPE:
            probe = fact.values.get("probe")
            readers = self._by_probe[level].get(probe, ()) if isinstance(probe, str) else ()
        else:
            readers = self._by_type[level].get(fact.type, ())
        screens = self.screens
        return tuple(r for r in readers if r.name not in screens or screens[r.name].admits(fact))
