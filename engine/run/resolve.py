"""Resolve a rule's actions against the facts it matched: values, wording and the typed plan outputs.

A ref (``{ref: alias.field}``) takes the matched fact's value, ``any`` and the arithmetic forms
combine them (a missing operand makes the result missing, never zero), and ``{alias.field}`` in
wording is filled in (a value the patient file does not hold reads "(not recorded)").
Each output kind is built into its own record (engine.run.outputs).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from engine.facts.fact import Fact, Scalar
from engine.lang.model import (
    AssessSpec,
    DataGapSpec,
    FollowUpSpec,
    GoalSpec,
    RecommendSpec,
    SuppressSpec,
    WarnSpec,
)
from engine.lang.rule import Rule
from engine.lang.vocabulary import TEXT_REF, OutputKind
from engine.run.outputs import (
    AssessOutput,
    DataGapOutput,
    EvidenceOutput,
    FollowUpOutput,
    GoalOutput,
    Output,
    RecommendOutput,
    SuppressOutput,
    WarnOutput,
)
from engine.run.runtime import EngineError

Bound = dict[str, Fact]


def resolve(value: Any, bound: Bound) -> Scalar | None:
    if isinstance(value, dict) and set(value) == {"ref"}:
        alias, _, field = str(value["ref"]).partition(".")
        return bound[alias].values.get(field)
    if isinstance(value, dict) and set(value) == {"any"}:
        return any(resolve(v, bound) is True for v in value["any"])
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("add", "mul"):
        (op, operands), = value.items()
        numbers = [resolve(v, bound) for v in operands]
        if any(not isinstance(n, (int, float)) or isinstance(n, bool) for n in numbers):
            return None  # an operand is missing: so is the result
        total = math.fsum(numbers) if op == "add" else math.prod(numbers)  # type: ignore[arg-type]
        return round(total, 4)
    if isinstance(value, (str, int, float, bool)):
        return value
    return None


def fill_text(text: str, bound: Bound) -> str:
    def value(match: re.Match[str]) -> str:
        fact = bound.get(match.group(1))
        found = fact.values.get(match.group(2)) if fact else None
        if isinstance(found, float) and found.is_integer():
            return str(int(found))
        # a value the file does not hold is said to be missing, never guessed at or called "unknown"
        return "(not recorded)" if found is None else str(found)

    return TEXT_REF.sub(value, text)


def _fill(text: str | None, bound: Bound) -> str | None:
    return None if text is None else fill_text(text, bound)


def _text(value: Any, bound: Bound, rule: Rule, what: str) -> str | None:
    """A resolved value that must be text (a drug, a class, a gene), or None when absent."""
    if value is None:
        return None
    resolved = resolve(value, bound)
    if resolved is None or isinstance(resolved, str):
        return resolved
    raise EngineError(f"rule {rule.id}: {what} resolved to a {type(resolved).__name__}, not text")


def _number(value: Any, bound: Bound, rule: Rule, what: str) -> float | None:
    """A resolved value that must be a number (a dose change), or None when absent."""
    resolved = None if value is None else resolve(value, bound)
    if resolved is None or (isinstance(resolved, (int, float)) and not isinstance(resolved, bool)):
        return resolved
    raise EngineError(f"rule {rule.id}: {what} resolved to a {type(resolved).__name__}, not a number")


def _dose_range(spec: RecommendSpec, bound: Bound, rule: Rule) -> tuple[float, float] | None:
    """Both edges of a dose range, low first; None when either is absent (an empty table cell)."""
    if spec.dose_range_percent is None:
        return None
    low, high = (_number(edge, bound, rule, "dose_range_percent") for edge in spec.dose_range_percent)
    if low is None or high is None:
        return None
    if low >= high:
        raise EngineError(f"rule {rule.id}: dose_range_percent resolved to a low edge not below its high edge")
    if _number(spec.dose_change_percent, bound, rule, "dose_change_percent") is not None:
        raise EngineError(f"rule {rule.id}: dose_change_percent and dose_range_percent both resolved; give one")
    return (low, high)


def _recommend(spec: RecommendSpec, rule: Rule, bound: Bound) -> RecommendOutput:
    drug = _text(spec.drug, bound, rule, "drug")
    # one rule may recommend for several bound drugs: each is its own recommendation
    rec_id = spec.id or (f"{rule.id}/{drug}" if isinstance(spec.drug, dict) and drug else rule.id)
    return RecommendOutput(
        id=rec_id, title=rule.title, category=spec.category, action=spec.action, drug=drug,
        drug_class=_text(spec.drug_class, bound, rule, "drug_class"),
        alternatives=tuple(spec.alternatives),
        # an empty table cell is no statement
        alternative_statement=_fill(_text(spec.alternative_statement, bound, rule, "alternative_statement") or None,
                                    bound),
        treatments=tuple(spec.treatments),
        if_declined=tuple(spec.if_declined),
        dose_change_percent=_number(spec.dose_change_percent, bound, rule, "dose_change_percent"),
        dose_range_percent=_dose_range(spec, bound, rule),
        text=fill_text(spec.text, bound), patient_text=_fill(spec.patient_text, bound),
        strength=spec.strength or rule.evidence.strength,
        evidence=_evidence(spec, rule, bound))


def _evidence(spec: RecommendSpec, rule: Rule, bound: Bound) -> EvidenceOutput:
    """The rule's evidence, or what the recommendation (a table row's cells) names instead."""
    cells = _text(spec.cite, bound, rule, "cite")
    cite = tuple(p.strip() for p in cells.split(";") if p.strip()) if cells else tuple(rule.evidence.cite)
    own = bool(cells) or spec.citation is not None
    return EvidenceOutput(rule.evidence.source if not cells else None,
                          spec.citation if own else rule.evidence.citation,
                          spec.url or (None if own else rule.evidence.url), cite,
                          _text(spec.section, bound, rule, "section") or rule.evidence.section)


def _goal(spec: GoalSpec, rule: Rule, bound: Bound) -> GoalOutput:
    return GoalOutput(fill_text(spec.text, bound), _fill(spec.target, bound), spec.due,
                      _fill(spec.patient_text, bound))


def _follow_up(spec: FollowUpSpec, rule: Rule, bound: Bound) -> FollowUpOutput:
    return FollowUpOutput(fill_text(spec.text, bound), spec.interval_days, _fill(spec.patient_text, bound))


def _warn(spec: WarnSpec, rule: Rule, bound: Bound) -> WarnOutput:
    return WarnOutput(fill_text(spec.text, bound), spec.severity, _fill(spec.patient_text, bound))


def _suppress(spec: SuppressSpec, rule: Rule, bound: Bound) -> SuppressOutput:
    return SuppressOutput(spec.recommendation, _text(spec.drug, bound, rule, "drug"),
                          _text(spec.drug_class, bound, rule, "drug_class"), tuple(spec.actions),
                          spec.category, fill_text(spec.reason, bound))


def _data_gap(spec: DataGapSpec, rule: Rule, bound: Bound) -> DataGapOutput:
    return DataGapOutput(fill_text(spec.text, bound), _fill(spec.suggested_test, bound))


def _assess(spec: AssessSpec, rule: Rule, bound: Bound) -> AssessOutput:
    details = {k: v for k, v in ((k, resolve(v, bound)) for k, v in spec.details.items()) if v is not None}
    return AssessOutput(spec.kind, resolve(spec.value, bound) if spec.value is not None else None,
                        _text(spec.gene, bound, rule, "gene"), spec.unit, details)


_BUILDERS: dict[OutputKind, Callable[[Any, Rule, Bound], Output]] = {
    "recommend": _recommend, "goal": _goal, "follow_up": _follow_up, "warn": _warn,
    "suppress": _suppress, "data_gap": _data_gap, "assess": _assess,
}


def build_output(kind: OutputKind, spec: object, rule: Rule, bound: Bound) -> Output:
    """The typed plan item one ``then`` action of ``rule`` produces for the facts it matched."""
    return _BUILDERS[kind](spec, rule, bound)
