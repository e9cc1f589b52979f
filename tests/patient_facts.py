"""The engine facts of a patient as the default generator makes them (with the default calculators)."""

from __future__ import annotations

from engine.clinical.calculators import default_calculators
from engine.facts.fact import Fact
from engine.patient.model import Patient
from engine.patient.normalise import normalise


def facts_of(patient: Patient) -> list[Fact]:
    return normalise(patient, calculators=default_calculators())
