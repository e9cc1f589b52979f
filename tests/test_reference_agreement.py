"""The durable-rules runtime fires exactly what a naive pure-Python evaluator fires, on random packs."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.facts.fact import ABSENT_TYPE
from engine.generator import Generator
from engine.patient.model import Patient
from tests import reference_evaluator as reference
from tests.packs import write_pack
from tests.patient_facts import facts_of
from tests.strategies import FACT_TYPES, patient_data, rule_pack

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.data_too_large])


def _check(generator: Generator, patient: Patient) -> None:
    facts = facts_of(patient)
    evaluation = generator.evaluator.evaluate(facts)
    got = Counter((f.rule_id, f.matched) for f in evaluation.firings)
    want = reference.firing_counts(generator.pack.rules, facts)
    assert got == want, f"runtime only: {got - want}; reference only: {want - got}"
    derived = {fid for fid, fact in evaluation.facts.items() if fact.type != ABSENT_TYPE}
    assert derived == set(reference.derived_facts(generator.pack.rules, facts))


@SETTINGS
@given(pack=rule_pack(), patients=st.lists(patient_data(), min_size=1, max_size=4))
def test_runtime_agrees_with_reference(pack: dict[str, dict[str, Any]], patients: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        generator = Generator(write_pack(Path(tmp), pack, FACT_TYPES))
        for data in patients:
            _check(generator, Patient.model_validate(data))


@SETTINGS
@given(patients=st.lists(patient_data(), min_size=1, max_size=10))
def test_default_pack_agrees_with_reference(default_generator: Generator, patients: list[dict[str, Any]]) -> None:
    for data in patients:
        _check(default_generator, Patient.model_validate(data))
