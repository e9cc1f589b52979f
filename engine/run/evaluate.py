"""Evaluate a compiled pack over one patient's facts, stratum by stratum, to a fixpoint.

Derived facts are asserted by this loop, not from inside durable actions: each new fact
goes to every ruleset of the stratum that consumes its type, so chaining crosses ruleset
boundaries, identical derivations are asserted once, and a firing budget stops runaway
chaining. The budget grows with the input (a base plus a multiple of the input facts): a
long medication list fires more rules without chaining. Between strata, probes that found
nothing become ``__absent`` markers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from engine.compile.compiler import CompiledPack, CompiledRuleset, Handler
from engine.facts.fact import ABSENT_TYPE, Fact, UnrepresentableNumber
from engine.facts.schema import FactSchema
from engine.lang.rule import Rule
from engine.lang.vocabulary import ActionKind
from engine.run.fact_memo import FactMemo
from engine.run.goal import Goal
from engine.run.lookup import LookupIndex, LookupSession
from engine.run.output_memo import DerivedMemo, OutputMemo
from engine.run.outputs import Output
from engine.run.producers import choose_producers
from engine.run.routes import Routes, Vector
from engine.run.runtime import Activation, EngineError, Runtime, Session, fact_text
from engine.run.trace import Evaluation, Firing

_FID = attrgetter("fid")  # facts are sorted by id wherever their order could show
ProbeHit = tuple[str, tuple[str, ...]]
ActivationKey = tuple[str, tuple[tuple[str, str], ...]]  # ruleset/rule and bindings


@dataclass
class _Sessions:
    """One patient's sessions: durable's, one per lookup ruleset, and each fact's JSON text (written once)."""

    durable: Session
    lookups: dict[str, LookupSession]
    texts: FactMemo[str]  # the evaluator's, kept across patients

    def assert_facts(self, ruleset: CompiledRuleset, batch: list[Fact], seen: set[ActivationKey]) -> list[Activation]:
        """Assert ``batch`` (facts the routes sent, already screened) into a durable ruleset, or match
        it against a lookup ruleset: the activations not in ``seen`` (which they are added to)."""
        lookup = self.lookups.get(ruleset.name)
        if lookup is not None:
            return lookup.assert_facts(batch)  # each combination once, never seen before (engine.run.lookup)
        fresh = []
        for activation in self.durable.assert_texts(ruleset.name, [self._text(f) for f in batch]):
            key = (activation.ruleset + "/" + activation.rule_name, tuple(sorted(activation.bindings.items())))
            if key not in seen:  # durable fires an 'in' ($or) pattern once per true branch
                seen.add(key)
                fresh.append(activation)
        return fresh

    def _text(self, fact: Fact) -> str:
        text = self.texts.get(fact)
        if text is None:
            try:
                text = self.texts.put(fact, fact_text(fact.engine_dict()))
            except UnrepresentableNumber as exc:  # the loader's bounds should make this impossible
                raise EngineError(f"a {fact.type} fact: {exc}") from None
        return text


@dataclass(frozen=True)
class _PreparedRule:
    """What a firing of a rule reads of it, worked out once: its file:line (and row), and each action's
    place, kind and spec (an ``assert`` action's spec is the types and fields it derives)."""

    source: str
    actions: tuple[tuple[int, ActionKind, Any], ...]

    @staticmethod
    def of(rule: Rule) -> _PreparedRule:
        actions = []
        for number, action in enumerate(rule.actions):
            kind = action.kind()
            actions.append((number, kind, (action.assert_ or {}) if kind == "assert" else getattr(action, kind)))
        return _PreparedRule(rule.located(), tuple(actions))


REPORTED_RULES = 5  # an exhausted budget names the rules that fired most


@dataclass(frozen=True)
class FiringBudget:
    """How many rule firings one patient may take: ``base`` plus ``per_input_fact`` per input fact.

    Work that grows with the data is not chaining: each medicine fires a few population and
    class rules, each genotype a few allele rules. Rules that chain without end exceed any
    such bound. (Probes, absorbers and the sentinel are bookkeeping and are not counted.)
    """

    base: int = 5000
    per_input_fact: int = 20

    def limit(self, input_facts: int) -> int:
        return self.base + self.per_input_fact * input_facts

    def explain(self, input_facts: int) -> str:
        if not self.per_input_fact:
            return f"firing budget of {self.limit(input_facts)}"
        return (f"firing budget of {self.limit(input_facts)} ({self.base} + {self.per_input_fact} per input fact, "
                f"{input_facts} input facts)")


