"""The workload on raw durable-rules 2.0.28: JSON rulesets on a ``durable.engine.Host``, Python actions.

What a careful user of durable's public API writes, with the workarounds its sharp edges need
(docs/engine.md lists them; careplan's runtime handles the same ones):

* a Host subclass whose ``_run`` starts no timer threads (each Host otherwise starts two for good);
* one fixed session id, one patient at a time: ``assert_facts`` per ruleset, then ``delete_state``;
* an *absorber* rule per input type (the type joined with a fact never asserted), because a fact no
  rule consumes raises ``MessageNotHandledException``, which also stops the batch's actions;
* a *sentinel* fact and rule when nothing fired in a ruleset, because ``delete_state`` on a session
  in which no action ran crashes the process;
* threshold rules in chunks of 50 per ruleset: one fact may satisfy at most 64 alpha conditions per
  ruleset (error 303, seen at 100-rule chunks on the tenth patient); the diplotype rows (equality
  tests) all fit in one ruleset;
* each ruleset receives only the fact types it consumes;
* actions take one argument: durable runs a two-argument callable as an *async* action, passing its
  callback as the second argument (a default argument there once turned every firing into a
  swallowed ``TypeError``). Errors in actions are recorded and raised, never left in the state.

Derived facts (category, risk, phenotype) are asserted from the action with ``c.assert_fact``:
durable chains them synchronously inside the same ``assert_facts`` call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from durable.engine import Host

from bench.peers.workload import Derive, Fact, Group, Patient, Pattern, Rule, Scalar, facts

THRESHOLD_CHUNK = 50
SESSION = "1"
NEVER = "__never__"
END = "__end__"
_OPERATORS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}

Action = Callable[[Any], None]


class QuietHost(Host):  # type: ignore[misc]
    """durable's Host without its background timer threads (a benchmark needs none)."""

    def _run(self) -> None:
        return None


def _condition(pattern: Pattern) -> dict[str, Any]:
    conditions: list[dict[str, Any]] = [{"t": pattern.type}]
    for test in pattern.tests:
        condition = {test.field: test.value}
        conditions.append(condition if test.op == "==" else {_OPERATORS[test.op]: condition})
    return {"$and": conditions} if len(conditions) > 1 else conditions[0]


@dataclass
class _Ruleset:
    name: str
    inputs: frozenset[str]  # the fact types it consumes from the patient (not those derived inside it)
    fired: list[int]  # firings in the current patient (a one-element counter the actions share)


class DurableRawEngine:
    name = "durable"

    def __init__(self, rules: Sequence[Rule], prefix: str = "peers") -> None:
        self.out: list[str] = []
        self.failures: list[str] = []
        groups = self._layout(rules)
        self.host = QuietHost()
        self.rulesets: list[_Ruleset] = []
        definitions: dict[str, dict[str, Any]] = {}
        for index, (label, members) in enumerate(groups):
            name = f"{prefix}-{index}-{label}"
            fired = [0]
            definition: dict[str, Any] = {}
            consumed: set[str] = set()
            derived: set[str] = set()
            for rule in members:
                definition[rule.id] = {"all": [{f"m{k}": _condition(p)} for k, p in enumerate(rule.patterns)],
                                       "run": self._action(rule, fired)}
                consumed.update(p.type for p in rule.patterns)
                if isinstance(rule.action, Derive):
                    derived.add(rule.action.type)
            inputs = frozenset(consumed - derived)
            for fact_type in sorted(inputs):
                definition[f"__absorb_{fact_type}"] = {"all": [{"a": {"t": fact_type}}, {"z": {"t": NEVER}}],
                                                       "run": _noop}
            definition["__end"] = {"pri": 1000, "all": [{"e": {"t": END}}], "run": _counter(fired)}
            definitions[name] = definition
            self.rulesets.append(_Ruleset(name, inputs, fired))
        self.host.set_rulesets(definitions)

    @staticmethod
    def _layout(rules: Sequence[Rule]) -> list[tuple[str, list[Rule]]]:
        """The base in one ruleset (its chains stay inside it), the diplotype rows in one, thresholds by 50."""
        base = [r for r in rules if r.group not in (Group.PAD_GENOTYPE, Group.PAD_THRESHOLD)]
        rows = [r for r in rules if r.group is Group.PAD_GENOTYPE]
        thresholds = [r for r in rules if r.group is Group.PAD_THRESHOLD]
        groups = [("base", base)] + ([("genotypes", rows)] if rows else [])
        groups += [(f"thresholds{i // THRESHOLD_CHUNK}", thresholds[i:i + THRESHOLD_CHUNK])
                   for i in range(0, len(thresholds), THRESHOLD_CHUNK)]
        return groups

    def _action(self, rule: Rule, fired: list[int]) -> Action:
        out, failures = self.out, self.failures
        action = rule.action
        if isinstance(action, Derive):
            derived: dict[str, Scalar] = {**dict(action.fields), "t": action.type}

            def derive(c: Any) -> None:
                fired[0] += 1
                try:
                    c.assert_fact(dict(derived))
                except Exception as exc:  # durable would swallow it into the state
                    failures.append(f"{rule.id}: {type(exc).__name__}")
            return derive
        rec = action.rec

        def recommend(c: Any) -> None:
            fired[0] += 1
            out.append(rec)
        return recommend

    @property
    def ruleset_count(self) -> int:
        return len(self.rulesets)

    def prepare(self, patient: Patient) -> list[Fact]:
        return facts(patient)

    def evaluate(self, patient_facts: list[Fact]) -> list[str]:
        out = self.out
        out.clear()
        host = self.host
        for ruleset in self.rulesets:
            batch = [{**fields, "t": fact_type, "sid": SESSION}
                     for fact_type, fields in patient_facts if fact_type in ruleset.inputs]
            if not batch:
                continue
            ruleset.fired[0] = 0
            host.assert_facts(ruleset.name, batch)
            if not ruleset.fired[0]:
                host.assert_fact(ruleset.name, {"sid": SESSION, "t": END})
            host.delete_state(ruleset.name, SESSION)
        if self.failures:
            failures, self.failures[:] = list(self.failures), []
            raise RuntimeError("durable actions failed: " + "; ".join(failures[:5]))
        return sorted(out)


def _noop(c: Any) -> None:
    return None


def _counter(fired: list[int]) -> Action:
    """The sentinel's action: one argument only (see the module docstring), so a closure, not a default."""
    def end(c: Any) -> None:
        fired[0] += 1
    return end
