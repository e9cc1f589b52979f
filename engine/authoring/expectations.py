"""Check a rule test's output assertions against the plan the whole pack made for its patient.

With ``scope: rule`` (the default) an assertion sees only the plan items the rule under test (or
its named row) produced: its recommendations (found by the ids its firings made, so one that the
planner then removed is reported as removed, with by whom and why), its assessments, data gaps,
warnings, goals and follow-ups, and the suppressions it made. With ``scope: plan`` every item of the
plan counts (e.g. "whatever fires, the plan recommends prasugrel"). Each miss is one ``Mismatch``:
what was asserted, the expected value and what the plan holds instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from engine.lang.model import ExpectSpec, RecommendsExpect
from engine.plan.model import Plan, Recommendation
from engine.run.outputs import AssessOutput, RecommendOutput
from engine.run.trace import Evaluation, Firing

Subject = Callable[[str], bool]  # whether a firing's rule id is the rule (or row) under test


@dataclass(frozen=True)
class Mismatch:
    what: str
    expected: str
    got: str


def _shown(spec: BaseModel) -> str:
    given = {k: v for k, v in spec.model_dump().items() if v is not None}
    return "{" + ", ".join(f"{k}: {v}" for k, v in given.items()) + "}"


def _field_matches(name: str, wanted: Any, item: BaseModel) -> bool:
    if name.endswith("_contains"):
        base = name.removesuffix("_contains")
        return str(wanted).lower() in str(getattr(item, base, "") or "").lower()
    got = getattr(item, name, None)
    if name == "alternatives":
        return set(wanted) <= set(got or [])
    if name == "value" and not isinstance(got, bool) and isinstance(got, (int, float)):
        return isinstance(wanted, (int, float)) and float(got) == float(wanted)
    return bool(got == wanted or (got is not None and str(got) == str(wanted)))


def matches(spec: BaseModel, item: BaseModel) -> bool:
    """Every field the assertion gives equals the item's (``*_contains``: a piece of its text)."""
    return all(_field_matches(k, v, item) for k, v in spec.model_dump().items() if v is not None)


def _recommendation(rec: Recommendation) -> str:
    parts = [f"action: {rec.action}"] + [f"{k}: {getattr(rec, k)}" for k in ("drug", "strength", "category")
                                          if getattr(rec, k) is not None]
    return f"{rec.id} {{{', '.join(parts)}}}"


@dataclass
class SubjectItems:
    """The plan items the rule under test produced (or every item, for ``scope: plan``)."""

    recommendations: list[Recommendation]
    removed: list[str]  # what happened to recommendations the rule made that the plan does not hold
    plan: Plan
    assessments: list[BaseModel]
    data_gaps: list[BaseModel]
    warnings: list[BaseModel]
    suppressed: list[BaseModel]
    texts: list[str]


def subject_items(plan: Plan, evaluation: Evaluation, subject: Subject, scope: str) -> SubjectItems:
    if scope == "plan":
        mine: Subject = lambda _rule_id: True  # noqa: E731
        firings: Sequence[Firing] = evaluation.firings
    else:
        mine, firings = subject, [f for f in evaluation.firings if subject(f.rule_id)]
    made = {o.id for f in firings for o in f.outputs if isinstance(o, RecommendOutput)}
    assessed = {(o.kind, o.gene, str(o.value)) for f in firings for o in f.outputs if isinstance(o, AssessOutput)}
    recs = [r for r in plan.recommendations if r.id in made]
    removed = [f"{s.id} was removed by {s.by}: {s.reason}" for s in plan.suppressed if s.id in made]
    items = SubjectItems(
        recs, removed, plan,
        [a for a in plan.assessments if (a.kind, a.gene, str(a.value)) in assessed],
        [g for g in plan.data_gaps if mine(g.rule)], [w for w in plan.warnings if mine(w.rule)],
        [s for s in plan.suppressed if mine(s.by)], [])
    items.texts = ([r.text for r in recs] + [r.patient_text or "" for r in recs]
                   + [str(getattr(x, "text", "")) for x in items.data_gaps + items.warnings]
                   + [g.text for g in plan.goals if mine(g.rule)] + [d.text for d in plan.follow_up if mine(d.rule)]
                   + [str(getattr(s, "reason", "")) for s in items.suppressed])
    return items


def _each(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _missing(what: str, wanted: Sequence[BaseModel], found: Sequence[BaseModel],
             show: Callable[[Any], str], extra: Sequence[str] = ()) -> list[Mismatch]:
    out = []
    for spec in wanted:
        if not any(matches(spec, item) for item in found):
            got = "; ".join([show(item) for item in found] + list(extra)) or "none"
            out.append(Mismatch(what, _shown(spec), got))
    return out


def _recommends(wanted: list[RecommendsExpect], items: SubjectItems) -> list[Mismatch]:
    return _missing("recommends", wanted, items.recommendations, _recommendation, items.removed)


def check(expect: ExpectSpec, plan: Plan, evaluation: Evaluation, subject: Subject) -> list[Mismatch]:
    """Every output assertion of ``expect`` that the plan does not bear out."""
    if not expect.asserts_outputs():
        return []
    items = subject_items(plan, evaluation, subject, expect.scope)
    out = _recommends(_each(expect.recommends), items)
    out += _missing("assessments", expect.assessments, items.assessments, _shown)
    out += _missing("data_gaps", expect.data_gaps, items.data_gaps, lambda g: g.text)
    out += _missing("warnings", expect.warnings, items.warnings, lambda w: f"{w.severity}: {w.text}")
    out += _missing("suppresses", _each(expect.suppresses), items.suppressed, lambda s: f"{s.id}: {s.reason}")
    for piece in _each(expect.text_contains):
        if not any(piece.lower() in text.lower() for text in items.texts):
            out.append(Mismatch("text_contains", repr(piece), "; ".join(t for t in items.texts if t) or "no text"))
    return out
