"""careplan on the peer workload: a Generator on the pack ``careplan_pack`` wrote, two ways to time it.

* ``evaluation``: ``generator.evaluator.evaluate(facts)`` on the patient's facts (normalised before
  the clock starts); the recommendation ids are read from the firings' outputs.
* ``plan``: the whole plan, as ``bench/bench_generate.py`` times it: ``generator.facts(patient)``,
  ``evaluate``, ``builder.build(...)`` and ``plan.to_json()``; the ids are read from the plan.

The patient file is validated against the pack's own patient model before the clock starts (reading
files is not what is compared). The Generator is built from the loaded pack, not through the
compiled-pack cache, so its load time is the full load, check and compile.
"""

from __future__ import annotations

from pathlib import Path

from bench.peers.careplan_pack import record
from bench.peers.workload import Patient
from engine.facts.fact import Fact
from engine.generator import Generator
from engine.pack.load import load_pack
from engine.patient.model import Patient as CareplanPatient
from engine.run.outputs import RecommendOutput
from engine.run.trace import Evaluation

FIXED_AT = "2026-01-01T00:00:00Z"


def recommendation_ids(evaluation: Evaluation) -> list[str]:
    """The sorted ids of the recommendations the firings made (before the planner's conflict rules)."""
    return sorted({out.id for firing in evaluation.firings for out in firing.outputs
                   if isinstance(out, RecommendOutput)})


def load_generator(pack_root: Path) -> Generator:
    return Generator.from_pack(load_pack(pack_root))


class CareplanEvaluation:
    name = "careplan-eval"

    def __init__(self, pack_root: Path) -> None:
        self.generator = load_generator(pack_root)
        self.model = self.generator.patient_model

    def prepare(self, patient: Patient) -> list[Fact]:
        return self.generator.facts(self.model.model_validate(record(patient)))

    def evaluate(self, patient_facts: list[Fact]) -> list[str]:
        return recommendation_ids(self.generator.evaluator.evaluate(patient_facts))


class CareplanPlan:
    name = "careplan-plan"

    def __init__(self, pack_root: Path) -> None:
        self.generator = load_generator(pack_root)
        self.model = self.generator.patient_model
        self.last_json = ""  # the plan's JSON text is made (and kept) as a caller would

    def prepare(self, patient: Patient) -> CareplanPatient:
        return self.model.model_validate(record(patient))

    def evaluate(self, patient: CareplanPatient) -> list[str]:
        generator = self.generator
        evaluation = generator.evaluator.evaluate(generator.facts(patient))
        plan = generator.builder.build(patient.id, FIXED_AT, evaluation)
        self.last_json = plan.to_json()
        return sorted(r.id for r in plan.recommendations)
