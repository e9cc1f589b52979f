"""A plan's chain steps are built once per plan and its evidence once per citation; both are shared,
frozen, and give the same plan as building every one afresh."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from engine.generator import Generator
from engine.patient.loader import load_patient
from engine.plan.builder import PlanBuilder
from engine.plan.evidence import evidence_ref
from engine.plan.model import Because, EvidenceRef, Plan
from engine.run.outputs import EvidenceOutput

AT = "2026-01-01T00:00:00Z"
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def _plans(generator: Generator) -> list[Plan]:
    return [generator.run(load_patient(path), at=AT).plan for path in EXAMPLES]


def test_chains_share_their_upstream_steps_within_a_plan(default_generator: Generator) -> None:
    plan = default_generator.run(load_patient(EXAMPLES[0].parent / "pgx-panel.yaml"), at=AT).plan
    steps = [step for rec in plan.recommendations for step in rec.because]
    assert len(steps) > len({id(step) for step in steps})  # some step stands in two chains, as one object
    with pytest.raises(pydantic.ValidationError):
        steps[0].rule = "edited"  # type: ignore[misc]  # frozen: one chain cannot change another step


def test_evidence_is_shared_between_plans_and_frozen(default_generator: Generator) -> None:
    first, second = (default_generator.run(load_patient(EXAMPLES[0].parent / "pgx-clopidogrel.yaml"), at=AT).plan
                     for _ in range(2))
    assert first.recommendations and first.recommendations[0].evidence is second.recommendations[0].evidence
    with pytest.raises(pydantic.ValidationError):
        first.recommendations[0].evidence.citation = "edited"  # type: ignore[misc]


def test_plans_are_the_same_as_with_every_step_and_evidence_built_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = [plan.to_json() for plan in _plans(Generator())]
    because = PlanBuilder.because

    def afresh(self: PlanBuilder, firing: object, evaluation: object, known: object = None) -> list[Because]:
        return because(self, firing, evaluation, None)  # type: ignore[arg-type]

    def evidence_afresh(self: PlanBuilder, out: EvidenceOutput) -> EvidenceRef:
        return evidence_ref(out, self.citations)

    monkeypatch.setattr(PlanBuilder, "because", afresh)
    monkeypatch.setattr(PlanBuilder, "evidence", evidence_afresh)
    fresh = [plan.to_json() for plan in _plans(Generator())]
    assert len(shared) == len(EXAMPLES) > 10
    assert shared == fresh
