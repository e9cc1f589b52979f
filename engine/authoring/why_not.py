"""Why a rule (or one row of its table) did not fire for a patient: pattern by pattern, fact by fact.

The evaluation is the real one (durable-rules, every stratum); this module only re-reads its facts
against the rule's patterns, in Python, to say where matching stopped: no fact of the type (and
which rules produce one), each candidate's first failing test (field, wanted, got), a join (``ref``)
that failed, the one fact that would do already taken by another pattern of the rule (a fact binds
one pattern only), or a ``none`` pattern that matched (naming the fact). Patient values appear in
the explanation (it is the clinician's own ``explain`` command), never in an error message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from engine.facts.fact import ABSENT_TYPE, Fact, Scalar, show_value
from engine.lang.patterns import Pattern, Ref, Test
from engine.lang.rule import Rule
from engine.run.trace import Evaluation
from engine.source.diagnostics import did_you_mean

MAX_BINDINGS = 200  # partial matches followed per pattern (rules over lists grow combinatorially)
MAX_CANDIDATES = 8  # candidate facts shown per blocked pattern
MAX_ROWS = 3  # rows of a table shown when the rule id names no row

Bound = dict[str, Fact]


class UnknownRule(ValueError):
    """The id names no compiled rule; ``hint`` is a did-you-mean (safe to show: it holds rule ids only)."""

    def __init__(self, target: str, hint: str | None) -> None:
        super().__init__(f"no compiled rule has the id '{target}'")
        self.hint = hint


def show_fact(fact: Fact) -> str:
    fields = ", ".join(f"{k}: {show_value(v)}" for k, v in fact.values.items())
    return f"{fact.type} {{{fields}}}"


def _numeric(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(actual: Scalar, wanted: Scalar) -> bool:
    same_kind = (_numeric(actual) and _numeric(wanted)) or type(actual) is type(wanted)
    return same_kind and actual == wanted


def _holds(op: str, actual: Scalar, wanted: Scalar | tuple[Scalar, ...]) -> bool:
    """The runtime's semantics (engine.compile): typed equality, comparisons on numbers only."""
    if op == "in":
        assert isinstance(wanted, tuple)
        return any(_equal(actual, w) for w in wanted)
    assert not isinstance(wanted, tuple)
    if op == "eq":
        return _equal(actual, wanted)
    if op == "ne":
        return not _equal(actual, wanted)
    if not (_numeric(actual) and _numeric(wanted)):
        return False
    a, w = float(actual), float(wanted)
    return {"lt": a < w, "le": a <= w, "gt": a > w, "ge": a >= w}[op]


_WORDS = {"eq": "", "ne": "not ", "lt": "< ", "le": "<= ", "gt": "> ", "ge": ">= ", "in": "one of "}


@dataclass(frozen=True)
class FailedTest:
    """The first test of a pattern a candidate fact fails."""

    field: str
    wanted: str
    got: str
    join: str | None = None  # the alias.field of a failed ref

    def line(self) -> str:
        joined = f" (join on {self.join})" if self.join else ""
        return f"{self.field}: wanted {self.wanted}, got {self.got}{joined}"


def _wanted_text(op: str, value: Scalar | tuple[Scalar, ...]) -> str:
    if isinstance(value, tuple):
        return _WORDS[op] + "[" + ", ".join(show_value(v) for v in value) + "]"
    return _WORDS[op] + show_value(value)


def first_failure(pattern: Pattern, fact: Fact, bound: Bound) -> FailedTest | None:
    """The first test of ``pattern`` that ``fact`` fails given the facts bound so far; None when all hold."""
    for test in pattern.tests:
        failure = _failure(test, fact, bound)
        if failure is not None:
            return failure
    return None


def _failure(test: Test, fact: Fact, bound: Bound) -> FailedTest | None:
    present = test.field in fact.values
    got = show_value(fact.values[test.field]) if present else "no value"
    if test.op in ("exists", "missing"):
        if present == (test.op == "exists"):
            return None
        return FailedTest(test.field, "a value" if test.op == "exists" else "no value", got)
    operand = test.value
    join = None
    if isinstance(operand, Ref):
        join = str(operand)
        other = bound.get(operand.alias)
        if other is None or operand.field not in other.values:
            return FailedTest(test.field, f"{_WORDS[test.op]}{join}, which has no value", got, join)
        operand = other.values[operand.field]
    assert operand is not None
    if present and _holds(test.op, fact.values[test.field], operand):
        return None
    return FailedTest(test.field, _wanted_text(test.op, operand), got, join)


@dataclass(frozen=True)
class Candidate:
    fact: Fact
    failure: FailedTest | None = None  # the first failing test (None with taken_by: it would match)
    taken_by: str | None = None  # the alias of the rule's pattern that already holds this fact


