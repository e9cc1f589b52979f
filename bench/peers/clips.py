"""The workload on CLIPS 6.4 through clipspy 1.0.6: the IR written as deftemplates and defrules.

Per patient: ``(reset)``, each fact asserted through its template, ``(run)``, the ``rec`` facts read
back. Numeric tests are predicate constraints (``?v&:(>= ?v 130)&:(< ?v 140)``).

clipspy 1.0.6 leaks every fact it hands to Python: ``Fact.__del__`` calls ``lib.ReleaseFact(env,
fact)`` but the binding takes one argument, and the ``TypeError`` is swallowed, so every fact stays
retained by CLIPS forever and the run slows down linearly (about 80x over 20,000 patients, measured
in ../shared/notes/perf-peers). ``patch_release`` replaces it with the one-argument call; the
benchmark always runs the patched release, as production would have to.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence

import clips
import clips.facts
from clips._clips import lib

from bench.peers.workload import Derive, Fact, Patient, Pattern, Rule, Scalar, Test, facts

LEAKING_RELEASE = "1.0.6"
_NUMERIC_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "!=": "<>"}


def _release(fact: object) -> None:
    try:
        lib.ReleaseFact(fact._fact)  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        pass  # the environment is gone (interpreter shutdown)


def patch_release() -> bool:
    """Make ``Fact.__del__`` release the CLIPS fact (the 1.0.6 bug); True when the patch applies."""
    if importlib.metadata.version("clipspy") != LEAKING_RELEASE:
        return False
    clips.facts.Fact.__del__ = _release
    return True


def _literal(value: Scalar) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _slot(name: str, tests: list[Test], variable: str) -> str:
    """One slot's constraint: a literal for a lone equality, else a variable with its predicates."""
    if len(tests) == 1 and tests[0].op == "==":
        return f"({name} {_literal(tests[0].value)})"
    parts = []
    for test in tests:
        if test.op == "==":
            parts.append(_literal(test.value))
        elif isinstance(test.value, str):
            parts.append("~" + _literal(test.value))  # only != applies to text
        else:
            parts.append(f":({_NUMERIC_OPS[test.op]} {variable} {_literal(test.value)})")
    return f"({name} {variable}&{'&'.join(parts)})"


def _pattern(pattern: Pattern, index: int) -> str:
    by_slot: dict[str, list[Test]] = {}
    for test in pattern.tests:
        by_slot.setdefault(test.field, []).append(test)
    slots = " ".join(_slot(name, tests, f"?v{index}_{k}") for k, (name, tests) in enumerate(by_slot.items()))
    return f"({pattern.type} {slots})"


def templates(rules: Sequence[Rule]) -> dict[str, list[str]]:
    """Every fact type with its slots: the input types' fields, those the rules test and derive, and ``rec``."""
    slots: dict[str, list[str]] = {
        "blood_pressure": ["systolic", "diastolic"], "patient": ["age", "bmi", "smoking", "pss"],
        "genotype": ["gene", "diplotype"], "medication": ["name"], "rec": ["id"]}
    for rule in rules:
        named = [(p.type, t.field) for p in rule.patterns for t in p.tests]
        if isinstance(rule.action, Derive):
            named += [(rule.action.type, name) for name, _ in rule.action.fields]
        for fact_type, field in named:
            known = slots.setdefault(fact_type, [])
            if field not in known:
                known.append(field)
    return slots


def constructs(rules: Sequence[Rule]) -> list[str]:
    """The CLIPS source of the pack: deftemplates, then one defrule per rule."""
    found = [f"(deftemplate {name} " + " ".join(f"(slot {s})" for s in fields) + ")"
             for name, fields in templates(rules).items()]
    for number, rule in enumerate(rules):
        lhs = " ".join(_pattern(p, k) for k, p in enumerate(rule.patterns))
        action = rule.action
        if isinstance(action, Derive):
            rhs = f"(assert ({action.type} " + " ".join(f"({f} {_literal(v)})" for f, v in action.fields) + "))"
        else:
            rhs = f'(assert (rec (id "{action.rec}")))'
        found.append(f"(defrule r{number:05d} {lhs} => {rhs})")  # rule ids hold '.', '[': number them
    return found


class ClipsEngine:
    name = "clips"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.patched = patch_release()
        self.env = clips.Environment()
        for construct in constructs(rules):
            self.env.build(construct)
        self.templates = {name: self.env.find_template(name) for name in templates(rules)}
        self.rec = self.templates["rec"]

    def prepare(self, patient: Patient) -> list[Fact]:
        return facts(patient)

    def evaluate(self, patient_facts: list[Fact]) -> list[str]:
        env, found = self.env, self.templates
        env.reset()
        for fact_type, fields in patient_facts:
            found[fact_type].assert_fact(**fields)
        env.run()
        return sorted(str(fact["id"]) for fact in self.rec.facts())
