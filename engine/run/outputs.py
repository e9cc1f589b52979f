"""The plan items a firing produces, one typed record per ``then`` kind (the evaluator's hand-off to the planner).

Values are resolved against the matched facts: ``{alias.field}`` wording filled in, refs replaced
by the fact's value, a recommendation's id, title, strength and evidence completed from its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from engine.facts.fact import Scalar
from engine.lang.vocabulary import Action, Category, Strength


@dataclass(frozen=True)
class EvidenceOutput:
    """What the rule (or its table row) cites: record keys and/or written-out text, resolved by the planner."""

    source: str | None
    citation: str | None
    url: str | None
    cite: tuple[str, ...] = ()
    section: str | None = None


@dataclass(frozen=True)
class RecommendOutput:
    id: str
    title: str
    category: Category
    action: Action
    drug: str | None
    drug_class: str | None
    alternatives: tuple[str, ...]
    alternative_statement: str | None
    treatments: tuple[str, ...]
    if_declined: tuple[str, ...]
    dose_change_percent: float | None
    dose_range_percent: tuple[float, float] | None
    text: str
    patient_text: str | None
    strength: Strength | None
    evidence: EvidenceOutput


@dataclass(frozen=True)
class GoalOutput:
    text: str
    target: str | None
    due: str | None
    patient_text: str | None


@dataclass(frozen=True)
class FollowUpOutput:
    text: str
    interval_days: int
    patient_text: str | None


@dataclass(frozen=True)
class WarnOutput:
    text: str
    severity: str
    patient_text: str | None


@dataclass(frozen=True)
class SuppressOutput:
    recommendation: str | None
    drug: str | None
    drug_class: str | None
    actions: tuple[Action, ...]
    category: Category | None
    reason: str

    def names_drug(self) -> bool:
        return self.drug is not None or self.drug_class is not None


@dataclass(frozen=True)
class DataGapOutput:
    text: str
    suggested_test: str | None


@dataclass(frozen=True)
class AssessOutput:
    kind: str
    value: Scalar | None
    gene: str | None
    unit: str | None
    details: dict[str, Scalar] = field(default_factory=dict)


Output = Union[RecommendOutput, GoalOutput, FollowUpOutput, WarnOutput, SuppressOutput, DataGapOutput, AssessOutput]