@dataclass
class PatternStep:
    pattern: Pattern
    matched: list[Fact] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    producers: list[str] = field(default_factory=list)  # rules that assert the type (when none exists)

    @property
    def blocked(self) -> bool:
        return not self.matched


@dataclass
class VariantReport:
    index: int
    steps: list[PatternStep]
    negated_by: list[tuple[Pattern, Fact]] = field(default_factory=list)

    @property
    def progress(self) -> int:
        return sum(not s.blocked for s in self.steps) - len(self.negated_by)


@dataclass
class RuleReport:
    rule: Rule
    fired: list[tuple[Fact, ...]]
    variants: list[VariantReport]

    @property
    def progress(self) -> int:
        return max((v.progress for v in self.variants), default=0)


@dataclass
class WhyNot:
    target: str
    rules: list[RuleReport]
    rows_total: int  # rows of the table the target names (0 for a plain rule or one row)


def _unique(bound: Bound) -> dict[str, str]:
    return {f.fid: alias for alias, f in bound.items()}


def _step(pattern: Pattern, facts: Sequence[Fact], bindings: list[Bound]) -> tuple[PatternStep, list[Bound]]:
    step = PatternStep(pattern)
    extended: list[Bound] = []
    for fact in facts:
        failure: FailedTest | None = None
        taken: str | None = None
        matched = False
        for bound in bindings:
            holder = _unique(bound).get(fact.fid)
            found = first_failure(pattern, fact, bound)
            if found is None and holder is None:
                matched = True
                extended.append({**bound, pattern.alias: fact})
            elif found is None:
                taken = taken or holder
            else:
                failure = failure or found
        if matched:
            step.matched.append(fact)
        else:
            step.candidates.append(Candidate(fact, None if taken else failure, taken))
    return step, extended[:MAX_BINDINGS]


def _variant(index: int, rule: Rule, patterns: Sequence[Pattern], by_type: dict[str, list[Fact]],
             producers: dict[str, list[str]]) -> VariantReport:
    report = VariantReport(index, [])
    bindings: list[Bound] = [{}]
    for pattern in patterns:
        facts = by_type.get(pattern.type, [])
        step, bindings = _step(pattern, facts, bindings)
        if not facts:
            step.producers = producers.get(pattern.type, [])
        report.steps.append(step)
        if not bindings:
            return report
    for negation in rule.negations:
        for bound in bindings:
            used = _unique(bound)
            hit = next((f for f in by_type.get(negation.type, []) if f.fid not in used
                        and first_failure(negation, f, bound) is None), None)
            if hit is not None:
                report.negated_by.append((negation, hit))
                break
    return report


def resolve_target(rules: Iterable[Rule], target: str) -> list[Rule]:
    """The compiled rules ``target`` names: a rule id (every row of a table) or ``id[row key]``."""
    known = list(rules)
    exact = [r for r in known if r.id == target]
    if exact:
        return exact
    rows = [r for r in known if r.file_rule_id == target]
    if rows:
        return rows
    names = {r.file_rule_id for r in known} | {r.id for r in known if r.row is None}
    base = target.split("[", 1)[0]
    hint = did_you_mean(base, names)
    if "[" in target and base in names:
        hint = f"'{base}' is a table; give a row key as the table's key columns joined by ','"
    raise UnknownRule(target, hint)


def explain(rules: Iterable[Rule], evaluation: Evaluation, target: str) -> WhyNot:
    """Why ``target`` fired or not in ``evaluation``; raises UnknownRule for an id the pack lacks."""
    every = list(rules)
    chosen = resolve_target(every, target)
    producers: dict[str, list[str]] = {}
    for rule in every:
        for type_name in sorted(rule.produces):
            if rule.file_rule_id not in producers.setdefault(type_name, []):
                producers[type_name].append(rule.file_rule_id)
    by_type: dict[str, list[Fact]] = {}
    for fact in sorted(evaluation.facts.values(), key=lambda f: f.fid):
        if fact.type != ABSENT_TYPE:
            by_type.setdefault(fact.type, []).append(fact)
    reports = []
    for rule in chosen:
        fired = [tuple(evaluation.facts[fid] for fid in f.matched) for f in evaluation.firings if f.rule_id == rule.id]
        variants = [_variant(i, rule, v, by_type, producers) for i, v in enumerate(rule.variants)]
        reports.append(RuleReport(rule, fired, variants))
    rows_total = len(chosen) if chosen[0].row is not None and chosen[0].id != target else 0
    if rows_total:
        fired_rows = [r for r in reports if r.fired]
        rest = sorted((r for r in reports if not r.fired), key=lambda r: -r.progress)
        reports = fired_rows + rest[:MAX_ROWS]
    return WhyNot(target, reports, rows_total)
