"""Synthetic patients and the firings their evaluation gives, for tests that compare two ways of evaluating."""

from __future__ import annotations

import random

from engine.generator import Generator
from engine.patient.model import Patient
from engine.synth.cohort import synthetic_patient

Firings = list[tuple[str, tuple[str, ...], tuple[str, ...]]]


def synthetic_patients(count: int, seed: int, prefix: str = "s") -> list[Patient]:
    rng = random.Random(seed)
    return [Patient.model_validate(synthetic_patient(rng, f"{prefix}{n}")) for n in range(count)]


def firings(generator: Generator, patient: Patient) -> Firings:
    evaluation = generator.evaluator.evaluate(generator.facts(patient))
    return [(f.rule_id, f.matched, f.produced) for f in evaluation.firings]