DEFAULT_FIRING_BUDGET = FiringBudget()


class Evaluator:
    def __init__(self, compiled: CompiledPack, schema: FactSchema, runtime: Runtime | None = None,
                 firing_budget: int | FiringBudget = DEFAULT_FIRING_BUDGET) -> None:
        """``firing_budget``: a ``FiringBudget``, or a number for a fixed budget whatever the input."""
        self.compiled = compiled
        self.schema = schema
        self.runtime = runtime or Runtime()
        self.runtime.register(compiled.rulesets)
        self.budget = (firing_budget if isinstance(firing_budget, FiringBudget)
                       else FiringBudget(base=firing_budget, per_input_fact=0))
        self._by_name = {r.name: r for r in compiled.rulesets}
        self._lookups = {r.name: LookupIndex(r) for r in compiled.lookups}
        # per stratum: durable's rulesets, then the stratum's lookup (at most one)
        self._routes = Routes(compiled)
        self._routes_by_goal: dict[Goal, Routes] = {}
        self._texts: FactMemo[str] = FactMemo()  # each fact's JSON text for durable, by content
        self._outputs = OutputMemo()  # each firing's plan outputs, by the contents it read
        self._derived = DerivedMemo()  # and the facts it derives
        self._order = {rule_id: n for n, rule_id in enumerate(compiled.rules)}  # rule ids in order (compiled sorted)
        self._prepared: dict[str, _PreparedRule] = {}  # by rule id, for the rules that fired (bounded by the pack)
        self._inputs = 0  # input facts of the evaluation under way (the budget grows with them)

    def evaluate(self, facts: list[Fact], goal: Goal | None = None) -> Evaluation:
        """Evaluate the whole pack, or only what derives the ``goal``'s fact types (``engine.run.goal``):
        then the evaluation's facts of those types are the whole evaluation's, and nothing else is."""
        result = Evaluation()
        for fact in sorted(facts, key=_FID):
            result.facts.setdefault(fact.fid, fact)
        self._inputs = len(result.facts)
        # what the probes found: (probe id, ids of the facts it was keyed on; () for a plain probe)
        present: set[ProbeHit] = set()
        vectors: dict[str, Vector] = {}  # each fact's routes, by id: found once per evaluation
        with self.runtime.session() as session:
            sessions = _Sessions(session, {name: LookupSession(index) for name, index in self._lookups.items()},
                                 self._texts)
            routes = self._routes if goal is None else self._goal_routes(goal)
            for level, rulesets in enumerate(routes.levels):
                for marker in routes.markers.get(level, ()):
                    if (marker.values["probe"], ()) not in present:
                        result.facts[marker.fid] = marker
                self._run_stratum(sessions, routes, level, rulesets, list(result.facts.values()), result, present,
                                  vectors)
        choose_producers(result, self._order)
        return result

    def _goal_routes(self, goal: Goal) -> Routes:
        routes = self._routes_by_goal.get(goal)
        if routes is None:
            routes = self._routes_by_goal[goal] = Routes(self.compiled, self._routes.screens, goal)
        return routes

    def _run_stratum(self, sessions: _Sessions, routes: Routes, level: int, rulesets: tuple[CompiledRuleset, ...],
                     known: list[Fact], result: Evaluation, present: set[ProbeHit],
                     vectors: dict[str, Vector]) -> None:
        pending: dict[str, list[Fact]] = {r.name: [] for r in rulesets}
        # every known fact is offered at every stratum, and most go nowhere: this is _send without
        # its two calls a fact (about 3% of an evaluation in an A/B of 1,000 patients)
        for fact in sorted(known, key=_FID):
            vector = vectors.get(fact.fid)
            if vector is None:
                vector = vectors[fact.fid] = routes.vector(fact)
            targets = vector[level]
            if targets is None:
                targets = routes.at(vector, level, fact)
            for target in targets:
                pending[target.name].append(fact)
        send = self._send
        seen: set[ActivationKey] = set()  # a stratum's durable activations
        while any(pending.values()):
            for ruleset in rulesets:
                batch, pending[ruleset.name] = pending[ruleset.name], []
                if not batch:
                    continue
                for activation in sessions.assert_facts(ruleset, batch, seen):
                    for fact in self._fire(ruleset, activation, result, present):
                        send(routes, vectors, pending, level, fact)

    @staticmethod
    def _send(routes: Routes, vectors: dict[str, Vector], pending: dict[str, list[Fact]], level: int,
              fact: Fact) -> None:
        vector = vectors.get(fact.fid)
        if vector is None:
            vector = vectors[fact.fid] = routes.vector(fact)
        for target in routes.at(vector, level, fact):
            pending[target.name].append(fact)

    def _fire(self, ruleset: CompiledRuleset, activation: Activation, result: Evaluation,
              present: set[ProbeHit]) -> list[Fact]:
        """Record one activation; the derived facts it adds (new ones only) are returned."""
        handler = ruleset.handlers.get(activation.rule_name)
        if handler is None:
            raise EngineError(f"unknown action {activation.rule_name} in {ruleset.name}")
        if handler.kind in ("probe", "keyed-probe"):
            present.add((handler.target, tuple(activation.bindings.get(f"a_{a}", "") for a in handler.key_aliases)))
            return []
        if handler.kind in ("sentinel", "absorber"):
            return []
        if handler.kind != "rule":
            raise EngineError(f"unknown handler kind {handler.kind!r} for {activation.rule_name}")
        if len(result.firings) >= self.budget.limit(self._inputs):
            raise self._exhausted(result)
        rule = self.compiled.rules[handler.target]
        bound = self._bind(rule, handler, activation, result)
        if self._negated(rule, handler, bound, present):
            return []  # a 'none' pattern matched these facts in an earlier stratum
        return self._apply(rule, handler, ruleset.stratum, bound, result)

    def _exhausted(self, result: Evaluation) -> EngineError:
        """The budget's error: the rules that fired most and how often, never a patient's value."""
        counts = Counter(f.rule_id for f in result.firings)
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:REPORTED_RULES]
        most = ", ".join(f"{rule_id} ({count})" for rule_id, count in top)
        return EngineError(f"{self.budget.explain(self._inputs)} exceeded: rules may be chaining without end; "
                           f"most firings: {most}")

    @staticmethod
    def _bind(rule: Rule, handler: Handler, activation: Activation, result: Evaluation) -> dict[str, Fact]:
        bound: dict[str, Fact] = {}
        for alias in handler.aliases:
            fid = activation.bindings.get(f"a_{alias}")
            fact = result.facts.get(fid or "")
            if fact is None:
                raise EngineError(f"rule {rule.id} matched a fact the evaluator does not know")
            bound[alias] = fact
        return bound

    def _negated(self, rule: Rule, handler: Handler, bound: dict[str, Fact], present: set[ProbeHit]) -> bool:
        for negation in self.compiled.keyed_negations.get(rule.id, ()):
            key = tuple(bound[a].fid for a in negation.key_aliases)
            if negation.variant == handler.variant and (negation.probe, key) in present:
                return True
        return False

    def _apply(self, rule: Rule, handler: Handler, stratum: int, bound: dict[str, Fact],
               result: Evaluation) -> list[Fact]:
        """Run the rule's actions: derive facts, collect plan outputs, and record the firing."""
        new_facts: list[Fact] = []
        produced: list[str] = []
        outputs: list[Output] = []
        seq = len(result.firings) + 1
        prepared = self._prepared.get(rule.id)
        if prepared is None:
            prepared = self._prepared[rule.id] = _PreparedRule.of(rule)
        for number, kind, spec in prepared.actions:
            if kind != "assert":
                outputs.append(self._outputs.output(kind, spec, rule, number, bound))
                continue
            for fact in self._derived.derive(rule, number, spec, bound):
                produced.append(fact.fid)
                if fact.fid not in result.facts:
                    result.facts[fact.fid] = fact
                    result.producer[fact.fid] = seq
                    new_facts.append(fact)
        matched = tuple(bound[a].fid for a in handler.aliases if bound[a].type != ABSENT_TYPE)
        result.firings.append(Firing(seq, rule.id, rule.version, prepared.source, stratum,
                                     matched, tuple(produced), tuple(outputs), handler.variant))
        return new_facts
