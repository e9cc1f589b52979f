"""An evaluation that needs only some fact types: the rulesets that can derive them, and the strata.

A conformance check asks one thing of a patient (the phenotype a diplotype is given), not a plan.
The rules that can bear on the answer are those that derive a wanted type, and then, rule by rule,
those that derive a type such a rule reads (in a pattern or in a ``none``), to a fixpoint. Every
other rule derives only facts no wanted rule reads, so leaving it out changes no wanted fact.
So are the probes of those rules' ``none`` patterns, since a probe's finding ("present") is what
a ``none`` reads. The rulesets holding neither are skipped, and so are the strata after the last
one holding a wanted rule: strata run in order and facts are never retracted, so by then the
wanted facts are all there.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compile.compiler import CompiledPack, probe_id

_PROBES = ("probe", "keyed-probe")


@dataclass(frozen=True)
class Goal:
    types: frozenset[str]  # the fact types asked for
    rulesets: frozenset[str]  # the rulesets to run (the rest are skipped)
    through: int  # the last stratum to run (-1: no rule derives a wanted type)


def goal_for(compiled: CompiledPack, types: frozenset[str]) -> Goal:
    """The rulesets and strata that derive every fact of ``types`` a whole evaluation would."""
    needed = set(types)
    wanted_rules: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in compiled.rules.values():
            if rule.id not in wanted_rules and rule.produces & needed:
                wanted_rules.add(rule.id)
                needed |= rule.consumes | rule.negated_types
                changed = True
    rules = [compiled.rules[rule_id] for rule_id in wanted_rules]
    # a plain probe is named by its pattern, a keyed one by its rule (engine.compile.compiler._negations)
    probes = ({probe_id(pattern) for rule in rules for pattern in rule.negations}
              | {negation.probe for rule in rules for negation in compiled.keyed_negations.get(rule.id, ())})
    rulesets: set[str] = set()
    through = -1
    for ruleset in (*compiled.rulesets, *compiled.lookups):
        kinds = {handler.kind for handler in ruleset.handlers.values()
                 if (handler.kind in _PROBES and handler.target in probes)
                 or (handler.kind == "rule" and handler.target in wanted_rules)}
        if kinds:
            rulesets.add(ruleset.name)
        if "rule" in kinds:
            through = max(through, ruleset.stratum)
    return Goal(frozenset(types), frozenset(rulesets), through)
