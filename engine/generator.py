"""The public entry point: a pack loaded and compiled once, then plans for many patients."""

from __future__ import annotations

import datetime as dt
import gc
import os
from dataclasses import dataclass
from pathlib import Path

from engine.clinical.pedigree import load_family_vocabulary
from engine.compile.cache import load_compiled
from engine.compile.compiler import compile_pack
from engine.facts.fact import Fact
from engine.fhir.write import bundle_json
from engine.pack.load import Pack
from engine.pack.locate import default_pack_root
from engine.patient.declared import patient_model
from engine.patient.model import Patient
from engine.patient.normalise import normalise
from engine.plan.builder import PlanBuilder
from engine.plan.input_gaps import add_input_gaps
from engine.plan.model import Plan
from engine.render.documents import render
from engine.run.evaluate import Evaluator
from engine.run.trace import Evaluation


def generated_at() -> str:
    """Now in UTC, or the instant SOURCE_DATE_EPOCH names (for reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit()
              else dt.datetime.now(dt.UTC))
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def resident_generator(pack_root: Path | None = None) -> Generator:
    """A Generator the process keeps until it exits (a command's, a batch worker's).

    A compiled pack is some 300,000 objects that live as long as the process. Built with the cyclic
    collector paused and then frozen out of its scans (``gc.freeze``), they are not walked again
    at every full collection: measured, 0.4 s of a 2 s ``careplan generate``. What is garbage by
    then is collected first, so the freeze keeps nothing that should go; only a process that keeps
    its Generator should ask for this (a test process builds and drops hundreds).
    """
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return Generator(pack_root)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@dataclass
class Result:
    plan: Plan
    evaluation: Evaluation
    patient: Patient | None = None  # the input, for what documents draw from it (blood-pressure readings)


class Generator:
    def __init__(self, pack_root: Path | None = None, *, pack: Pack | None = None) -> None:
        if pack is not None:
            self.pack, self.compiled = pack, compile_pack(pack)
        else:
            self.pack, self.compiled = load_compiled(pack_root or default_pack_root())
        self.evaluator = Evaluator(self.compiled, self.pack.schema)
        self.patient_model = patient_model(self.pack.fields)  # the patient file this pack reads
        self.family = load_family_vocabulary(self.pack.root)  # the normaliser counts relatives per side with it
        self.builder = PlanBuilder(self.compiled, self.pack.schema, self.pack.meta.data_versions,
                                   self.pack.drug_classes, self.pack.citations,
                                   (self.pack.meta.source_attributes, self.pack.attribute_inputs))

    @classmethod
    def from_pack(cls, pack: Pack) -> Generator:
        return cls(pack=pack)

    def facts(self, patient: Patient) -> list[Fact]:
        """The patient's engine facts, with the pack's knowledge (medicine classes, relatives) applied."""
        return normalise(patient, self.pack.drug_classes, self.pack.risk_calculators, self.family)

    def run(self, patient: Patient, at: str | None = None) -> Result:
        evaluation = self.evaluator.evaluate(self.facts(patient))
        plan = self.builder.build(patient.id, at or generated_at(), evaluation)
        return Result(add_input_gaps(plan, patient.input_gaps), evaluation, patient)

    def render(self, plan: Plan, fmt: str, audience: str = "clinician", patient: Patient | None = None) -> str:
        if fmt == "json":
            return plan.to_json()
        if fmt == "fhir":  # one bundle for every audience (docs/fhir-output.md)
            return bundle_json(plan)
        return render(plan, self.pack.templates, fmt, audience, patient.vitals.blood_pressure if patient else ())
